/**
 * @rootwarden/core — the engine behind the rootwarden CLI, HTTP API and MCP server.
 * Adapters hold an `Engine` (createEngine) and use these schemas to parse their input.
 */

export type { RootSession } from './aws/root-session.js';
export { generateToken, TOKEN_PREFIX } from './bearer-token.js';
export {
  COMPLIANCE_FRAMEWORK_IDS,
  COMPLIANCE_FRAMEWORKS,
  type ComplianceFramework,
  type ComplianceFrameworkId,
  type ControlRef,
  controlLabel,
  controlsForFinding,
} from './compliance/controls.js';
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
  type SeverityCounts,
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
  BreakglassDurationSchema,
  BreakglassTicketSchema,
  type BreakglassWindow,
  BreakglassWindowListSchema,
  BreakglassWindowSchema,
  ClosedBreakglassWindowsSchema,
  MAX_BREAKGLASS_HOURS,
  OpenBreakglassInputSchema,
} from './domain/breakglass.js';
export {
  AccountIdSchema,
  byAccountId,
  type FailOn,
  FailOnSchema,
  ParentIdSchema,
  type ReportWarning,
  ReportWarningSchema,
  ROOT_TASKS,
  type RootTask,
  RootTaskSchema,
  SEVERITIES,
  type Severity,
  SeveritySchema,
} from './domain/common.js';
export {
  type AccountVerdict,
  ComplianceFrameworkIdSchema,
  type ComplianceReport,
  ComplianceReportSchema,
  type ControlResult,
  type Verdict,
} from './domain/compliance.js';
export {
  type ConnectionOptions,
  type ConnectionOptionsInput,
  ConnectionOptionsSchema,
  type EngineConnectionOptions,
  engineConnectionOptions,
  type SandboxContext,
  type SandboxEndpoint,
  type StartSandbox,
} from './domain/connection-options.js';
export type { EngineEvent, EngineEventListener } from './domain/events.js';
export {
  type Acceptance,
  EXCEPTIONS_FILE_SCHEMA_ID,
  type ExceptionEvent,
  ExceptionEventSchema,
  type ExceptionsFile,
  ExceptionsFileSchema,
  exceptionsFileJsonSchema,
  type FindingException,
  FindingExceptionSchema,
  type NewException,
  NewExceptionSchema,
} from './domain/exception.js';
export { FINDING_CODES, type Finding, type FindingCode, FindingSchema } from './domain/finding.js';
export {
  type Channel,
  ChannelSchema,
  DEFAULT_EXCEPTION_WARNING_DAYS,
  type DeliveryStatus,
  GUARD_EVENT_KINDS,
  type GuardEvent,
  GuardEventSchema,
  NOTIFICATION_SCHEMA_ID,
  type Notification,
  type NotificationConfig,
  type NotificationConfigInput,
  NotificationConfigSchema,
  type NotificationDelivery,
  NotificationDeliverySchema,
  NotificationSchema,
} from './domain/guard.js';
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
  type MissingPermission,
  MissingPermissionSchema,
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
  PlanIdPrefixSchema,
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
  type Schedule,
  type ScheduleInput,
  ScheduleNameSchema,
  type ScheduleOutcome,
  type ScheduleRunClaim,
  ScheduleSchema,
  type ScheduleState,
  ScheduleStateSchema,
} from './domain/schedule.js';
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
  type ScheduleStore,
} from './engine.js';
export {
  CORE_ERROR_CODES,
  CoreError,
  type CoreErrorCode,
  classifyError,
  ERROR_CLASSIFICATION,
  type ErrorClass,
  type ErrorFault,
  isCallerMistake,
  isCoreError,
  UsageError,
} from './errors.js';
export type { JobQueue, QueuedJobEvent } from './jobs/job-queue.js';
export { openPostgresJobQueue } from './jobs/open-postgres-job-queue.js';
export type { PostgresJobQueueOptions } from './jobs/postgres-job-queue.js';
export { describeEvent } from './notify/describe-event.js';
export { slackMessage } from './notify/slack-message.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
} from './notify/webhook-signature.js';
export {
  COMPACT_REPORT_FORMATS,
  CompactReport,
  type CompactReportFormat,
} from './report/compact-report.js';
export { HTML_REPORT_CSP, jsonReportSha256 } from './report/html.js';
export {
  escapeHtml,
  escapeMarkdown,
  escapeSlackMrkdwn,
  neutralizeCsvField,
  neutralizeForTerminal,
  neutralizeStringsForTerminal,
} from './report/neutralize.js';
export { OCSF_VERSION } from './report/ocsf.js';
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
  jsonReportChunks,
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  type ReportExtras,
  type ReportFormat,
  ReportFormatSchema,
  renderReport,
  reportChunks,
} from './report/render-report.js';
export { acceptFindings, applyExceptions, describeAcceptance } from './rules/apply-exceptions.js';
export { classifyMfaDevice } from './rules/classify-mfa.js';
export { decideNotifications, diffInventory, type InventoryChange } from './rules/decide-notifications.js';
export { diffAudits } from './rules/diff-audits.js';
export { evaluateCompliance, type OrganizationEvidence } from './rules/evaluate-compliance.js';
export { evaluateFindings, hasRootCredentials, statusOf } from './rules/evaluate-findings.js';
export { explainUnknownAccount, type UnknownExplanation } from './rules/explain-unknown.js';
export {
  decideScheduleTick,
  initialNextRun,
  nextRunAfter,
  type ScheduleTickDecision,
  validateScheduleTiming,
} from './rules/schedule-timing.js';
export { compareRisk, countOpenFindings, countsMeetThreshold, meetsThreshold } from './rules/severity.js';
export { SummaryCounter, summarizeResults } from './rules/summarize.js';
export {
  DEFAULT_SANDBOX_SCENARIO,
  isSandboxScenario,
  normalizeSandboxArgument,
  SANDBOX_SCENARIOS,
} from './sandbox-argument.js';
export {
  DATABASE_FILE,
  databasePath,
  resolveHome,
  SANDBOX_STATE_EXTENSION,
  sandboxStateDirectory,
  sandboxStatePath,
} from './store/home.js';
export { type OpenStoreOptions, openStore } from './store/open-store.js';
export type { PostgresStoreOptions } from './store/postgres/postgres-store.js';
export { DEFAULT_BUSY_TIMEOUT_MS } from './store/sqlite/busy-timeout.js';
export { fileSystemCause } from './store/sqlite/map-sqlite-error.js';
export { openSqliteStore } from './store/sqlite/open-sqlite-store.js';
export type { SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
export {
  type AuditCheckpoint,
  type AuditCheckpointHeader,
  type DeliveryCount,
  type ExpiredJob,
  type Job,
  type JobLease,
  JobSchema,
  type JobStatus,
  type JobUpdate,
  type JournalEntry,
  JournalEntrySchema,
  type ListAuditsOptions,
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
  type UnreadableAudit,
} from './store/store.js';
export { describeStoreUrl, isPostgresUrl, parseStoreUrl } from './store/store-url.js';
export { DEFAULT_APPLY_CONCURRENCY } from './workflows/apply.js';
export type { ClosedWindow, OpenBreakglassInput } from './workflows/breakglass.js';
export { readExceptionsFile } from './workflows/exceptions.js';
export { type GuardResult, notificationId } from './workflows/guard.js';
export { readNotificationConfigFile } from './workflows/notification-config-file.js';
export { type Backoff, DEFAULT_BACKOFF } from './workflows/notify.js';
export { DEFAULT_PLAN_TTL_SECONDS } from './workflows/plan.js';
