import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { type AuditReport, isCoreError, renderReport } from '@rootwarden/core';
import { auditUri } from './render.js';
import type { ToolContext } from './tool.js';

/** The MCP spec's code for a resource that does not exist (https://modelcontextprotocol.io/specification/2025-11-25/server/resources#error-handling). */
export const RESOURCE_NOT_FOUND = -32002;

export const LATEST_AUDIT_URI = 'rootwarden://audits/latest';

/** How many saved audits resources/list shows (newest first). */
const LISTED_AUDITS = 20;

function reportContents(uri: string, report: AuditReport): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(report, null, 2) }] };
}

function storeless(error: unknown): boolean {
  return isCoreError(error) && error.code === 'STORE_UNAVAILABLE';
}

/** A saved audit by id: from the history, else from this server's own recent audits. */
async function readAudit(context: ToolContext, id: string): Promise<AuditReport> {
  const cached = context.reports.get(id);
  if (cached) return cached;
  try {
    return await context.engine.getAudit(id);
  } catch (error) {
    if (isCoreError(error) && (error.code === 'AUDIT_NOT_FOUND' || storeless(error)))
      throw new McpError(RESOURCE_NOT_FOUND, `No saved audit ${id}.`, { uri: auditUri(id) });
    if (isCoreError(error) && error.code === 'INVALID_INPUT')
      throw new McpError(ErrorCode.InvalidParams, `id: ${error.message}`);
    throw error;
  }
}

async function readLatest(context: ToolContext): Promise<AuditReport | undefined> {
  try {
    const [latest] = await context.engine.listAudits({ limit: 1 });
    if (latest) return context.reports.get(latest.auditId) ?? (await context.engine.getAudit(latest.auditId));
  } catch (error) {
    if (!storeless(error)) throw error;
  }
  return context.reports.latest();
}

/** `rootwarden://audits/latest` and `rootwarden://audits/{id}`: full audit reports as JSON. */
export function registerAuditResources(mcp: McpServer, context: ToolContext, version = '0.0.0'): void {
  mcp.registerResource(
    'audit-html',
    new ResourceTemplate('rootwarden://audits/{id}/report.html', { list: undefined }),
    {
      title: 'Root credential audit as a web page',
      description:
        'A saved audit as a self-contained HTML page (no network fetches): summary, chart, OU tree, filterable findings, drift since the previous audit, metadata with the SHA-256 of the JSON report.',
      mimeType: 'text/html',
    },
    async (uri, variables) => {
      const id = Array.isArray(variables.id) ? variables.id[0] : variables.id;
      const report = await readAudit(context, String(id ?? ''));
      const diff = await context.engine.previousAuditDiff(report).catch(() => undefined);
      return {
        contents: [
          { uri: uri.href, mimeType: 'text/html', text: renderReport(report, 'html', version, { diff }) },
        ],
      };
    },
  );

  mcp.registerResource(
    'latest-audit',
    LATEST_AUDIT_URI,
    {
      title: 'Latest root credential audit',
      description: 'The most recent saved audit report (JSON, every account).',
      mimeType: 'application/json',
    },
    async (uri) => {
      const report = await readLatest(context);
      if (!report)
        throw new McpError(RESOURCE_NOT_FOUND, 'No audit yet: call audit-root-credentials first.', {
          uri: uri.href,
        });
      return reportContents(uri.href, report);
    },
  );

  mcp.registerResource(
    'audit',
    new ResourceTemplate('rootwarden://audits/{id}', {
      list: async () => {
        let reports: { auditId: string; organizationId: string; startedAt: string; exposed: number }[];
        try {
          reports = (await context.engine.listAudits({ limit: LISTED_AUDITS })).map((entry) => ({
            auditId: entry.auditId,
            organizationId: entry.organizationId,
            startedAt: entry.startedAt,
            exposed: entry.summary.exposed,
          }));
        } catch (error) {
          if (!storeless(error)) throw error;
          reports = context.reports.list().map((report) => ({
            auditId: report.auditId,
            organizationId: report.organizationId,
            startedAt: report.startedAt,
            exposed: report.summary.exposed,
          }));
        }
        return {
          resources: reports.map((entry) => ({
            uri: auditUri(entry.auditId),
            name: `audit-${entry.auditId}`,
            title: `Audit of ${entry.organizationId} at ${entry.startedAt}`,
            description: `${entry.exposed} exposed account(s)`,
            mimeType: 'application/json',
          })),
        };
      },
    }),
    {
      title: 'Saved root credential audit',
      description: 'A saved audit report by id (JSON, every account).',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const id = Array.isArray(variables.id) ? variables.id[0] : variables.id;
      return reportContents(uri.href, await readAudit(context, String(id ?? '')));
    },
  );
}
