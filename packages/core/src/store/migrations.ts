import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

// Migrations are frozen once released: never edit one, add the next. They use an untyped Kysely on purpose,
// so later changes to the table types cannot change what an old migration does. The same migrations run
// on SQLite and PostgreSQL: use Kysely's schema builder with types both understand (text, integer,
// bigint), JSON as text, timestamps as ISO text.

const audits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audits')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('management_account_id', 'text', (column) => column.notNull())
      .addColumn('schema_version', 'integer', (column) => column.notNull())
      .addColumn('caller', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      // bigint: epoch milliseconds overflow PostgreSQL's 4-byte integer; SQLite gives it INTEGER affinity
      // (https://sqlite.org/datatype3.html#determination_of_column_affinity), as before.
      .addColumn('started_at_ms', 'bigint', (column) => column.notNull())
      .addColumn('finished_at', 'text', (column) => column.notNull())
      .addColumn('complete', 'integer', (column) => column.notNull())
      .addColumn('summary', 'text', (column) => column.notNull())
      .addColumn('selection', 'text', (column) => column.notNull())
      .addColumn('settings', 'text', (column) => column.notNull())
      .addColumn('saved_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('audits_organization_started')
      .on('audits')
      .columns(['organization_id', 'started_at_ms'])
      .execute();
    await db.schema.createIndex('audits_started').on('audits').column('started_at_ms').execute();
    await db.schema
      .createTable('audit_accounts')
      .addColumn('audit_id', 'text', (column) => column.notNull().references('audits.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('account', 'text', (column) => column.notNull())
      .addColumn('root_credentials', 'text')
      .addColumn('findings', 'text', (column) => column.notNull())
      .addColumn('error', 'text')
      .addColumn('audited_at', 'text')
      .addPrimaryKeyConstraint('audit_accounts_pk', ['audit_id', 'account_id'])
      .execute();
    // History of one account across audits (`why does account X have a root key`).
    await db.schema.createIndex('audit_accounts_account').on('audit_accounts').column('account_id').execute();
  },
};

const plansJournalJobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('plans')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('task', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('fingerprint', 'text', (column) => column.notNull())
      .addColumn('body', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('journal_entries')
      .addColumn('plan_id', 'text', (column) => column.notNull().references('plans.id').onDelete('cascade'))
      .addColumn('sequence', 'integer', (column) => column.notNull())
      .addColumn('action_id', 'text', (column) => column.notNull())
      .addColumn('phase', 'text', (column) => column.notNull().check(sql`phase in ('before', 'after')`))
      .addColumn('outcome', 'text', (column) => column.notNull())
      .addColumn('at', 'text', (column) => column.notNull())
      .addColumn('detail', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('journal_entries_pk', ['plan_id', 'sequence'])
      .execute();
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('input', 'text', (column) => column.notNull())
      .addColumn('audit_id', 'text', (column) => column.references('audits.id').onDelete('set null'))
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('jobs_status').on('jobs').column('status').execute();
  },
};

const planApplyClaims: Migration = {
  async up(db: Kysely<unknown>) {
    // Who is applying a plan and until when: one apply at a time per plan, across processes.
    await db.schema.alterTable('plans').addColumn('apply_owner', 'text').execute();
    await db.schema.alterTable('plans').addColumn('apply_until', 'text').execute();
  },
};

const auditCheckpoints: Migration = {
  async up(db: Kysely<unknown>) {
    // A running audit's finished accounts, written as they finish, so a crash keeps them.
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('audit_id', 'text', (column) => column.primaryKey())
      .addColumn('header', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('audit_checkpoint_accounts')
      .addColumn('audit_id', 'text', (column) =>
        column.notNull().references('audit_checkpoints.audit_id').onDelete('cascade'),
      )
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('result', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('audit_checkpoint_accounts_pk', ['audit_id', 'account_id'])
      .execute();
  },
};

const jobResult: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('jobs').addColumn('result', 'text').execute();
  },
};

const findingExceptions: Migration = {
  async up(db: Kysely<unknown>) {
    // Accepted findings with an owner and an expiry; a removed exception keeps its row (who removed it,
    // when) so the history of what was accepted stays auditable.
    await db.schema
      .createTable('finding_exceptions')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('finding_code', 'text')
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('owner', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('removed_at', 'text')
      .addColumn('removed_by', 'text')
      .execute();
    await db.schema
      .createIndex('finding_exceptions_account')
      .on('finding_exceptions')
      .column('account_id')
      .execute();
  },
};

const schedules: Migration = {
  async up(db: Kysely<unknown>) {
    // One row per audit schedule of the API server: the compare-and-set on next_run_at is what makes a
    // due run start once across restarts and replicas. Timestamps are ISO text, compared as such.
    await db.schema
      .createTable('schedules')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('cron', 'text', (column) => column.notNull())
      .addColumn('timezone', 'text', (column) => column.notNull())
      .addColumn('next_run_at', 'text', (column) => column.notNull())
      .addColumn('last_due_at', 'text')
      .addColumn('last_run_at', 'text')
      .addColumn('last_job_id', 'text')
      .addColumn('last_outcome', 'text')
      .addColumn('last_error', 'text')
      .addColumn('skipped_runs', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
  },
};

const guardNotificationsBreakglass: Migration = {
  async up(db: Kysely<unknown>) {
    // What the guard notified (the body is the JSON a webhook receives) and, per channel, how its delivery
    // went: the delivery log. The notification id is the idempotency key receivers see.
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('audit_id', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('body', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('notification_deliveries')
      .addColumn('notification_id', 'text', (column) =>
        column.notNull().references('notifications.id').onDelete('cascade'),
      )
      .addColumn('channel', 'text', (column) => column.notNull())
      .addColumn('channel_type', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('delivered_at', 'text')
      // Which process is sending it and until when: one sender at a time, a dead sender's claim runs out.
      .addColumn('claim_owner', 'text')
      .addColumn('claim_until', 'text')
      .addPrimaryKeyConstraint('notification_deliveries_pk', ['notification_id', 'channel'])
      .execute();
    await db.schema
      .createIndex('notification_deliveries_status')
      .on('notification_deliveries')
      .column('status')
      .execute();
    // Time-boxed break-glass windows (password recovery allowed), kept after they close.
    await db.schema
      .createTable('breakglass_windows')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('account_id', 'text', (column) => column.notNull())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('ticket', 'text', (column) => column.notNull())
      .addColumn('opened_at', 'text', (column) => column.notNull())
      .addColumn('until', 'text', (column) => column.notNull())
      .addColumn('opened_by', 'text', (column) => column.notNull())
      .addColumn('opened_by_user', 'text', (column) => column.notNull())
      .addColumn('plan_id', 'text', (column) => column.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('cleanup_plan_id', 'text')
      .addColumn('cleanup_error', 'text')
      .execute();
    await db.schema
      .createIndex('breakglass_windows_account')
      .on('breakglass_windows')
      .column('account_id')
      .execute();
  },
};

const jobLeases: Migration = {
  async up(db: Kysely<unknown>) {
    // Several API replicas on one database: the replica running a job holds a lease it renews; a job
    // whose lease ran out (its replica died) is taken over by another replica.
    await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('lease_until', 'text').execute();
    await db.schema
      .alterTable('jobs')
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
  },
};

const auditWarnings: Migration = {
  async up(db: Kysely<unknown>) {
    // What degraded an audit without stopping it (JSON `ReportWarning[]`), null when nothing did.
    await db.schema.alterTable('audits').addColumn('warnings', 'text').execute();
  },
};

/** Every migration, by name; names sort in the order they run. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_audits': audits,
  '0002_plans_journal_jobs': plansJournalJobs,
  '0003_plan_apply_claims': planApplyClaims,
  '0004_job_result': jobResult,
  '0005_audit_checkpoints': auditCheckpoints,
  '0006_finding_exceptions': findingExceptions,
  '0007_schedules': schedules,
  '0008_guard_notifications_breakglass': guardNotificationsBreakglass,
  '0009_job_leases': jobLeases,
  '0010_audit_warnings': auditWarnings,
};

/**
 * What an existing database says about opening it as a store, from its table names: `new` (no tables:
 * the migrations create them), `foreign` (tables, but no migration record: not a rootwarden store),
 * `newer` (migrations this version does not know: a newer rootwarden wrote it) or `compatible`. Each
 * backend lists its tables and words the refusal for its users.
 */
export async function storeCompatibility<Database>(
  db: Kysely<Database>,
  tables: ReadonlySet<string>,
  known: readonly string[],
): Promise<{ kind: 'new' | 'compatible' | 'foreign' } | { kind: 'newer'; unknownMigrations: string[] }> {
  if (tables.size === 0) return { kind: 'new' };
  if (!tables.has('kysely_migration')) return { kind: 'foreign' };
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const unknownMigrations = applied.rows.map((row) => row.name).filter((name) => !known.includes(name));
  return unknownMigrations.length > 0 ? { kind: 'newer', unknownMigrations } : { kind: 'compatible' };
}

/** The in-code provider (no migration files to ship or find at run time). */
export function createMigrationProvider(
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): MigrationProvider {
  return { getMigrations: async () => ({ ...migrations }) };
}
