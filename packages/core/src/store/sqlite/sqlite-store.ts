import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type Migration,
  Migrator,
  type Selectable,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import { z } from 'zod';
import { AccountSchema } from '../../domain/account.js';
import {
  type AccountAuditResult,
  AccountAuditResultSchema,
  type AuditReport,
  AuditReportSchema,
} from '../../domain/audit.js';
import {
  type ExceptionEvent,
  type FindingException,
  FindingExceptionSchema,
} from '../../domain/exception.js';
import { type AuditListEntry, AuditListEntrySchema, type ListAuditsQuery } from '../../domain/history.js';
import { parseInput } from '../../domain/parse-input.js';
import type { ScheduleRunClaim, ScheduleState } from '../../domain/schedule.js';
import { CoreError, isCoreError } from '../../errors.js';
import { GuardTables } from '../guard-tables.js';
import { databasePath } from '../home.js';
import { assertNoSecrets } from '../no-secrets.js';
import {
  claimScheduleRun,
  listScheduleStates,
  recordScheduleStartFailure,
  saveScheduleTiming,
} from '../schedule-rows.js';
import {
  type AuditCheckpoint,
  type AuditCheckpointHeader,
  type Job,
  JobSchema,
  type JobStatus,
  type JournalEntry,
  JournalEntrySchema,
  type ListAuditsOptions,
  type NewJournalEntry,
  type PlanClaim,
  type PlanClaimResult,
  type PlanStatus,
  PlanStatusSchema,
  type Store,
  type StoredException,
  type StoredPlan,
  StoredPlanSchema,
} from '../store.js';
import { mapSqliteError } from './map-sqlite-error.js';
import { createMigrationProvider, MIGRATIONS } from './migrations.js';
import type { AuditsTable, FindingExceptionsTable, JobsTable, StoreDatabase } from './schema.js';

/** How long a write waits for another process's write lock before STORE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

function exceptionFromRow(row: Selectable<FindingExceptionsTable>): FindingException {
  return FindingExceptionSchema.parse({
    id: row.id,
    accountId: row.account_id,
    findingCode: row.finding_code,
    reason: row.reason,
    owner: row.owner,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    source: 'store',
  });
}

/** Per-account rows inserted per statement (SQLite caps bound parameters per statement). */
const ACCOUNT_ROWS_PER_INSERT = 500;

export interface SqliteStoreOptions {
  /** Directory of `rootwarden.db`; created (0700) when missing. */
  home: string;
  /** How long a write waits for another process's lock, in milliseconds. */
  busyTimeoutMs?: number;
  /** Clock for bookkeeping columns (`saved_at`, `updated_at`). */
  now?: () => Date;
  /** Migrations to run (tests use a prefix of the list to build an old database). */
  migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Transactions take the write lock when they start (`BEGIN IMMEDIATE`): a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between, without
 * waiting for busy_timeout (https://sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions).
 */
class ImmediateTransactionDriver extends SqliteDriver {
  readonly #sqlite: Database.Database;
  constructor(config: SqliteDialectConfig & { database: Database.Database }) {
    super(config);
    this.#sqlite = config.database;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  /**
   * After SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY on a write, SQLite may already have rolled the
   * transaction back by itself (https://sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
   * A ROLLBACK then fails ("no transaction is active") and Kysely would throw that failure instead of
   * the real cause: roll back only a transaction that is still open.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

class StoreDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: Database.Database };
  constructor(config: SqliteDialectConfig & { database: Database.Database }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.#config);
  }
}

/**
 * Creates the database file when it is missing: 0600 (SQLite would use the umask, often 0644), already
 * an SQLite file in WAL mode, built under a temporary name and linked into place (link fails when
 * another process created it first). So `rootwarden.db` is never an empty file of ours, and an empty
 * one is a damaged history (a full disk, a truncated copy), never silently started afresh.
 */
function createDatabaseFile(file: string): void {
  try {
    statSync(file);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const temporary = `${file}.${process.pid}.new`;
  try {
    closeSync(openSync(temporary, 'w', 0o600));
    const fresh = new Database(temporary);
    try {
      fresh.pragma('journal_mode = WAL');
    } finally {
      fresh.close();
    }
    linkSync(temporary, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}-wal`, { force: true });
    rmSync(`${temporary}-shm`, { force: true });
  }
}

const FIX_MOVE_ASIDE_ADVICE =
  'Move the file aside (rootwarden then starts a new, empty history; restore the old one from a backup if you have it) or point ROOTWARDEN_HOME at another directory.';

/**
 * Creates the home directory (0700). A recursive mkdir reports ENOENT for any failure below an
 * existing directory (a read-only mount, no permission): ask the nearest existing ancestor for the
 * real cause (EROFS, EACCES, ENOTDIR), so the user is told what to fix.
 */
async function createHome(home: string): Promise<void> {
  try {
    await mkdir(home, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    let ancestor = dirname(home);
    while (ancestor !== dirname(ancestor) && !existsSync(ancestor)) ancestor = dirname(ancestor);
    let code = 'ENOENT';
    try {
      if (!statSync(ancestor).isDirectory()) code = 'ENOTDIR';
      else accessSync(ancestor, constants.W_OK);
    } catch (probe) {
      code = String((probe as { code?: string }).code ?? code);
    }
    throw Object.assign(new Error(`cannot create ${home} (${code} at ${ancestor})`), { code });
  }
}

/** Every SQLite database file starts with these 16 bytes (https://sqlite.org/fileformat.html#the_database_header). */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * SQLite takes an empty or very short file for a new database and would write a fresh history over it:
 * a file without the SQLite header is refused instead.
 */
function assertSqliteFile(file: string): void {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const descriptor = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(descriptor, header, 0, header.length, 0);
  } finally {
    closeSync(descriptor);
  }
  if (read === header.length && header.equals(SQLITE_MAGIC)) return;
  throw new CoreError(
    'STORE_CORRUPT',
    read === 0
      ? `${file} is not a readable rootwarden database: it is empty (0 bytes), as a full disk or an interrupted copy leaves files.`
      : `${file} is not a readable rootwarden database: it does not start with the SQLite header.`,
    { fix: `${FIX_MOVE_ASIDE_ADVICE} Audits still run with \`--no-save\`.`, details: { file } },
  );
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function corrupt(file: string, what: string, issue: unknown): CoreError {
  const reason = issue instanceof Error ? issue.message : String(issue);
  return new CoreError('STORE_CORRUPT', `${what} in ${file} is unreadable (${reason}).`, {
    fix: 'The database was changed outside rootwarden. Move the file aside or point ROOTWARDEN_HOME at another directory.',
    details: { file },
  });
}

async function checkCompatible(db: Kysely<StoreDatabase>, file: string, known: readonly string[]) {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const names = new Set(tables.rows.map((row) => row.name));
  if (names.size === 0) return;
  if (!names.has('kysely_migration')) {
    throw new CoreError(
      'STORE_CORRUPT',
      `${file} is an SQLite database, but not rootwarden's (it has tables ${[...names].slice(0, 5).join(', ')}).`,
      { fix: 'Point ROOTWARDEN_HOME at a directory of its own.', details: { file } },
    );
  }
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const unknown = applied.rows.map((row) => row.name).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `${file} was written by a newer rootwarden (database migration ${unknown.join(', ')} is unknown to this version).`,
      {
        fix: 'Upgrade rootwarden, or point ROOTWARDEN_HOME at another directory.',
        details: { file, unknownMigrations: unknown },
      },
    );
  }
}

/**
 * Opens (creating and migrating when needed) the SQLite store at `<home>/rootwarden.db`: WAL mode and a
 * busy timeout, so several rootwarden processes (a CLI audit and the API, two schedulers) share it.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const file = databasePath(options.home);
  const now = options.now ?? (() => new Date());
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const migrations = options.migrations ?? MIGRATIONS;
  let sqlite: Database.Database | undefined;
  let db: Kysely<StoreDatabase> | undefined;
  try {
    await createHome(options.home);
    createDatabaseFile(file);
    assertSqliteFile(file);
    sqlite = new Database(file, { timeout: busyTimeoutMs });
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // WAL: readers never block the writer and the writer never blocks readers (https://sqlite.org/wal.html).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<StoreDatabase>({ dialect: new StoreDialect({ database: sqlite }) });
    await checkCompatible(db, file, Object.keys(migrations));
    const { error } = await new Migrator({
      db,
      provider: createMigrationProvider(migrations),
    }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    if (db) await db.destroy().catch(() => undefined);
    else sqlite?.close();
    throw mapSqliteError(error, file);
  }
  return new SqliteStore(db, file, now);
}

const CheckpointHeaderSchema = AuditReportSchema.pick({
  auditId: true,
  organizationId: true,
  managementAccountId: true,
  caller: true,
  startedAt: true,
  selection: true,
  settings: true,
}).extend({ listed: z.number().int().nullable() });

function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

class SqliteStore implements Store {
  readonly #db: Kysely<StoreDatabase>;
  readonly #file: string;
  readonly #now: () => Date;
  readonly #guardTables: GuardTables;

  constructor(db: Kysely<StoreDatabase>, file: string, now: () => Date) {
    this.#db = db;
    this.#file = file;
    this.#now = now;
    this.#guardTables = new GuardTables(db, (work) => this.#guard(work));
  }

  recordNotification(...args: Parameters<Store['recordNotification']>) {
    return this.#guardTables.recordNotification(...args);
  }
  getNotification(...args: Parameters<Store['getNotification']>) {
    return this.#guardTables.getNotification(...args);
  }
  claimDelivery(...args: Parameters<Store['claimDelivery']>) {
    return this.#guardTables.claimDelivery(...args);
  }
  updateDelivery(...args: Parameters<Store['updateDelivery']>) {
    return this.#guardTables.updateDelivery(...args);
  }
  listDeliveries(...args: Parameters<Store['listDeliveries']>) {
    return this.#guardTables.listDeliveries(...args);
  }
  openBreakglassWindow(...args: Parameters<Store['openBreakglassWindow']>) {
    return this.#guardTables.openBreakglassWindow(...args);
  }
  closeBreakglassWindow(...args: Parameters<Store['closeBreakglassWindow']>) {
    return this.#guardTables.closeBreakglassWindow(...args);
  }
  setBreakglassCleanup(...args: Parameters<Store['setBreakglassCleanup']>) {
    return this.#guardTables.setBreakglassCleanup(...args);
  }
  listBreakglassWindows(...args: Parameters<Store['listBreakglassWindows']>) {
    return this.#guardTables.listBreakglassWindows(...args);
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapSqliteError(error, this.#file);
    }
  }

  #parse<S extends z.ZodType>(schema: S, value: () => unknown, what: string): z.output<S> {
    let raw: unknown;
    try {
      raw = value();
    } catch (error) {
      throw corrupt(this.#file, what, error);
    }
    const result = schema.safeParse(raw);
    if (!result.success) throw corrupt(this.#file, what, result.error.issues[0]?.message ?? 'invalid');
    return result.data;
  }

  async saveAudit(input: AuditReport): Promise<void> {
    const report = parseInput(AuditReportSchema, input);
    const savedAt = this.#now().toISOString();
    const rows = report.accounts.map((result: AccountAuditResult, position) => ({
      audit_id: report.auditId,
      account_id: result.accountId,
      position,
      status: result.status,
      account: json(AccountSchema.parse(result)),
      root_credentials: result.rootCredentials ? json(result.rootCredentials) : null,
      findings: json(result.findings),
      error: result.error ? json(result.error) : null,
      audited_at: result.auditedAt,
    }));
    await this.#guard(async () => {
      try {
        await this.#db.transaction().execute(async (trx) => {
          await trx
            .insertInto('audits')
            .values({
              id: report.auditId,
              organization_id: report.organizationId,
              management_account_id: report.managementAccountId,
              schema_version: report.schemaVersion,
              caller: json(report.caller),
              started_at: report.startedAt,
              started_at_ms: new Date(report.startedAt).getTime(),
              finished_at: report.finishedAt,
              complete: report.complete ? 1 : 0,
              summary: json(report.summary),
              selection: json(report.selection),
              settings: json(report.settings),
              saved_at: savedAt,
            })
            .execute();
          for (let start = 0; start < rows.length; start += ACCOUNT_ROWS_PER_INSERT) {
            await trx
              .insertInto('audit_accounts')
              .values(rows.slice(start, start + ACCOUNT_ROWS_PER_INSERT))
              .execute();
          }
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new CoreError('INVALID_INPUT', `Audit ${report.auditId} is already saved.`, {
            details: { field: 'auditId' },
          });
        throw error;
      }
    });
  }

  async checkpointAudit(input: AuditCheckpointHeader, results: readonly AccountAuditResult[]): Promise<void> {
    const header = parseInput(CheckpointHeaderSchema, input);
    // Re-parsed with the report's own schema: unknown fields (anything secret) never reach the disk.
    const parsed = results.map((result) => parseInput(AccountAuditResultSchema, result));
    const at = this.#now().toISOString();
    await this.#guard(() =>
      this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('audit_checkpoints')
          .values({ audit_id: header.auditId, header: json(header), updated_at: at })
          .onConflict((conflict) =>
            conflict.column('audit_id').doUpdateSet({ header: json(header), updated_at: at }),
          )
          .execute();
        if (parsed.length === 0) return;
        const { next } = await trx
          .selectFrom('audit_checkpoint_accounts')
          .select((eb) => eb.fn.coalesce(eb.fn.max('position'), eb.lit(-1)).as('next'))
          .where('audit_id', '=', header.auditId)
          .executeTakeFirstOrThrow();
        const rows = parsed.map((result, index) => ({
          audit_id: header.auditId,
          account_id: result.accountId,
          position: Number(next) + 1 + index,
          result: json(result),
        }));
        for (let start = 0; start < rows.length; start += ACCOUNT_ROWS_PER_INSERT) {
          await trx
            .insertInto('audit_checkpoint_accounts')
            .values(rows.slice(start, start + ACCOUNT_ROWS_PER_INSERT))
            // An account checkpointed twice keeps its latest result.
            .onConflict((conflict) =>
              conflict
                .columns(['audit_id', 'account_id'])
                .doUpdateSet((eb) => ({ result: eb.ref('excluded.result') })),
            )
            .execute();
        }
      }),
    );
  }

  async getAuditCheckpoint(auditId: string): Promise<AuditCheckpoint | undefined> {
    const found = await this.#guard(async () => {
      const header = await this.#db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('audit_id', '=', auditId)
        .executeTakeFirst();
      if (!header) return undefined;
      const accounts = await this.#db
        .selectFrom('audit_checkpoint_accounts')
        .select(['result'])
        .where('audit_id', '=', auditId)
        .orderBy('position')
        .execute();
      return { header, accounts };
    });
    if (!found) return undefined;
    return {
      header: this.#parse(
        CheckpointHeaderSchema,
        () => JSON.parse(found.header.header),
        `Checkpoint of audit ${auditId}`,
      ),
      results: found.accounts.map((row) =>
        this.#parse(AccountAuditResultSchema, () => JSON.parse(row.result), `Checkpoint of audit ${auditId}`),
      ),
    };
  }

  async deleteAuditCheckpoint(auditId: string): Promise<void> {
    await this.#guard(() =>
      this.#db.deleteFrom('audit_checkpoints').where('audit_id', '=', auditId).execute(),
    );
  }

  #entry(row: AuditsTable): AuditListEntry {
    return this.#parse(
      AuditListEntrySchema,
      () => ({
        schemaVersion: row.schema_version,
        auditId: row.id,
        organizationId: row.organization_id,
        managementAccountId: row.management_account_id,
        caller: JSON.parse(row.caller),
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        complete: row.complete === 1,
        selection: JSON.parse(row.selection),
        settings: JSON.parse(row.settings),
        summary: JSON.parse(row.summary),
      }),
      `Audit ${row.id}`,
    );
  }

  async listAudits(query: ListAuditsQuery, options: ListAuditsOptions = {}): Promise<AuditListEntry[]> {
    const rows = await this.#guard(() => {
      let select = this.#db.selectFrom('audits').selectAll();
      if (query.organizationId) select = select.where('organization_id', '=', query.organizationId);
      return select.orderBy('started_at_ms', 'desc').orderBy(sql`rowid`, 'desc').limit(query.limit).execute();
    });
    // One damaged row must not hide the others: it is left out and reported.
    const entries: AuditListEntry[] = [];
    for (const row of rows) {
      try {
        entries.push(this.#entry(row));
      } catch (error) {
        if (!isCoreError(error)) throw error;
        options.onUnreadable?.({ auditId: String(row.id), error });
      }
    }
    return entries;
  }

  async findPlanIds(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('plans')
        .select('id')
        .where(sql<boolean>`substr(id, 1, ${prefix.length}) = ${prefix}`)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => row.id);
  }

  async findAuditIds(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('audits')
        .select('id')
        .where(sql<boolean>`substr(id, 1, ${prefix.length}) = ${prefix}`)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => row.id);
  }

  async getAudit(id: string): Promise<AuditReport | undefined> {
    const found = await this.#guard(async () => {
      const audit = await this.#db.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirst();
      if (!audit) return undefined;
      const accounts = await this.#db
        .selectFrom('audit_accounts')
        .selectAll()
        .where('audit_id', '=', id)
        .orderBy('position')
        .execute();
      return { audit, accounts };
    });
    if (!found) return undefined;
    const header = this.#entry(found.audit);
    return this.#parse(
      AuditReportSchema,
      () => ({
        ...header,
        accounts: found.accounts.map((row) => ({
          ...(JSON.parse(row.account) as object),
          status: row.status,
          ...(row.error === null ? {} : { error: JSON.parse(row.error) }),
          rootCredentials: fromJson(row.root_credentials),
          findings: JSON.parse(row.findings),
          auditedAt: row.audited_at,
        })),
      }),
      `Audit ${id}`,
    );
  }

  async savePlan(input: StoredPlan): Promise<void> {
    const plan = parseInput(StoredPlanSchema, input);
    assertNoSecrets(plan.body, 'plan body');
    await this.#guard(async () => {
      try {
        await this.#db
          .insertInto('plans')
          .values({
            id: plan.id,
            created_at: plan.createdAt,
            expires_at: plan.expiresAt,
            organization_id: plan.organizationId,
            task: plan.task,
            status: plan.status,
            fingerprint: plan.fingerprint,
            body: json(plan.body),
            updated_at: this.#now().toISOString(),
          })
          .execute();
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new CoreError('INVALID_INPUT', `Plan ${plan.id} is already saved.`, {
            details: { field: 'id' },
          });
        throw error;
      }
    });
  }

  async getPlan(id: string): Promise<StoredPlan | undefined> {
    const row = await this.#guard(() =>
      this.#db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    if (!row) return undefined;
    return this.#parse(
      StoredPlanSchema,
      () => ({
        id: row.id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        organizationId: row.organization_id,
        task: row.task,
        status: row.status,
        fingerprint: row.fingerprint,
        body: JSON.parse(row.body),
      }),
      `Plan ${id}`,
    );
  }

  async setPlanStatus(id: string, status: PlanStatus): Promise<void> {
    const checked = parseInput(PlanStatusSchema, status);
    const result = await this.#guard(() =>
      this.#db
        .updateTable('plans')
        .set({ status: checked, updated_at: this.#now().toISOString() })
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) throw planNotFound(id);
  }

  async claimPlan(id: string, claim: PlanClaim): Promise<PlanClaimResult> {
    return this.#guard(() =>
      this.#db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('plans')
          .select(['apply_owner', 'apply_until'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw planNotFound(id);
        const free =
          row.apply_owner === null ||
          row.apply_owner === claim.owner ||
          (row.apply_until ?? '') < claim.now ||
          (claim.takeOver ?? []).includes(row.apply_owner);
        if (!free) return { claimed: false, owner: row.apply_owner ?? '', until: row.apply_until ?? '' };
        await trx
          .updateTable('plans')
          .set({ apply_owner: claim.owner, apply_until: claim.until })
          .where('id', '=', id)
          .execute();
        return { claimed: true };
      }),
    );
  }

  async releasePlan(id: string, owner: string): Promise<void> {
    await this.#guard(() =>
      this.#db
        .updateTable('plans')
        .set({ apply_owner: null, apply_until: null })
        .where('id', '=', id)
        .where('apply_owner', '=', owner)
        .execute(),
    );
  }

  async appendJournal(input: NewJournalEntry): Promise<JournalEntry> {
    const entry = parseInput(JournalEntrySchema.omit({ sequence: true }), input);
    assertNoSecrets(entry.detail, 'journal detail');
    return this.#guard(async () => {
      try {
        return await this.#db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom('journal_entries')
            .select((eb) => eb.fn.max('sequence').as('sequence'))
            .where('plan_id', '=', entry.planId)
            .executeTakeFirst();
          const sequence = (last?.sequence ?? 0) + 1;
          await trx
            .insertInto('journal_entries')
            .values({
              plan_id: entry.planId,
              sequence,
              action_id: entry.actionId,
              phase: entry.phase,
              outcome: entry.outcome,
              at: entry.at,
              detail: json(entry.detail),
            })
            .execute();
          return { ...entry, sequence };
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
          throw planNotFound(entry.planId);
        throw error;
      }
    });
  }

  async listJournal(planId: string): Promise<JournalEntry[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('journal_entries')
        .selectAll()
        .where('plan_id', '=', planId)
        .orderBy('sequence')
        .execute(),
    );
    return rows.map((row) =>
      this.#parse(
        JournalEntrySchema,
        () => ({
          planId: row.plan_id,
          sequence: row.sequence,
          actionId: row.action_id,
          phase: row.phase,
          outcome: row.outcome,
          at: row.at,
          detail: JSON.parse(row.detail),
        }),
        `Journal entry ${planId}#${row.sequence}`,
      ),
    );
  }

  #job(row: JobsTable): Job {
    return this.#parse(
      JobSchema,
      () => ({
        id: row.id,
        kind: row.kind,
        status: row.status,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        input: JSON.parse(row.input),
        auditId: row.audit_id,
        error: fromJson(row.error),
        ...(row.result === null ? {} : { result: JSON.parse(row.result) }),
      }),
      `Job ${row.id}`,
    );
  }

  async createJob(input: Job): Promise<void> {
    const job = parseInput(JobSchema, input);
    assertNoSecrets(job.input, 'job input');
    assertNoSecrets(job.error, 'job error');
    assertNoSecrets(job.result, 'job result');
    await this.#guard(async () => {
      try {
        await this.#db
          .insertInto('jobs')
          .values({
            id: job.id,
            kind: job.kind,
            status: job.status,
            created_at: job.createdAt,
            updated_at: job.updatedAt,
            input: json(job.input),
            audit_id: job.auditId,
            error: job.error === null ? null : json(job.error),
            result: job.result === undefined ? null : json(job.result),
          })
          .execute();
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new CoreError('INVALID_INPUT', `Job ${job.id} already exists.`, { details: { field: 'id' } });
        throw error;
      }
    });
  }

  async updateJob(id: string, update: Parameters<Store['updateJob']>[1]): Promise<Job> {
    const checked = parseInput(
      JobSchema.pick({ status: true, auditId: true, error: true, result: true, updatedAt: true }).partial({
        status: true,
        auditId: true,
        error: true,
      }),
      update,
    );
    assertNoSecrets(checked.error, 'job error');
    assertNoSecrets(checked.result, 'job result');
    const row = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set({
          updated_at: checked.updatedAt,
          ...(checked.status === undefined ? {} : { status: checked.status }),
          ...(checked.auditId === undefined ? {} : { audit_id: checked.auditId }),
          ...(checked.error === undefined
            ? {}
            : { error: checked.error === null ? null : json(checked.error) }),
          ...(checked.result === undefined ? {} : { result: json(checked.result) }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row)
      throw new CoreError('RESOURCE_NOT_FOUND', `No job ${id}.`, { details: { field: 'id', jobId: id } });
    return this.#job(row);
  }

  async getJob(id: string): Promise<Job | undefined> {
    const row = await this.#guard(() =>
      this.#db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row ? this.#job(row) : undefined;
  }

  async listJobs(query: { status?: JobStatus; limit?: number } = {}): Promise<Job[]> {
    const rows = await this.#guard(() => {
      let select = this.#db.selectFrom('jobs').selectAll();
      if (query.status) select = select.where('status', '=', query.status);
      return select
        .orderBy('created_at', 'desc')
        .orderBy(sql`rowid`, 'desc')
        .limit(query.limit ?? 100)
        .execute();
    });
    return rows.map((row) => this.#job(row));
  }

  async interruptUnfinishedJobs(at: string): Promise<number> {
    const result = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set({ status: 'interrupted', updated_at: at })
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows);
  }

  async addException(input: StoredException): Promise<void> {
    const exception = parseInput(FindingExceptionSchema, input);
    await this.#guard(async () => {
      try {
        await this.#db
          .insertInto('finding_exceptions')
          .values({
            id: exception.id,
            account_id: exception.accountId,
            finding_code: exception.findingCode,
            reason: exception.reason,
            owner: exception.owner,
            expires_at: exception.expiresAt,
            created_at: input.createdAt,
            created_by: input.createdBy,
            removed_at: null,
            removed_by: null,
          })
          .execute();
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new CoreError('INVALID_INPUT', `Exception ${exception.id} already exists.`, {
            details: { field: 'id' },
          });
        throw error;
      }
    });
  }

  async removeException(
    id: string,
    removal: { at: string; by: string },
  ): Promise<FindingException | undefined> {
    return this.#guard(() =>
      this.#db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('finding_exceptions')
          .selectAll()
          .where('id', '=', id)
          .where('removed_at', 'is', null)
          .executeTakeFirst();
        if (!row) return undefined;
        await trx
          .updateTable('finding_exceptions')
          .set({ removed_at: removal.at, removed_by: removal.by })
          .where('id', '=', id)
          .execute();
        return exceptionFromRow(row);
      }),
    );
  }

  async listExceptions(): Promise<FindingException[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('finding_exceptions')
        .selectAll()
        .where('removed_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(exceptionFromRow);
  }

  async listExceptionEvents(): Promise<ExceptionEvent[]> {
    const rows = await this.#guard(() =>
      this.#db.selectFrom('finding_exceptions').selectAll().orderBy('created_at').orderBy('id').execute(),
    );
    const events: ExceptionEvent[] = [];
    for (const row of rows) {
      const exception = exceptionFromRow(row);
      events.push({
        exceptionId: row.id,
        action: 'added',
        at: row.created_at,
        by: row.created_by,
        exception,
      });
      if (row.removed_at)
        events.push({
          exceptionId: row.id,
          action: 'removed',
          at: row.removed_at,
          by: row.removed_by ?? 'unknown',
          exception,
        });
    }
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }

  listScheduleStates(): Promise<ScheduleState[]> {
    return this.#guard(() => listScheduleStates(this.#db));
  }

  saveScheduleTiming(timing: Parameters<Store['saveScheduleTiming']>[0]): Promise<ScheduleState> {
    return this.#guard(() => saveScheduleTiming(this.#db, timing));
  }

  claimScheduleRun(name: string, claim: ScheduleRunClaim): Promise<boolean> {
    return this.#guard(() => claimScheduleRun(this.#db, name, claim));
  }

  async recordScheduleStartFailure(
    name: string,
    failure: Parameters<Store['recordScheduleStartFailure']>[1],
  ): Promise<void> {
    await this.#guard(() => recordScheduleStartFailure(this.#db, name, failure));
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}

function planNotFound(id: string): CoreError {
  return new CoreError('PLAN_NOT_FOUND', `No plan ${id}.`, {
    fix: 'Create a plan with `rootwarden plan …` first.',
    details: { field: 'planId', planId: id },
  });
}
