/**
 * @rootwarden/core — the engine behind the rootwarden CLI, HTTP API and MCP server.
 * Adapters hold an `Engine` (createEngine) and use these schemas to parse their input.
 */
export { type ConnectionInfo, createEngine, DEFAULT_SANDBOX_SCENARIO, type Engine, type EngineOptions, type RunOptions } from './engine.js';
export { CORE_ERROR_CODES, CoreError, type CoreErrorCode, isCoreError } from './errors.js';
export {
  AccountIdSchema,
  FailOnSchema,
  type FailOn,
  ParentIdSchema,
  ROOT_TASKS,
  RootTaskSchema,
  type RootTask,
  SEVERITIES,
  SeveritySchema,
  type Severity,
} from './domain/common.js';
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
  type AccessKey,
  type MfaDevice,
  type MfaKind,
  type RootCredentials,
  RootCredentialsSchema,
  type SigningCertificate,
} from './domain/root-credentials.js';
export { FINDING_CODES, type Finding, type FindingCode, FindingSchema } from './domain/finding.js';
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
  type EnableInput,
  EnableInputSchema,
  type EnableResult,
  EnableResultSchema,
  type EnableStep,
  type OrgProblem,
  type OrgStatus,
  OrgStatusSchema,
} from './domain/org-status.js';
export type { EngineEvent, EngineEventListener } from './domain/events.js';
export { parseInput } from './domain/parse-input.js';
export { classifyMfaDevice } from './rules/classify-mfa.js';
export { evaluateFindings, hasRootCredentials } from './rules/evaluate-findings.js';
export { countsMeetThreshold, meetsThreshold } from './rules/severity.js';
