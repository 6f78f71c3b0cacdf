import { z } from 'zod';
import { AccountSchema } from './account.js';
import { AccountIdSchema, ParentIdSchema, ReportWarningSchema, TimestampSchema } from './common.js';
import { ExpiredExceptionSchema } from './exception.js';
import { FindingSchema } from './finding.js';
import { RootCredentialsSchema } from './root-credentials.js';

/** The version of the audit report shape; bumped on any breaking change to `AuditReportSchema`. */
export const AUDIT_REPORT_SCHEMA_VERSION = 1;
export const AUDIT_REPORT_SCHEMA_ID = 'https://rootwarden.dev/schemas/audit-report.v1.json';

export const DEFAULT_RECENT_DAYS = 90;
export const DEFAULT_CONCURRENCY = 32;
export const MAX_CONCURRENCY = 256;

export const AuditInputSchema = z
  .object({
    /** Audit only these accounts (default: every account of the organization). */
    accounts: z.array(AccountIdSchema).default([]),
    /** Audit only the accounts under these OUs or roots, recursively. */
    ous: z.array(ParentIdSchema).default([]),
    /** Never audit these accounts (they are reported as skipped, EXCLUDED). */
    exclude: z.array(AccountIdSchema).default([]),
    /** Upper bound of accounts audited at once; the engine adapts below it when AWS throttles. */
    concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).default(DEFAULT_CONCURRENCY),
    /** ROOT_RECENTLY_USED fires for a password or key used within this many days. */
    recentDays: z.number().int().min(1).max(3650).default(DEFAULT_RECENT_DAYS),
  })
  .strict();
export type AuditInput = z.input<typeof AuditInputSchema>;
export type AuditSettings = z.output<typeof AuditInputSchema>;

export const AccountStatusSchema = z.enum(['clean', 'exposed', 'unknown', 'skipped']);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

const AccountErrorSchema = z.object({
  code: z.string(),
  /** The full message (AWS's own text, or the policies that refused the call). */
  message: z.string(),
  /** The AWS error code behind it, when AWS answered. */
  awsCode: z.string().optional(),
  /** Why, in a few words: what the table, CSV, Markdown and SARIF show (`explainUnknownAccount`). */
  summary: z.string().optional(),
  /** What to do about it, the same words every format shows. */
  fix: z.string().optional(),
});

export const AccountAuditResultSchema = AccountSchema.extend({
  status: AccountStatusSchema,
  error: AccountErrorSchema.optional(),
  rootCredentials: RootCredentialsSchema.nullable(),
  findings: z.array(FindingSchema),
  auditedAt: TimestampSchema.nullable(),
});
export type AccountAuditResult = z.infer<typeof AccountAuditResultSchema>;

const SeverityCountsSchema = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
});
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;

const AuditSummarySchema = z.object({
  accounts: z.number().int(),
  clean: z.number().int(),
  exposed: z.number().int(),
  unknown: z.number().int(),
  skipped: z.number().int(),
  /** Findings that no exception accepts: what `--fail-on` looks at. */
  findings: SeverityCountsSchema,
  /** Findings accepted by an unexpired exception (present only when an exception applied). */
  accepted: SeverityCountsSchema.optional(),
});
export type AuditSummary = z.infer<typeof AuditSummarySchema>;

/**
 * `unverified`: the caller may read neither the organization's root features nor its delegated
 * administrators, so only AssumeRoot's own answer tells whether it is authorised.
 */
const CallerRoleSchema = z.enum(['management', 'delegated-admin', 'other', 'unverified']);
export type CallerRole = z.infer<typeof CallerRoleSchema>;

export const CallerSchema = z.object({
  accountId: AccountIdSchema,
  arn: z.string(),
  role: CallerRoleSchema,
});
export type Caller = z.infer<typeof CallerSchema>;

export const AuditReportSchema = z.object({
  schemaVersion: z.literal(AUDIT_REPORT_SCHEMA_VERSION),
  auditId: z.string(),
  organizationId: z.string(),
  managementAccountId: AccountIdSchema,
  caller: CallerSchema,
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
  /** False when the audit was interrupted: accounts listed but not audited are `unknown` with code ABORTED. */
  complete: z.boolean(),
  selection: z.object({
    accounts: z.array(AccountIdSchema),
    ous: z.array(z.string()),
    exclude: z.array(AccountIdSchema),
  }),
  settings: z.object({ recentDays: z.number().int() }),
  summary: AuditSummarySchema,
  /** Present when exceptions were in force for this audit: how many findings they accepted, and those that had expired. */
  exceptions: z
    .object({
      applied: z.number().int(),
      expired: z.array(ExpiredExceptionSchema),
    })
    .optional(),
  /** One entry per account of the selection, sorted by account id. */
  accounts: z.array(AccountAuditResultSchema),
  /** What degraded the report without stopping it; absent when nothing did. */
  warnings: z.array(ReportWarningSchema).optional(),
});
export type AuditReport = z.infer<typeof AuditReportSchema>;
