import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { CoreError, type Engine, isCoreError, parseInput } from '@rootwarden/core';
import { DEFAULT_INLINE_ACCOUNT_LIMIT } from './audit-result.js';
import { ProtocolError, toolErrorResult } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import { registerReviewPrompt } from './prompts.js';
import { createReportCache } from './report-cache.js';
import { registerAuditResources } from './resources.js';
import { type AnyTool, type ToolContext, type ToolExtra, toCallToolResult } from './tool.js';
import { applyPlanTool } from './tools/apply-plan.js';
import { auditRootCredentialsTool } from './tools/audit-root-credentials.js';
import { checkPoliciesTool } from './tools/check-policies.js';
import { diffAuditsTool } from './tools/diff-audits.js';
import { getAuditTool } from './tools/get-audit.js';
import { getOrgStatusTool } from './tools/get-org-status.js';
import { listAccountsTool } from './tools/list-accounts.js';
import { listBreakglassTool } from './tools/list-breakglass.js';
import { listExceptionsTool } from './tools/list-exceptions.js';
import { listSchedulesTool } from './tools/list-schedules.js';
import { planPrivilegedTaskTool } from './tools/plan-privileged-task.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface ServerOptions {
  /** The engine every tool calls (the caller creates it, and closes it after the server). */
  engine: Engine;
  /** Register `apply-plan` (`rootwarden-mcp --allow-mutations`). Default false: read-only. */
  allowMutations?: boolean;
  /**
   * Audits with more accounts than this are returned as a summary plus a link to the full report
   * resource. Default 50.
   */
  inlineAccountLimit?: number;
  /** Where log lines go (stderr in `rootwarden-mcp`). Default: nowhere. */
  logger?: Logger;
}

/** The read-only tools, in the order tools/list shows them. */
const READ_ONLY_TOOLS: AnyTool[] = [
  getOrgStatusTool,
  listAccountsTool,
  checkPoliciesTool,
  auditRootCredentialsTool,
  getAuditTool,
  diffAuditsTool,
  listExceptionsTool,
  listSchedulesTool,
  listBreakglassTool,
  planPrivilegedTaskTool,
] as unknown as AnyTool[];

const INSTRUCTIONS = `rootwarden audits the root user credentials of the member accounts of an AWS Organization (centralized root access, STS AssumeRoot with task-scoped sessions).
Start with get-org-status, then audit-root-credentials; saved audits are resources rootwarden://audits/{id} (rootwarden://audits/latest is the newest).
Remediation is plan then apply: plan-privileged-task changes nothing and returns a plan for the person to review. Never apply a plan the person has not approved.`;

/**
 * The rootwarden MCP server, not connected: connect it to a transport (stdio, Streamable HTTP, or an
 * in-memory pair in tests). One server per connection; several may share one engine.
 */
export function createServer(options: ServerOptions): McpServer {
  const allowMutations = options.allowMutations ?? false;
  const tools = allowMutations ? [...READ_ONLY_TOOLS, applyPlanTool as unknown as AnyTool] : READ_ONLY_TOOLS;
  const mcp = new McpServer(
    { name: 'rootwarden', title: 'rootwarden', version },
    {
      // No `tools` here: the SDK would install its tools/call handler at once, before guardToolCalls
      // can put its guard in front; registering the first tool declares the capability.
      capabilities: { resources: {}, prompts: {} },
      instructions: allowMutations
        ? `${INSTRUCTIONS}\napply-plan applies an approved plan; it asks the person for consent itself.`
        : `${INSTRUCTIONS}\nThis server is read-only: it cannot apply plans.`,
    },
  );
  const log = options.logger ?? silentLogger;
  const context: ToolContext = {
    engine: options.engine,
    mcp,
    reports: createReportCache(),
    log,
    allowMutations,
    inlineAccountLimit: options.inlineAccountLimit ?? DEFAULT_INLINE_ACCOUNT_LIMIT,
  };

  guardToolCalls(mcp, new Map(tools.map((tool) => [tool.name, tool])));
  for (const tool of tools) {
    mcp.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      (args: Record<string, unknown>, extra: ToolExtra) => runTool(tool, context, args, extra),
    );
  }
  registerAuditResources(mcp, context, version);
  registerReviewPrompt(mcp, context);
  return mcp;
}

/**
 * Puts a guard in front of the SDK's tools/call handler (which stays, and runs the registered
 * handlers), for what MCP 2025-11-25 asks and the SDK 1.32.2 answers otherwise
 * (https://github.com/modelcontextprotocol/typescript-sdk/issues/1956):
 * - an unknown tool is a protocol error (JSON-RPC -32602) saying which tools exist;
 * - invalid arguments are a tool result with `isError: true` (SEP-1303), here with the INVALID_INPUT
 *   code and every bad field named (`accounts[1]`, not the SDK's bare message), so the model can
 *   correct itself.
 */
function guardToolCalls(mcp: McpServer, tools: ReadonlyMap<string, AnyTool>): void {
  const server = mcp.server;
  const install = server.setRequestHandler.bind(server);
  server.setRequestHandler = ((schema: unknown, handler: (...args: never[]) => unknown) =>
    install(
      schema as never,
      (schema === CallToolRequestSchema
        ? (request: CallToolRequest, extra: never) => {
            const tool = tools.get(request.params.name);
            if (!tool) throw unknownTool(request.params.name, new Set(tools.keys()));
            const invalid = invalidArguments(tool, request.params.arguments);
            return invalid ?? handler(request as never, extra);
          }
        : handler) as never,
    )) as typeof server.setRequestHandler;
}

/** The tool result for arguments the tool does not accept, or undefined when they are fine. */
function invalidArguments(
  tool: AnyTool,
  args: Record<string, unknown> | undefined,
): CallToolResult | undefined {
  try {
    const parsed = parseInput(tool.inputSchema, args ?? {});
    tool.parse?.(parsed);
    return undefined;
  } catch (error) {
    if (!(isCoreError(error) && error.code === 'INVALID_INPUT')) throw error;
    const issues = namedIssues(error.details?.issues, error.message);
    return toolErrorResult(
      new CoreError(
        'INVALID_INPUT',
        `Invalid arguments for tool ${tool.name}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
        { field: issues[0]?.field ?? '(input)', details: { issues } },
      ),
    );
  }
}

function unknownTool(name: string, names: ReadonlySet<string>): ProtocolError {
  return new ProtocolError(
    ErrorCode.InvalidParams,
    `Unknown tool "${name}". Tools: ${[...names].join(', ')}.`,
    {
      tool: name,
      ...(name === 'apply-plan'
        ? { hint: 'apply-plan exists only when the server runs with --allow-mutations.' }
        : {}),
    },
  );
}

async function runTool(
  tool: AnyTool,
  context: ToolContext,
  args: Record<string, unknown>,
  extra: ToolExtra,
): Promise<CallToolResult> {
  const name = tool.name;
  // The guard has validated the arguments; core's own contract (a union) gives the typed input.
  const input = (tool.parse ? tool.parse(args as never) : args) as never;
  const started = Date.now();
  try {
    const output = await tool.run(input, extra, context);
    const checked = tool.outputSchema.safeParse(output.structured);
    if (!checked.success) {
      // A bug of ours, not the caller's: say so instead of sending a result that breaks the contract.
      context.log.error(`tool ${name}: result does not match its output schema: ${checked.error.message}`);
      return toolErrorResult(new Error(`the result of ${name} does not match its output schema`));
    }
    context.log.info(`tool ${name} ok (${Date.now() - started} ms)`);
    return toCallToolResult(output);
  } catch (error) {
    if (error instanceof McpError || error instanceof ProtocolError) throw error;
    const code = (error as { code?: unknown }).code;
    context.log[isCoreError(error) ? 'info' : 'error'](
      `tool ${name} failed: ${typeof code === 'string' ? code : 'INTERNAL'} (${Date.now() - started} ms)${
        isCoreError(error)
          ? ''
          : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      }`,
    );
    const fields = typeof tool.errorFields === 'function' ? tool.errorFields(input) : tool.errorFields;
    return toolErrorResult(error, fields);
  }
}
/**
 * The argument each validation issue is about. Zod reports an unknown argument on the object itself
 * (`(input): Unrecognized key: "bucket"`); the key is the field the caller got wrong.
 */
function namedIssues(raw: unknown, fallback: string): Array<{ field: string; message: string }> {
  if (!Array.isArray(raw)) return [{ field: '(input)', message: fallback }];
  return (raw as Array<{ field: string; message: string }>).flatMap((issue) => {
    const keys = /^Unrecognized keys?: (.+)$/.exec(issue.message)?.[1];
    if (issue.field !== '(input)' || !keys) return [issue];
    return [...keys.matchAll(/"([^"]+)"/g)].map((match) => ({
      field: match[1] as string,
      message: 'not an argument of this tool (or of this task)',
    }));
  });
}
