import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AuditIdSchema } from '@rootwarden/core';
import { z } from 'zod';
import { auditUri } from './render.js';
import type { ToolContext } from './tool.js';

/** `review-root-credentials`: how an assistant should review the org's root credentials with this server. */
export function registerReviewPrompt(mcp: McpServer, context: ToolContext): void {
  mcp.registerPrompt(
    'review-root-credentials',
    {
      title: 'Review root credentials',
      description:
        'Review the root user credentials of every member account: status, audit, findings explained, a remediation plan for a person to approve.',
      argsSchema: {
        auditId: AuditIdSchema.optional().describe('Review this saved audit instead of running a new one.'),
        focus: z.string().max(200).optional().describe('Accounts or concerns to look at first.'),
      },
    },
    ({ auditId, focus }) => {
      const start = auditId
        ? `1. Read the saved audit ${auditUri(auditId)} (or call get-audit with id ${auditId}).`
        : '1. Call get-org-status. If it lists problems, explain each with its fix and stop there unless auditing is still possible.\n2. Call audit-root-credentials for the whole organization (send a progress token; large organizations take a while).';
      const text = [
        'Review the root user credentials of the member accounts of my AWS Organization with the rootwarden tools.',
        '',
        start,
        `${auditId ? '2' : '3'}. Summarize: how many accounts are clean, exposed, unknown or skipped. List exposed accounts worst first (critical: an active root access key; high: inactive key, recent root use, password without MFA; medium: password or signing certificate present; low: virtual-only MFA), and say for each what the finding means and its risk.`,
        `${auditId ? '3' : '4'}. For unknown accounts, explain the error code and what would fix it.`,
        `${auditId ? '4' : '5'}. If an earlier audit exists, call diff-audits and point out drift (credentials that re-appeared).`,
        `${auditId ? '5' : '6'}. Propose remediation: with my agreement, call plan-privileged-task (task delete-root-credentials) and show me the plan, its actions and fingerprint. Never apply a plan I have not approved${context.allowMutations ? '; apply-plan will ask me' : ' (this server cannot apply plans)'}.`,
        ...(focus ? ['', `Focus first on: ${focus}`] : []),
      ].join('\n');
      return { messages: [{ role: 'user', content: { type: 'text', text } }] };
    },
  );
}
