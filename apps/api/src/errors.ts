import { type CoreErrorCode, isCoreError } from '@rootwarden/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one table mapping every CoreError code to an HTTP status. `Record<CoreErrorCode, …>` makes a new core
 * code a type error here until it is mapped. Client mistakes are 4xx; 403 is kept for token scopes, so AWS
 * refusing the *server's* identity is a 502 (the upstream said no), never a 403.
 */
export const CORE_ERROR_STATUS: Record<CoreErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  AUDIT_NOT_FOUND: 404,
  PLAN_NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  // The organization's state conflicts with the request: an operator fixes it, then the same request works.
  ROOT_ACCESS_NOT_ENABLED: 409,
  ROOT_SESSIONS_NOT_ENABLED: 409,
  TRUSTED_ACCESS_NOT_ENABLED: 409,
  PLAN_STALE: 409,
  PLAN_EXPIRED: 409,
  PLAN_BUSY: 409,
  // Well-formed, but names something the organization cannot do it to.
  ACCOUNT_NOT_IN_ORG: 422,
  MANAGEMENT_ACCOUNT_TARGET: 422,
  ACCOUNT_NOT_ACTIVE: 422,
  OU_NOT_FOUND: 422,
  // AWS refused or failed the server's own identity.
  NOT_AUTHORIZED_CALLER: 502,
  ORGANIZATION_NOT_FOUND: 502,
  AWS_ACCESS_DENIED: 502,
  AWS_ERROR: 502,
  NETWORK: 502,
  // Temporarily unable to serve: retry later (THROTTLED and STORE_BUSY carry Retry-After).
  THROTTLED: 503,
  STORE_BUSY: 503,
  STORE_UNAVAILABLE: 503,
  CREDENTIALS_MISSING: 503,
  CREDENTIALS_EXPIRED: 503,
  CREDENTIALS_INVALID: 503,
  GLOBAL_STS_ENDPOINT: 503,
  ABORTED: 503,
  STORE_CORRUPT: 500,
  INTERNAL: 500,
};

/** Codes the API adds for HTTP-level mistakes and states core knows nothing about. */
export const API_ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  INSUFFICIENT_SCOPE: 403,
  // DNS rebinding and cross-site browser requests (host-guard.ts).
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AUDIT_NOT_FINISHED: 409,
  AUDIT_HAS_NO_REPORT: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  QUEUE_FULL: 503,
  SHUTTING_DOWN: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** Statuses whose answer says when to come back. */
const RETRY_AFTER_SECONDS: Partial<Record<string, number>> = {
  THROTTLED: 5,
  STORE_BUSY: 1,
  QUEUE_FULL: 10,
  SHUTTING_DOWN: 5,
  TOO_MANY_STREAMS: 5,
};

/** Where a bad value was: the JSON body, the query string, the path or a header. */
export type FieldLocation = 'body' | 'query' | 'path' | 'header';

export interface ApiErrorOptions {
  field?: string | undefined;
  location?: FieldLocation | undefined;
  fix?: string | undefined;
  issues?: { field: string; message: string }[] | undefined;
  headers?: Record<string, string>;
}

/** An error of the HTTP layer (auth, limits, job states); core's errors stay CoreErrors. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode | CoreErrorCode;
  readonly status: ContentfulStatusCode;
  readonly options: ApiErrorOptions;

  constructor(code: ApiErrorCode | CoreErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.code = code;
    this.status =
      code in API_ERROR_STATUS
        ? API_ERROR_STATUS[code as ApiErrorCode]
        : CORE_ERROR_STATUS[code as CoreErrorCode];
    this.options = options;
  }
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    field?: string;
    location?: FieldLocation;
    fix?: string;
    issues?: { field: string; message: string }[];
  };
}

export interface RenderedError {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True for a server-side failure that should be logged with its cause. */
  unexpected: boolean;
}

function issuesOf(
  details: Record<string, unknown> | undefined,
): { field: string; message: string }[] | undefined {
  const issues = details?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.filter(
    (issue): issue is { field: string; message: string } =>
      typeof issue?.field === 'string' && typeof issue?.message === 'string',
  );
}

/** Turns anything thrown by a route into the one error shape. Messages of unexpected errors never leave. */
export function renderError(error: unknown, requestId: string): RenderedError {
  const make = (
    code: string,
    status: ContentfulStatusCode,
    message: string,
    options: ApiErrorOptions = {},
    unexpected = false,
  ): RenderedError => {
    const retryAfter = RETRY_AFTER_SECONDS[code];
    return {
      status,
      unexpected,
      headers: {
        ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
        ...options.headers,
      },
      body: {
        error: {
          code,
          message,
          requestId,
          ...(options.field === undefined ? {} : { field: options.field }),
          ...(options.location === undefined ? {} : { location: options.location }),
          ...(options.fix === undefined ? {} : { fix: options.fix }),
          ...(options.issues === undefined ? {} : { issues: options.issues }),
        },
      },
    };
  };
  if (error instanceof ApiError) return make(error.code, error.status, error.message, error.options);
  if (isCoreError(error)) {
    const status = CORE_ERROR_STATUS[error.code] ?? 500;
    // INTERNAL and STORE_CORRUPT messages may describe internals: log them, answer generically.
    if (status === 500)
      return make(error.code, 500, 'Internal error: see the server log for this request id.', {}, true);
    const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
    return make(error.code, status, error.message, {
      field,
      fix: error.fix,
      issues: error.code === 'INVALID_INPUT' ? issuesOf(error.details) : undefined,
    });
  }
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON (400), body over the limit (413), wrong content type (415).
    if (error.status === 413)
      return make('PAYLOAD_TOO_LARGE', 413, 'The request body is larger than this server accepts.', {
        field: 'body',
        location: 'body',
      });
    if (error.status === 415)
      return make('UNSUPPORTED_MEDIA_TYPE', 415, 'Content-Type: send the request body as application/json.', {
        field: 'Content-Type',
        location: 'header',
        fix: 'Set the header Content-Type: application/json.',
      });
    if (error.status >= 400 && error.status < 500)
      return make('INVALID_INPUT', 400, `body: ${error.message || 'malformed request'}`, {
        field: 'body',
        location: 'body',
        fix: 'Send a valid JSON document.',
      });
  }
  return make('INTERNAL', 500, 'Internal error: see the server log for this request id.', {}, true);
}
