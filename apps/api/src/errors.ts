import {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  classifyError,
  ERROR_CLASSIFICATION,
  type ErrorFault,
  isCoreError,
} from '@rootwarden/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The HTTP status of each fault of core's error classification. */
const STATUS_BY_FAULT: Record<ErrorFault, ContentfulStatusCode> = {
  client: 400,
  'not-found': 404,
  conflict: 409,
  // The organization's state conflicts with the request: an operator fixes it, then the same request works.
  setup: 409,
  // 403 is kept for token scopes, so AWS refusing the *server's* identity is a 502 (the upstream said no).
  denied: 502,
  // The server's own credentials or store are unusable: unavailable until its operator fixes them.
  config: 503,
  transient: 503,
  aws: 502,
  internal: 500,
};

/** Well-formed requests naming something the organization cannot do it to. */
const UNPROCESSABLE: ReadonlySet<CoreErrorCode> = new Set([
  'MANAGEMENT_ACCOUNT_TARGET',
  'ACCOUNT_NOT_ACTIVE',
  'ACCOUNT_NOT_IN_ORG',
  'OU_NOT_FOUND',
]);

/** The HTTP status of a CoreError code: derived from core's classification. */
function coreErrorStatus(code: CoreErrorCode): ContentfulStatusCode {
  return UNPROCESSABLE.has(code) ? 422 : STATUS_BY_FAULT[classifyError(code).fault];
}

/** Every code's status, as a table (the OpenAPI document and tests show it). */
export const CORE_ERROR_STATUS = Object.fromEntries(
  CORE_ERROR_CODES.map((code) => [code, coreErrorStatus(code)]),
) as Readonly<Record<CoreErrorCode, ContentfulStatusCode>>;

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

/** API codes whose answer says when to come back (core codes carry theirs in the classification). */
const API_RETRY_AFTER_SECONDS: Partial<Record<ApiErrorCode, number>> = {
  QUEUE_FULL: 10,
  SHUTTING_DOWN: 5,
  TOO_MANY_STREAMS: 5,
};

function retryAfterSeconds(code: string): number | undefined {
  return code in API_ERROR_STATUS
    ? API_RETRY_AFTER_SECONDS[code as ApiErrorCode]
    : (ERROR_CLASSIFICATION[code as CoreErrorCode]?.retryAfterSeconds ?? undefined);
}

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
        : coreErrorStatus(code as CoreErrorCode);
    this.options = options;
  }
}

interface ErrorBody {
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
    const retryAfter = retryAfterSeconds(code);
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
    const status = coreErrorStatus(error.code);
    // INTERNAL and STORE_CORRUPT messages may describe internals: log them, answer generically.
    if (status === 500)
      return make(error.code, 500, 'Internal error: see the server log for this request id.', {}, true);
    return make(error.code, status, error.message, {
      field: error.field,
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
