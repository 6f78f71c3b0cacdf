import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ContentBlock,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { CoreErrorCode, Engine } from '@rootwarden/core';
import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { ReportCache } from './report-cache.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What every tool gets: the engine and the server's shared state. */
export interface ToolContext {
  engine: Engine;
  /** The underlying MCP server (elicitation, client capabilities). */
  mcp: McpServer;
  reports: ReportCache;
  log: Logger;
  /** Whether apply-plan is available (the server was started with --allow-mutations). */
  allowMutations: boolean;
  /** Audit/get-audit results with more accounts than this return a summary and a resource link. */
  inlineAccountLimit: number;
}

/** A tool's answer: the object matching its output schema, a concise text for the model, extra content. */
export interface ToolOutput<Output> {
  structured: Output;
  text: string;
  /** More content after the text (e.g. a resource link to the full report). */
  content?: ContentBlock[];
}

type ErrorFields = Partial<Record<CoreErrorCode, string>>;

/** One MCP tool of rootwarden: schemas from @rootwarden/core, truthful annotations, one engine call. */
export interface ToolDefinition<Input = unknown, Output = unknown> {
  name: string;
  title: string;
  description: string;
  /** Advertised in tools/list and validated before `run` (a failure is a JSON-RPC InvalidParams error). */
  inputSchema: z.ZodObject;
  /** Further validation with core's own contract when it cannot be advertised as one object (a union). */
  parse?: (input: z.output<z.ZodObject>) => Input;
  outputSchema: z.ZodObject;
  annotations: ToolAnnotations;
  /**
   * The argument a CoreError is about when the error itself does not say (e.g. PLAN_NOT_FOUND → planId),
   * so every bad argument is named.
   */
  errorFields?: ErrorFields | ((input: Input) => ErrorFields);
  run(input: Input, extra: ToolExtra, context: ToolContext): Promise<ToolOutput<Output>>;
}

/** Identity helper that keeps a tool's input and output types together. */
export function defineTool<Input, Output>(
  tool: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return tool;
}

export type AnyTool = ToolDefinition<never, unknown>;

export function toCallToolResult(output: ToolOutput<unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: output.text }, ...(output.content ?? [])],
    structuredContent: output.structured as Record<string, unknown>,
  };
}
