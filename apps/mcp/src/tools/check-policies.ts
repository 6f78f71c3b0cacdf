import { type PolicyCheckInput, PolicyCheckInputSchema, PolicyCheckSchema } from '@rootwarden/core';
import { renderPolicyCheck, UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

/** `rootwarden policies check`: what the organization's SCPs and RCPs will refuse in root sessions. */
export const checkPoliciesTool = defineTool<PolicyCheckInput, unknown>({
  name: 'check-policies',
  title: 'Predict SCP/RCP refusals of root sessions',
  description: `For each member account and root-session task (audit, delete-root-credentials, allow-password-recovery, unlock-s3-bucket-policy, unlock-sqs-queue-policy): allowed, blocked (with the policy, where it is attached, the statement and a corrected statement) or cannot decide. Reads the policies and their targets only. \`available: false\` names the permission the caller lacks. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: PolicyCheckInputSchema.extend({
    tasks: PolicyCheckInputSchema.shape.tasks.describe('Only these tasks. Default: all five.'),
    accounts: PolicyCheckInputSchema.shape.accounts.describe('Only these member accounts (12-digit ids).'),
    ous: PolicyCheckInputSchema.shape.ous.describe(
      'Only accounts under these OUs or roots (ou-… or r-… ids).',
    ),
  }),
  outputSchema: PolicyCheckSchema,
  annotations: {
    title: 'Predict SCP/RCP refusals of root sessions',
    readOnlyHint: true,
    openWorldHint: true,
  },
  async run(input, extra, { engine }) {
    const check = await engine.checkPolicies(input, { signal: extra.signal });
    return { structured: check, text: renderPolicyCheck(check) };
  },
});
