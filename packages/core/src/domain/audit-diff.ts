import { z } from 'zod';
import { AccountStatusSchema } from './audit.js';
import { AccountIdSchema, TimestampSchema } from './common.js';

export const CREDENTIAL_KINDS = ['password', 'access-key', 'signing-certificate', 'mfa-device'] as const;
const CredentialKindSchema = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof CredentialKindSchema>;

/**
 * How one root credential changed between two audits. `replaced` is a password whose creation date
 * changed (deleted and re-created between the audits); keys, certificates and MFA devices have ids, so
 * a replacement shows as one that disappeared and one that appeared.
 */
const CredentialChangeTypeSchema = z.enum(['appeared', 'disappeared', 'status-changed', 'replaced']);

export const CredentialChangeSchema = z.object({
  kind: CredentialKindSchema,
  /** `password`, the access key id, the certificate id or the MFA device serial number. */
  id: z.string(),
  change: CredentialChangeTypeSchema,
  /**
   * The credential's state before and after (null when absent): the status of a key or certificate,
   * the kind of an MFA device, the creation time of the password (or `present` when AWS gave none).
   */
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type CredentialChange = z.infer<typeof CredentialChangeSchema>;

const AccountChangeSchema = z.enum(['added', 'removed', 'changed']);

/** One account that differs between the two audits (unchanged accounts are not listed). */
export const AccountDiffSchema = z.object({
  accountId: AccountIdSchema,
  name: z.string(),
  /** `added`: only in the newer audit; `removed`: only in the older one; `changed`: in both, different. */
  change: AccountChangeSchema,
  statusBefore: AccountStatusSchema.nullable(),
  statusAfter: AccountStatusSchema.nullable(),
  /**
   * Credential changes. Compared only when both audits observed the account's root user (neither
   * side `unknown` nor `skipped`); an account added with credentials lists them as `appeared`.
   */
  credentials: z.array(CredentialChangeSchema),
});
export type AccountDiff = z.infer<typeof AccountDiffSchema>;

const AuditRefSchema = z.object({
  auditId: z.string(),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  complete: z.boolean(),
});
export type AuditRef = z.infer<typeof AuditRefSchema>;

const AuditDiffSummarySchema = z.object({
  /** Accounts present in both audits. */
  accountsCompared: z.number().int(),
  accountsAdded: z.number().int(),
  accountsRemoved: z.number().int(),
  /** Accounts in both audits with a status change or a credential change. */
  accountsChanged: z.number().int(),
  statusChanges: z.number().int(),
  credentialsAppeared: z.number().int(),
  credentialsDisappeared: z.number().int(),
  /** Status changes of keys and certificates, and re-created passwords. */
  credentialsChanged: z.number().int(),
});
export type AuditDiffSummary = z.infer<typeof AuditDiffSummarySchema>;

/** What changed between two audits of the same organization (`rootwarden audits diff`). */
export const AuditDiffSchema = z.object({
  organizationId: z.string(),
  before: AuditRefSchema,
  after: AuditRefSchema,
  /** True when anything below changed: an account added or removed, a status, or a credential. */
  drift: z.boolean(),
  summary: AuditDiffSummarySchema,
  /** Changed accounts only, sorted by account id. */
  accounts: z.array(AccountDiffSchema),
  /** What makes the comparison weaker: an incomplete audit, different selections or settings. */
  warnings: z.array(z.string()),
});
export type AuditDiff = z.infer<typeof AuditDiffSchema>;
