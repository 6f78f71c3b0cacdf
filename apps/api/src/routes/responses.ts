import type { Scope } from '../auth.js';
import { ErrorResponse } from '../schemas.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `error.field` names the field',
  401: 'No bearer token, or an unknown one',
  403: 'The token lacks the scope this route needs',
  404: 'Not found',
  409: 'Conflicts with the current state (see `error.code`)',
  413: 'Body too large',
  415: 'Body not sent as application/json',
  422: 'Names something the organization cannot do it to',
  429: 'Rate limit of this token reached (see Retry-After)',
  502: 'AWS refused or failed the server’s own identity',
  503: 'Temporarily unavailable (see Retry-After)',
};

/** Error responses of a route, all with the one error shape. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ErrorResponse } },
      },
    ]),
  );
}

/** The errors of any authenticated route. */
export const AUTH_ERRORS = [401, 403, 429] as const;

/** OpenAPI security requirement naming the scope (OpenAPI 3.1 allows role names for bearer schemes). */
export function security(scope: Scope) {
  return [{ bearer: [scope] }];
}

export function scopeNote(scope: Scope): string {
  return `Requires a token with scope \`${scope}\` or higher (read < audit < remediate).`;
}
