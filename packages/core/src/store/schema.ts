import type { ColumnType } from 'kysely';

/**
 * The SQLite tables as Kysely sees them (after every migration). JSON columns hold text; timestamps are
 * ISO 8601 text, with an integer epoch-milliseconds twin where the store sorts by time.
 */
export interface AuditsTable {
  id: string;
  organization_id: string;
  management_account_id: string;
  schema_version: number;
  /** JSON: `Caller`. */
  caller: string;
  started_at: string;
  started_at_ms: number;
  finished_at: string;
  /** 0 or 1. */
  complete: number;
  /** JSON: `AuditSummary`. */
  summary: string;
  /** JSON: the audit's account/OU/exclude selection. */
  selection: string;
  /** JSON: `ReportWarning[]`, null (or left out on insert) when nothing degraded the audit. */
  warnings: ColumnType<string | null, string | undefined, string | null>;
  /** JSON: the audit's settings (recentDays). */
  settings: string;
  saved_at: string;
}

interface AuditAccountsTable {
  audit_id: string;
  account_id: string;
  /** Order of the account in the report. */
  position: number;
  status: string;
  /** JSON: the account as the inventory saw it (name, email, state, OU path, skip reason). */
  account: string;
  /** JSON: observed root credential metadata (`RootCredentials`), null when not observed. Never a secret. */
  root_credentials: string | null;
  /** JSON: `Finding[]`. */
  findings: string;
  /** JSON: why the account is unknown, when it is. */
  error: string | null;
  audited_at: string | null;
}

interface PlansTable {
  id: string;
  created_at: string;
  expires_at: string;
  organization_id: string;
  task: string;
  status: string;
  fingerprint: string;
  /** JSON: the plan. */
  body: string;
  updated_at: string;
  /** The apply run that holds the plan (`host:pid:run`), and until when (ISO); null when free. */
  apply_owner: string | null;
  apply_until: string | null;
}

interface JournalEntriesTable {
  plan_id: string;
  sequence: number;
  action_id: string;
  phase: string;
  outcome: string;
  at: string;
  /** JSON. */
  detail: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  status: string;
  created_at: string;
  updated_at: string;
  /** JSON. */
  input: string;
  audit_id: string | null;
  /** JSON, when the job failed. */
  error: string | null;
  /** JSON, what a finished job produced (migration 0004). */
  result: string | null;
  /** The replica running the job and until when its lease holds (ISO); null when none (0006). */
  lease_owner: string | null;
  lease_until: string | null;
  /** How many times a runner took the job (0006). */
  attempts: number;
}

interface AuditCheckpointsTable {
  audit_id: string;
  /** JSON: `AuditCheckpointHeader`. */
  header: string;
  updated_at: string;
}

interface AuditCheckpointAccountsTable {
  audit_id: string;
  account_id: string;
  /** Order in which the account finished. */
  position: number;
  /** JSON: `AccountAuditResult`, re-parsed with its schema (never a secret). */
  result: string;
}

export interface FindingExceptionsTable {
  id: string;
  account_id: string;
  /** Null: every finding of the account. */
  finding_code: string | null;
  reason: string;
  owner: string;
  expires_at: string;
  created_at: string;
  created_by: string;
  removed_at: string | null;
  removed_by: string | null;
}

export interface SchedulesTable {
  name: string;
  cron: string;
  timezone: string;
  next_run_at: string;
  last_due_at: string | null;
  last_run_at: string | null;
  last_job_id: string | null;
  /** `started`, `skipped` or `not-started`. */
  last_outcome: string | null;
  /** JSON: `{ code, message }` of the last due run that did not start. */
  last_error: string | null;
  skipped_runs: number;
  updated_at: string;
}

interface NotificationsTable {
  id: string;
  organization_id: string;
  audit_id: string | null;
  created_at: string;
  /** JSON: `Notification`, exactly what a webhook receives. */
  body: string;
}

export interface NotificationDeliveriesTable {
  notification_id: string;
  channel: string;
  channel_type: string;
  /** pending | delivered | failed. */
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  claim_owner: string | null;
  claim_until: string | null;
}

export interface BreakglassWindowsTable {
  id: string;
  account_id: string;
  organization_id: string;
  ticket: string;
  opened_at: string;
  until: string;
  opened_by: string;
  opened_by_user: string;
  plan_id: string;
  closed_at: string | null;
  closed_by: string | null;
  cleanup_plan_id: string | null;
  cleanup_error: string | null;
}

export interface StoreDatabase {
  audits: AuditsTable;
  audit_accounts: AuditAccountsTable;
  plans: PlansTable;
  journal_entries: JournalEntriesTable;
  jobs: JobsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_checkpoint_accounts: AuditCheckpointAccountsTable;
  finding_exceptions: FindingExceptionsTable;
  schedules: SchedulesTable;
  notifications: NotificationsTable;
  notification_deliveries: NotificationDeliveriesTable;
  breakglass_windows: BreakglassWindowsTable;
}
