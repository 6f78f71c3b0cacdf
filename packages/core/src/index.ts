/**
 * @rootwarden/core — the engine behind the rootwarden CLI, HTTP API and MCP server.
 * Adapters hold an `Engine` (createEngine) and use these schemas to parse their input.
 */

export type { RootSession } from './aws/root-session.js';
export {
  type Account,
  AccountSchema,
  type Inventory,
  InventorySchema,
  type ListAccountsInput,
  ListAccountsInputSchema,
  type SkipReason,
  SkipReasonSchema,
} from './domain/account.js';
export {
  type AccountAuditResult,
  AccountAuditResultSchema,
  type AccountStatus,
  AUDIT_REPORT_SCHEMA_ID,
  AUDIT_REPORT_SCHEMA_VERSION,
  type AuditInput,
  AuditInputSchema,
  type AuditReport,
  AuditReportSchema,
  type AuditSummary,
  type Caller,
  DEFAULT_CONCURRENCY,
  DEFAULT_RECENT_DAYS,
  MAX_CONCURRENCY,
} from './domain/audit.js';
export {
  type AccountDiff,
  AccountDiffSchema,
  type AuditDiff,
  AuditDiffSchema,
  CREDENTIAL_KINDS,
  type CredentialChange,
  CredentialChangeSchema,
  type CredentialKind,
} from './domain/audit-diff.js';
export {
  AccountIdSchema,
  type FailOn,
  FailOnSchema,
  ParentIdSchema,
  ROOT_TASKS,
  type RootTask,
  RootTaskSchema,
  SEVERITIES,
  type Severity,
  SeveritySchema,
} from './domain/common.js';
export type { EngineEvent, EngineEventListener } from './domain/events.js';
export { FINDING_CODES, type Finding, type FindingCode, FindingSchema } from './domain/finding.js';
export {
  AuditIdSchema,
  type AuditListEntry,
  AuditListEntrySchema,
  DEFAULT_AUDIT_LIST_LIMIT,
  type ListAuditsInput,
  ListAuditsInputSchema,
} from './domain/history.js';
export {
  type EnableInput,
  EnableInputSchema,
  type EnableResult,
  EnableResultSchema,
  type EnableStep,
  type OrgProblem,
  type OrgStatus,
  OrgStatusSchema,
} from './domain/org-status.js';
export { parseInput } from './domain/parse-input.js';
export {
  ActionOutcomeSchema,
  type ApplyResult,
  ApplyResultSchema,
  BucketNameSchema,
  type CreatePlanInput,
  CreatePlanInputSchema,
  DELETABLE_CREDENTIALS,
  type DeletableCredential,
  DeletableCredentialSchema,
  type OpenSessionInput,
  OpenSessionInputSchema,
  PLAN_ACTION_KINDS,
  type Plan,
  type PlanAction,
  type PlanActionKind,
  PlanActionKindSchema,
  PlanActionSchema,
  PlanIdSchema,
  type PlanRequest,
  PlanSchema,
  type PolicyBackup,
  PolicyBackupSchema,
  QueueUrlSchema,
  type RestorePolicyInput,
  RestorePolicyInputSchema,
} from './domain/plan.js';
export {
  type AccountPolicyCheck,
  AccountPolicyCheckSchema,
  POLICY_TASKS,
  type PolicyBlocker,
  type PolicyCheck,
  type PolicyCheckInput,
  PolicyCheckInputSchema,
  PolicyCheckSchema,
  type PolicyGroup,
  type PolicyTask,
  PolicyTaskSchema,
  type PolicyVerdict,
  type TaskPolicyVerdict,
} from './domain/policy-check.js';
export {
  type AccessKey,
  type MfaDevice,
  type MfaKind,
  type RootCredentials,
  RootCredentialsSchema,
  type SigningCertificate,
} from './domain/root-credentials.js';
export {
  type ApplyRunOptions,
  type AuditRunOptions,
  type ConnectionInfo,
  createEngine,
  type Engine,
  type EngineOptions,
  type JobStore,
  type RecoveredAudit,
  type RunOptions,
} from './engine.js';
export { CORE_ERROR_CODES, CoreError, type CoreErrorCode, isCoreError } from './errors.js';
export type { JobQueue, QueuedJobEvent } from './jobs/job-queue.js';
export { openPostgresJobQueue, type PostgresJobQueueOptions } from './jobs/postgres-job-queue.js';
export {
  COMPACT_REPORT_FORMATS,
  CompactReport,
  type CompactReportFormat,
} from './report/compact-report.js';
export {
  DIFF_FORMATS,
  type DiffFormat,
  DiffFormatSchema,
  describeCredentialChange,
  describeDrift,
  describeStatusChange,
  renderAuditDiff,
} from './report/render-diff.js';
export {
  describeApplyResult,
  describePlan,
  PLAN_FORMATS,
  type PlanFormat,
  PlanFormatSchema,
  renderApplyResult,
  renderPlan,
} from './report/render-plan.js';
export {
  auditReportJsonSchema,
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  type ReportFormat,
  ReportFormatSchema,
  renderReport,
  reportChunks,
} from './report/render-report.js';
export { classifyMfaDevice } from './rules/classify-mfa.js';
export { diffAudits } from './rules/diff-audits.js';
export { evaluateFindings, hasRootCredentials, statusOf } from './rules/evaluate-findings.js';
export { countsMeetThreshold, meetsThreshold } from './rules/severity.js';
export { SummaryCounter, summarizeResults } from './rules/summarize.js';
export {
  DEFAULT_SANDBOX_SCENARIO,
  isSandboxScenario,
  normalizeSandboxArgument,
  SANDBOX_SCENARIOS,
} from './sandbox-argument.js';
export { DATABASE_FILE, databasePath, resolveHome } from './store/home.js';
export { type OpenStoreOptions, openStore } from './store/open-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './store/postgres/postgres-store.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  openSqliteStore,
  type SqliteStoreOptions,
} from './store/sqlite/sqlite-store.js';
export {
  type AuditCheckpoint,
  type AuditCheckpointHeader,
  type ExpiredJob,
  type Job,
  type JobLease,
  JobSchema,
  type JobStatus,
  type JobUpdate,
  type JournalEntry,
  JournalEntrySchema,
  type NewJournalEntry,
  type PlanClaim,
  type PlanClaimResult,
  type PlanStatus,
  PlanStatusSchema,
  type PlanTask,
  PlanTaskSchema,
  type Store,
  type StoredPlan,
  StoredPlanSchema,
} from './store/store.js';
export { describeStoreUrl, isPostgresUrl, parseStoreUrl } from './store/store-url.js';
export { DEFAULT_APPLY_CONCURRENCY } from './workflows/apply.js';
export { DEFAULT_PLAN_TTL_SECONDS } from './workflows/plan.js';
