/**
 * The one error type of the engine. Adapters map `code` to an exit code, an HTTP status or an MCP
 * tool error with one table each; they never parse `message`.
 */
export const CORE_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_AUTHORIZED_CALLER',
  'ROOT_ACCESS_NOT_ENABLED',
  'ROOT_SESSIONS_NOT_ENABLED',
  'TRUSTED_ACCESS_NOT_ENABLED',
  'ORGANIZATION_NOT_FOUND',
  'ACCOUNT_NOT_IN_ORG',
  'MANAGEMENT_ACCOUNT_TARGET',
  'ACCOUNT_NOT_ACTIVE',
  'OU_NOT_FOUND',
  'THROTTLED',
  'AWS_ACCESS_DENIED',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'GLOBAL_STS_ENDPOINT',
  'PLAN_STALE',
  'PLAN_EXPIRED',
  'PLAN_NOT_FOUND',
  'PLAN_BUSY',
  'AUDIT_NOT_FOUND',
  'EXCEPTION_NOT_FOUND',
  'STORE_UNAVAILABLE',
  'STORE_CORRUPT',
  'STORE_BUSY',
  'RESOURCE_NOT_FOUND',
  'ABORTED',
  'NETWORK',
  'AWS_ERROR',
  'INTERNAL',
] as const;

export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

export interface CoreErrorOptions {
  /** What to do about it, in one sentence a user can act on. */
  fix?: string;
  /** Structured, credential-free details (field names, ids, AWS error codes). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: CoreErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** A plain, serialisable view (never includes the cause, which may hold AWS internals). */
  toJSON(): { code: CoreErrorCode; message: string; fix?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.fix === undefined ? {} : { fix: this.fix }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isCoreError(error: unknown): error is CoreError {
  return error instanceof CoreError;
}

/** Codes that describe the whole organization or caller: an audit stops instead of marking every account unknown. */
export const ORGANIZATION_WIDE_CODES: ReadonlySet<CoreErrorCode> = new Set([
  'NOT_AUTHORIZED_CALLER',
  'ROOT_ACCESS_NOT_ENABLED',
  'ROOT_SESSIONS_NOT_ENABLED',
  'TRUSTED_ACCESS_NOT_ENABLED',
  'ORGANIZATION_NOT_FOUND',
  'CREDENTIALS_MISSING',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'GLOBAL_STS_ENDPOINT',
]);
