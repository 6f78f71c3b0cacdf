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
  /** The input field that was wrong (default: `details.field` when it is a string). */
  field?: string;
  /** Structured, credential-free details (field names, ids, AWS error codes). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;
  readonly fix: string | undefined;
  /** The input field that was wrong, when one was (`accounts[1]`, `planId`, `sandbox`). */
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: CoreErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
    const detailField = options.details?.field;
    this.field = options.field ?? (typeof detailField === 'string' ? detailField : undefined);
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

/**
 * A mistake in how a program was started (a flag, the config file, the environment): an
 * INVALID_INPUT CoreError, so every door exits 2 and shows its usage hint.
 */
export class UsageError extends CoreError {
  constructor(message: string, options: { fix?: string; field?: string } = {}) {
    super('INVALID_INPUT', message, {
      ...(options.fix === undefined ? {} : { fix: options.fix }),
      ...(options.field === undefined ? {} : { field: options.field, details: { field: options.field } }),
    });
  }
}

/**
 * Who has to act on an error, the idea of the AWS SDK's `$fault`, in the words the three doors need:
 * - `client`: the request is wrong (the caller fixes its input);
 * - `not-found`: it names something that does not exist;
 * - `conflict`: the state moved on, or is in use (re-plan, or wait);
 * - `setup`: the organization's AWS setup must change (an operator enables a feature);
 * - `denied`: AWS refuses the identity this process runs as, or it is not an organization's manager;
 * - `config`: this process's own credentials, STS endpoint or history store are unusable;
 * - `transient`: retrying later may work (throttling, a busy store, the network, a cancelled call);
 * - `aws`: AWS failed in a way we do not model;
 * - `internal`: a bug or a damaged store (messages may describe internals).
 */
export type ErrorFault =
  | 'client'
  | 'not-found'
  | 'conflict'
  | 'setup'
  | 'denied'
  | 'config'
  | 'transient'
  | 'aws'
  | 'internal';

export interface ErrorClass {
  fault: ErrorFault;
  /** When to try again (like the AWS SDK's `$retryable` with a delay): HTTP Retry-After, MCP hint. */
  retryAfterSeconds?: number;
}

/**
 * The one classification of every code. The CLI exit code, the HTTP status and the MCP error kind are
 * each derived from it (plus a few named exceptions), and a test checks that they agree. A new code in
 * CORE_ERROR_CODES is a type error here until it is classified.
 */
export const ERROR_CLASSIFICATION: Readonly<Record<CoreErrorCode, ErrorClass>> = {
  INVALID_INPUT: { fault: 'client' },
  MANAGEMENT_ACCOUNT_TARGET: { fault: 'client' },
  ACCOUNT_NOT_ACTIVE: { fault: 'client' },
  ACCOUNT_NOT_IN_ORG: { fault: 'not-found' },
  OU_NOT_FOUND: { fault: 'not-found' },
  PLAN_NOT_FOUND: { fault: 'not-found' },
  AUDIT_NOT_FOUND: { fault: 'not-found' },
  EXCEPTION_NOT_FOUND: { fault: 'not-found' },
  RESOURCE_NOT_FOUND: { fault: 'not-found' },
  PLAN_STALE: { fault: 'conflict' },
  PLAN_EXPIRED: { fault: 'conflict' },
  // Another run holds the plan's claim; claims are renewed every 30 s, so check back after that.
  PLAN_BUSY: { fault: 'conflict', retryAfterSeconds: 30 },
  ROOT_ACCESS_NOT_ENABLED: { fault: 'setup' },
  ROOT_SESSIONS_NOT_ENABLED: { fault: 'setup' },
  TRUSTED_ACCESS_NOT_ENABLED: { fault: 'setup' },
  NOT_AUTHORIZED_CALLER: { fault: 'denied' },
  ORGANIZATION_NOT_FOUND: { fault: 'denied' },
  AWS_ACCESS_DENIED: { fault: 'denied' },
  CREDENTIALS_MISSING: { fault: 'config' },
  CREDENTIALS_EXPIRED: { fault: 'config' },
  CREDENTIALS_INVALID: { fault: 'config' },
  GLOBAL_STS_ENDPOINT: { fault: 'config' },
  STORE_UNAVAILABLE: { fault: 'config' },
  THROTTLED: { fault: 'transient', retryAfterSeconds: 5 },
  STORE_BUSY: { fault: 'transient', retryAfterSeconds: 1 },
  ABORTED: { fault: 'transient' },
  NETWORK: { fault: 'transient' },
  AWS_ERROR: { fault: 'aws' },
  STORE_CORRUPT: { fault: 'internal' },
  INTERNAL: { fault: 'internal' },
};

/** The classification of a code (see ERROR_CLASSIFICATION). */
export function classifyError(code: CoreErrorCode): ErrorClass {
  return ERROR_CLASSIFICATION[code];
}

/** True for a mistake of the caller's (`client`, `not-found`): CLI exit 2, HTTP 4xx, MCP input/not-found. */
export function isCallerMistake(code: CoreErrorCode): boolean {
  const { fault } = ERROR_CLASSIFICATION[code];
  return fault === 'client' || fault === 'not-found';
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
