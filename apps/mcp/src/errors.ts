import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type CoreErrorCode, classifyError, type ErrorFault, isCoreError } from '@rootwarden/core';
import { data } from './render.js';

/** Errors the MCP adapter itself raises (consent is an adapter concern, not the engine's). */
export type McpToolErrorCode = CoreErrorCode | 'CONSENT_REQUIRED';

/**
 * What kind of failure an error is, so an assistant knows what to do next: fix its arguments
 * (`input`), look something up (`not-found`), ask the person to change the AWS setup (`setup`),
 * re-plan or wait (`conflict`), retry later (`transient`), get a person's approval (`consent`), or
 * report it (`failure`). Every code is a tool result with `isError: true`, never a protocol error.
 */
export type ErrorKind = 'input' | 'not-found' | 'setup' | 'conflict' | 'transient' | 'consent' | 'failure';

/** The kind of each fault of core's error classification (the CLI and the API derive from it too). */
const KIND_BY_FAULT: Record<ErrorFault, ErrorKind> = {
  client: 'input',
  'not-found': 'not-found',
  conflict: 'conflict',
  setup: 'setup',
  denied: 'setup',
  config: 'setup',
  transient: 'transient',
  aws: 'failure',
  internal: 'failure',
};

/** The kind of an error code: core codes from their classification, the adapter's own by name. */
export function errorKind(code: McpToolErrorCode): ErrorKind {
  return code === 'CONSENT_REQUIRED' ? 'consent' : KIND_BY_FAULT[classifyError(code).fault];
}

/** The `_meta` key carrying the structured error (reverse-DNS prefix, as the MCP spec asks). */
export const ERROR_META_KEY = 'dev.rootwarden/error';

interface ToolErrorBody {
  code: McpToolErrorCode;
  kind: ErrorKind;
  /** When trying again may work (PLAN_BUSY, THROTTLED…): wait this long first. */
  retryAfterSeconds?: number;
  /** INVALID_INPUT: every bad field, in order. */
  issues?: Array<{ field: string; message: string }>;
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
 * A failure as a tool result: `[CODE] field: "message"` plus the fix, for the model; the same as
 * structured data under `_meta` for programs. `structuredContent` stays absent (it would have to match
 * the success schema). The message is JSON-quoted data (render.ts `data`): it can carry AWS's own
 * error text and names from AWS (an AccessDenied explained names the policy and the OU or account it
 * is attached to).
 */
export function toolErrorResult(
  error: unknown,
  defaultFields: Partial<Record<string, string>> = {},
): CallToolResult {
  const body = toErrorBody(error, defaultFields);
  const where = body.field && !body.message.startsWith(`${body.field}`) ? `${body.field}: ` : '';
  const text = [`[${body.code}] ${where}${data(body.message)}`, body.fix ? `Fix: ${body.fix}` : '']
    .filter(Boolean)
    .join('\n');
  return { isError: true, content: [{ type: 'text', text }], _meta: { [ERROR_META_KEY]: body } };
}

function toErrorBody(error: unknown, defaultFields: Partial<Record<string, string>>): ToolErrorBody {
  if (isCoreError(error)) {
    const field = error.field ?? defaultFields[error.code];
    const { retryAfterSeconds } = classifyError(error.code);
    return {
      code: error.code,
      kind: errorKind(error.code),
      message: error.message,
      ...(error.fix ? { fix: error.fix } : {}),
      ...(field ? { field } : {}),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(error.code === 'INVALID_INPUT' && Array.isArray(error.details?.issues)
        ? { issues: error.details.issues as Array<{ field: string; message: string }> }
        : {}),
    };
  }
  if (error instanceof ToolError) {
    return {
      code: error.code,
      kind: errorKind(error.code),
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
