import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { type Engine, isCoreError, parseInput } from '@rootwarden/core';
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
      capabilities: { tools: {}, resources: {}, prompts: {} },
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

  const byName = new Map<string, AnyTool>();
  for (const tool of tools) {
    byName.set(tool.name, tool);
    mcp.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
      },
      // Calls are answered by callTool below; McpServer only lists the tools.
      () => {
        throw new McpError(ErrorCode.InternalError, 'unreachable');
      },
    );
  }
  registerAuditResources(mcp, context);
  registerReviewPrompt(mcp, context);

  // Replaces McpServer's tools/call handler, which turns unknown tools and invalid arguments into
  // `isError` results: here they are JSON-RPC errors (InvalidParams, naming each bad field), and only
  // the engine's own failures are tool results with `isError` and the CoreError code.
  mcp.server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callTool(byName, context, request.params.name, request.params.arguments, extra),
  );
  return mcp;
}

async function callTool(
  tools: Map<string, AnyTool>,
  context: ToolContext,
  name: string,
  args: Record<string, unknown> | undefined,
  extra: ToolExtra,
): Promise<CallToolResult> {
  const tool = tools.get(name);
  if (!tool) {
    throw new ProtocolError(
      ErrorCode.InvalidParams,
      `Unknown tool "${name}". Tools: ${[...tools.keys()].join(', ')}.`,
      {
        tool: name,
        ...(name === 'apply-plan'
          ? { hint: 'apply-plan exists only when the server runs with --allow-mutations.' }
          : {}),
      },
    );
  }
  let input: never;
  try {
    const parsed = parseInput(tool.inputSchema, args ?? {});
    input = (tool.parse ? tool.parse(parsed) : parsed) as never;
  } catch (error) {
    if (isCoreError(error) && error.code === 'INVALID_INPUT') {
      const issues = namedIssues(error.details?.issues, error.message);
      throw new ProtocolError(
        ErrorCode.InvalidParams,
        `Invalid arguments for tool ${name}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
        { code: error.code, field: issues[0]?.field, issues },
      );
    }
    throw error;
  }
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
