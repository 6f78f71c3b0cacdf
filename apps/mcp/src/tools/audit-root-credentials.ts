import { type AuditInput, AuditInputSchema } from '@rootwarden/core';
import { AuditResultSchema, auditOutput } from '../audit-result.js';
import { progressListener } from '../progress.js';
import { UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

const fields = AuditInputSchema.shape;

/** `rootwarden audit`: AssumeRoot with the audit task policy in every selected account. */
export const auditRootCredentialsTool = defineTool<AuditInput, unknown>({
  name: 'audit-root-credentials',
  title: 'Audit root credentials',
  description: `Audits the root user credentials of member accounts (all of them by default, or the given accounts / OUs): password, access keys and their last use, signing certificates, MFA devices, with findings by severity. Uses STS AssumeRoot with the AWS-managed IAMAuditRootUserCredentials task policy, which can only read. One account's failure never stops the others (it is reported as unknown). The report is saved in the history. Large organizations take a while: send a progress token to receive progress. For more than 50 accounts the result holds the summary and a link to the full report resource. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: AuditInputSchema.extend({
    accounts: fields.accounts.describe('Audit only these 12-digit account ids. Default: every account.'),
    ous: fields.ous.describe('Audit only accounts under these OUs or roots, recursively (ou-… or r-…).'),
    exclude: fields.exclude.describe('Never audit these account ids (reported as skipped, EXCLUDED).'),
    concurrency: fields.concurrency.describe(
      'Most accounts audited at once (the engine starts at 8, grows towards this while accounts wait and the CPU has room, and slows down when AWS throttles).',
    ),
    recentDays: fields.recentDays.describe(
      'ROOT_RECENTLY_USED fires for a password or key used within this many days.',
    ),
  }),
  outputSchema: AuditResultSchema,
  annotations: { title: 'Audit root credentials', readOnlyHint: true, openWorldHint: true },
  async run(input, extra, context) {
    const onEvent = progressListener(extra);
    const report = await context.engine.audit(input, {
      signal: extra.signal,
      ...(onEvent ? { onEvent } : {}),
    });
    return auditOutput(report, context);
  },
});
