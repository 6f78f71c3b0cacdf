import type { ResourceLink } from '@modelcontextprotocol/sdk/types.js';
import { type AuditReport, AuditReportSchema } from '@rootwarden/core';
import { z } from 'zod';
import { auditHtmlUri, auditUri, renderAudit } from './render.js';
import type { ToolContext, ToolOutput } from './tool.js';

/** Audits with up to this many accounts are returned whole; larger ones as a summary and a resource link. */
export const DEFAULT_INLINE_ACCOUNT_LIMIT = 50;

/**
 * The result of `audit-root-credentials` and `get-audit`: core's audit report, whose per-account
 * results are inlined only for small organizations (a 500-account report is far too large for a
 * model's context), plus where to read the whole report.
 */
export const AuditResultSchema = AuditReportSchema.extend({
  accounts: AuditReportSchema.shape.accounts
    .optional()
    .describe('Every account of the audit, when accountsIncluded; otherwise absent: read reportUri.'),
  accountsIncluded: z
    .boolean()
    .describe('False for large audits: the summary is here, the accounts at reportUri.'),
  reportUri: z.string().describe('The MCP resource holding the full report (rootwarden://audits/{id}).'),
});
export type AuditResult = z.infer<typeof AuditResultSchema>;

export function auditOutput(report: AuditReport, context: ToolContext): ToolOutput<AuditResult> {
  context.reports.add(report);
  const included = report.accounts.length <= context.inlineAccountLimit;
  const { accounts, ...rest } = report;
  const uri = auditUri(report.auditId);
  const link: ResourceLink = {
    type: 'resource_link',
    uri,
    name: `audit-${report.auditId}`,
    title: `Root credential audit ${report.auditId} (${report.organizationId})`,
    mimeType: 'application/json',
    description: `Full audit report: ${report.summary.accounts} account(s), ${report.summary.exposed} exposed.`,
  };
  const page: ResourceLink = {
    type: 'resource_link',
    uri: auditHtmlUri(report.auditId),
    name: `audit-${report.auditId}-html`,
    title: `Root credential audit ${report.auditId} as a web page`,
    mimeType: 'text/html',
    description:
      'The same report as a self-contained HTML page for a person: summary, chart, OU tree, filterable findings.',
  };
  return {
    structured: { ...rest, ...(included ? { accounts } : {}), accountsIncluded: included, reportUri: uri },
    text: renderAudit(report, included),
    content: [link, page],
  };
}
