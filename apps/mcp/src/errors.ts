import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type CoreErrorCode, isCoreError } from '@rootwarden/core';

/** Errors the MCP adapter itself raises (consent is an adapter concern, not the engine's). */
export type McpToolErrorCode = CoreErrorCode | 'CONSENT_REQUIRED';

/**
 * What kind of failure each code is, so an assistant knows what to do next: fix its arguments
 * (`input`), look something up (`not-found`), ask the person to change the AWS setup (`setup`),
 * re-plan (`conflict`), retry later (`transient`), get a person's approval (`consent`), or report
 * it (`failure`). The one table of this adapter (the CLI maps the same codes to exit codes, the API to
 * HTTP statuses); every code is a tool result with `isError: true`, never a protocol error.
 */
export const ERROR_KINDS: Record<
  McpToolErrorCode,
  'input' | 'not-found' | 'setup' | 'conflict' | 'transient' | 'consent' | 'failure'
> = {
  INVALID_INPUT: 'input',
  NOT_AUTHORIZED_CALLER: 'setup',
  ROOT_ACCESS_NOT_ENABLED: 'setup',
  ROOT_SESSIONS_NOT_ENABLED: 'setup',
  TRUSTED_ACCESS_NOT_ENABLED: 'setup',
  ORGANIZATION_NOT_FOUND: 'setup',
  ACCOUNT_NOT_IN_ORG: 'not-found',
  MANAGEMENT_ACCOUNT_TARGET: 'input',
  ACCOUNT_NOT_ACTIVE: 'input',
  OU_NOT_FOUND: 'not-found',
  THROTTLED: 'transient',
  AWS_ACCESS_DENIED: 'setup',
  CREDENTIALS_MISSING: 'setup',
  CREDENTIALS_EXPIRED: 'setup',
  CREDENTIALS_INVALID: 'setup',
  GLOBAL_STS_ENDPOINT: 'setup',
  PLAN_STALE: 'conflict',
  PLAN_EXPIRED: 'conflict',
  PLAN_NOT_FOUND: 'not-found',
  PLAN_BUSY: 'transient',
  AUDIT_NOT_FOUND: 'not-found',
  EXCEPTION_NOT_FOUND: 'not-found',
  STORE_UNAVAILABLE: 'setup',
  STORE_CORRUPT: 'failure',
  STORE_BUSY: 'transient',
  RESOURCE_NOT_FOUND: 'not-found',
  ABORTED: 'transient',
  NETWORK: 'transient',
  AWS_ERROR: 'failure',
  INTERNAL: 'failure',
  CONSENT_REQUIRED: 'consent',
};

/** The `_meta` key carrying the structured error (reverse-DNS prefix, as the MCP spec asks). */
export const ERROR_META_KEY = 'dev.rootwarden/error';

export interface ToolErrorBody {
  code: McpToolErrorCode;
  kind: (typeof ERROR_KINDS)[McpToolErrorCode];
  message: string;
  fix?: string;
  field?: string;
}

/**
 * A JSON-RPC error for the caller's protocol-level mistakes (unknown tool, invalid arguments). Not an
 * McpError, whose message already carries an `MCP error -32602:` prefix that the client adds again.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** An error an adapter raises for the assistant (consent refused, …), shaped like a CoreError. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: McpToolErrorCode,
    message: string,
    readonly fix?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A failure as a tool result: `[CODE] field: message` plus the fix, for the model; the same as
 * structured data under `_meta` for programs. `structuredContent` stays absent (it would have to match
 * the success schema).
 */
export function toolErrorResult(
  error: unknown,
  defaultFields: Partial<Record<string, string>> = {},
): CallToolResult {
  const body = toErrorBody(error, defaultFields);
  const where = body.field && !body.message.startsWith(`${body.field}`) ? `${body.field}: ` : '';
  const text = [`[${body.code}] ${where}${body.message}`, body.fix ? `Fix: ${body.fix}` : '']
    .filter(Boolean)
    .join('\n');
  return { isError: true, content: [{ type: 'text', text }], _meta: { [ERROR_META_KEY]: body } };
}

function toErrorBody(error: unknown, defaultFields: Partial<Record<string, string>>): ToolErrorBody {
  if (isCoreError(error)) {
    const detailField = error.details?.field;
    const field = typeof detailField === 'string' ? detailField : defaultFields[error.code];
    return {
      code: error.code,
      kind: ERROR_KINDS[error.code],
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
      ...(field ? { field } : {}),
    };
  }
  if (error instanceof ToolError) {
    return {
      code: error.code,
      kind: ERROR_KINDS[error.code],
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
      ...(error.field ? { field: error.field } : {}),
    };
  }
  return {
    code: 'INTERNAL',
    kind: 'failure',
    message: `Internal error: ${error instanceof Error ? error.message : String(error)}`,
    fix: 'Please report it (the server log on stderr has the details).',
  };
}
