import { kindError, nullMember, validationMessage } from '../errors.js';

/** awsQuery member names are lower-camel in validation messages (`targetPrincipal`, `durationSeconds`). */
function memberName(param: string): string {
  return param
    .split('.')
    .map((p) => p.charAt(0).toLowerCase() + p.slice(1))
    .join('.');
}

export function requiredParam(params: Map<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '')
    throw kindError('missing-parameter', validationMessage([nullMember(memberName(name))]));
  return value;
}

export function lengthProblem(name: string, value: string, min: number, max: number): string | undefined {
  if (value.length < min)
    return `Value '${value}' at '${memberName(name)}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`;
  if (value.length > max)
    return `Value '${value.slice(0, 64)}' at '${memberName(name)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  return undefined;
}

export function optionalInt(
  params: Map<string, string>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === undefined || raw === '') return undefined;
  const member = memberName(name);
  if (!/^-?\d+$/.test(raw))
    throw kindError(
      'validation',
      validationMessage([
        `Value '${raw}' at '${member}' failed to satisfy constraint: Member must be a number`,
      ]),
    );
  const value = Number(raw);
  if (value > max)
    throw kindError(
      'validation',
      validationMessage([
        `Value '${raw}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      ]),
    );
  if (value < min)
    throw kindError(
      'validation',
      validationMessage([
        `Value '${raw}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      ]),
    );
  return value;
}
