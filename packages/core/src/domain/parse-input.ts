import type { z } from 'zod';
import { CoreError } from '../errors.js';

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part),
    '',
  );
}

/**
 * Parses an adapter's input with a core schema. A failure is an INVALID_INPUT CoreError whose
 * message names every bad field (`accounts[1]: must be a 12-digit AWS account id, …`). `field` names
 * the input itself when it is one value (an id argument) rather than an object of fields.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  field?: string,
): z.output<Schema> {
  const result = schema.safeParse(field === undefined ? (input ?? {}) : input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: [field, fieldPath(issue.path)].filter(Boolean).join('.') || '(input)',
    message: issue.message,
  }));
  throw new CoreError('INVALID_INPUT', issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), {
    details: { field: issues[0]?.field, issues },
  });
}
