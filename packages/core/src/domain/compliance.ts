import { z } from 'zod';
import { COMPLIANCE_FRAMEWORK_IDS } from '../compliance/controls.js';
import { AccountIdSchema, TimestampSchema } from './common.js';
import { AcceptanceSchema } from './finding.js';

export const ComplianceFrameworkIdSchema = z.enum(COMPLIANCE_FRAMEWORK_IDS, {
  error: `must be one of ${COMPLIANCE_FRAMEWORK_IDS.join(', ')}`,
});

const VERDICTS = ['PASS', 'FAIL', 'NOT_APPLICABLE', 'UNKNOWN'] as const;
/** UNKNOWN: the account could not be audited (its status is `unknown`), so the control was not evaluated. */
const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

const AccountVerdictSchema = z.object({
  accountId: AccountIdSchema,
  name: z.string(),
  verdict: VerdictSchema,
  /** Why, in words an auditor can quote. */
  reason: z.string(),
  /** Present when every finding behind a FAIL is accepted by an unexpired exception. */
  accepted: AcceptanceSchema.optional(),
});
export type AccountVerdict = z.infer<typeof AccountVerdictSchema>;

const ControlResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  verdict: VerdictSchema,
  /** Organization-level evidence (e.g. root credentials management enabled), when the control has any. */
  organization: z.object({ verdict: VerdictSchema, reason: z.string() }).optional(),
  counts: z.object({
    pass: z.number().int(),
    fail: z.number().int(),
    notApplicable: z.number().int(),
    unknown: z.number().int(),
  }),
  accounts: z.array(AccountVerdictSchema),
});
export type ControlResult = z.infer<typeof ControlResultSchema>;

export const ComplianceReportSchema = z.object({
  framework: z.object({ id: ComplianceFrameworkIdSchema, name: z.string(), source: z.string() }),
  auditId: z.string(),
  organizationId: z.string(),
  auditedAt: TimestampSchema,
  controls: z.array(ControlResultSchema),
  /** Accounts the audit skipped (management account, not ACTIVE, excluded): no control was evaluated for them. */
  notEvaluated: z.array(z.object({ accountId: AccountIdSchema, name: z.string(), reason: z.string() })),
});
export type ComplianceReport = z.infer<typeof ComplianceReportSchema>;
