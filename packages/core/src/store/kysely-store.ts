import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { AccountSchema } from '../domain/account.js';
import {
  type AccountAuditResult,
  AccountAuditResultSchema,
  type AuditReport,
  AuditReportSchema,
} from '../domain/audit.js';
import { type ExceptionEvent, type FindingException, FindingExceptionSchema } from '../domain/exception.js';
import { type AuditListEntry, AuditListEntrySchema, type ListAuditsQuery } from '../domain/history.js';
import { parseInput } from '../domain/parse-input.js';
import type { ScheduleRunClaim, ScheduleState } from '../domain/schedule.js';
import { CoreError, isCoreError } from '../errors.js';
import { GuardTables } from './guard-tables.js';
import { assertNoSecrets } from './no-secrets.js';
import {
  claimScheduleRun,
  listScheduleStates,
  recordScheduleStartFailure,
  saveScheduleTiming,
} from './schedule-rows.js';
import type { AuditsTable, FindingExceptionsTable, JobsTable, StoreDatabase } from './schema.js';
import {
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
} from './store.js';

/**
 * What differs between the SQL databases the one Kysely store runs on. Everything else (queries,
 * migrations, JSON as text, ISO timestamps) is shared, so a table added for one works on both.
 */
export interface StoreBackend {
  /** Where the data lives, for messages: a file path, or a database URL without its password. */
  location: string;
  /** Maps a driver error to a CoreError by its code (never by message). */
  mapError(error: unknown): CoreError;
  /** A primary key or unique constraint refused the write. */
  isUniqueViolation(error: unknown): boolean;
  /** A foreign key refused the write (the referenced row does not exist). */
  isForeignKeyViolation(error: unknown): boolean;
  /**
   * Whether read-then-write transactions must lock the rows they read (`FOR UPDATE`): PostgreSQL's
   * default isolation lets two transactions read the same row; SQLite's `BEGIN IMMEDIATE` already
   * holds the database's one write lock for the whole transaction.
   */
  lockRowsInTransactions: boolean;
  /**
   * Orders rows written at the same instant, newest first: SQLite's `rowid` follows insertion order;
   * PostgreSQL has no such column, so the id decides (stable, not insertion order).
   */
  tieBreak: 'rowid' | 'id';
  /** Most rows one INSERT may carry (SQLite caps bound parameters per statement; PostgreSQL at 65,535). */
  maxRowsPerInsert: number;
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function corrupt(location: string, what: string, issue: unknown): CoreError {
  const reason = issue instanceof Error ? issue.message : String(issue);
  return new CoreError('STORE_CORRUPT', `${what} in ${location} is unreadable (${reason}).`, {
    fix: 'The database was changed outside rootwarden. Move it aside or point rootwarden at another one (ROOTWARDEN_HOME or --store).',
    details: { store: location },
  });
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

function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** The Store on a migrated Kysely database (SQLite or PostgreSQL, see StoreBackend). */
export class KyselyStore implements Store {
  readonly #db: Kysely<StoreDatabase>;
  readonly #backend: StoreBackend;
  readonly #now: () => Date;

  readonly #guardTables: GuardTables;

  constructor(db: Kysely<StoreDatabase>, backend: StoreBackend, now: () => Date) {
    this.#db = db;
    this.#backend = backend;
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
  countDeliveries() {
    return this.#guardTables.countDeliveries();
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

  /** The newest-first tie break of rows written at the same instant. */
  get #tieBreak() {
    return this.#backend.tieBreak === 'rowid' ? sql`rowid` : sql.ref('id');
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#backend.mapError(error);
    }
  }

  #parse<S extends z.ZodType>(schema: S, value: () => unknown, what: string): z.output<S> {
    let raw: unknown;
    try {
      raw = value();
    } catch (error) {
      throw corrupt(this.#backend.location, what, error);
    }
    const result = schema.safeParse(raw);
    if (!result.success)
      throw corrupt(this.#backend.location, what, result.error.issues[0]?.message ?? 'invalid');
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
              ...(report.warnings === undefined ? {} : { warnings: json(report.warnings) }),
              saved_at: savedAt,
            })
            .execute();
          for (let start = 0; start < rows.length; start += this.#backend.maxRowsPerInsert) {
            await trx
              .insertInto('audit_accounts')
              .values(rows.slice(start, start + this.#backend.maxRowsPerInsert))
              .execute();
          }
        });
      } catch (error) {
        if (this.#backend.isUniqueViolation(error))
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
        for (let start = 0; start < rows.length; start += this.#backend.maxRowsPerInsert) {
          await trx
            .insertInto('audit_checkpoint_accounts')
            .values(rows.slice(start, start + this.#backend.maxRowsPerInsert))
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

  #entry(row: Selectable<AuditsTable>): AuditListEntry {
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
      return select
        .orderBy('started_at_ms', 'desc')
        .orderBy(this.#tieBreak, 'desc')
        .limit(query.limit)
        .execute();
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
        ...(found.audit.warnings === null ? {} : { warnings: JSON.parse(found.audit.warnings) }),
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
        if (this.#backend.isUniqueViolation(error))
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
          .$if(this.#backend.lockRowsInTransactions, (query) => query.forUpdate())
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
          if (this.#backend.lockRowsInTransactions) {
            // One appender per plan at a time: the next sequence number is read, then written.
            const planRow = await trx
              .selectFrom('plans')
              .select('id')
              .where('id', '=', entry.planId)
              .forUpdate()
              .executeTakeFirst();
            if (!planRow) throw planNotFound(entry.planId);
          }
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
        if (this.#backend.isForeignKeyViolation(error)) throw planNotFound(entry.planId);
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

  async createJob(input: Job, lease?: JobLease): Promise<void> {
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
            lease_owner: lease && job.status === 'running' ? lease.owner : null,
            lease_until: lease && job.status === 'running' ? lease.until : null,
            attempts: job.status === 'running' ? 1 : 0,
          })
          .execute();
      } catch (error) {
        if (this.#backend.isUniqueViolation(error))
          throw new CoreError('INVALID_INPUT', `Job ${job.id} already exists.`, { details: { field: 'id' } });
        throw error;
      }
    });
  }

  #jobUpdate(update: JobUpdate) {
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
    const ending =
      checked.status !== undefined && checked.status !== 'running' && checked.status !== 'queued';
    return {
      updated_at: checked.updatedAt,
      ...(checked.status === undefined ? {} : { status: checked.status }),
      ...(checked.auditId === undefined ? {} : { audit_id: checked.auditId }),
      ...(checked.error === undefined ? {} : { error: checked.error === null ? null : json(checked.error) }),
      ...(checked.result === undefined ? {} : { result: json(checked.result) }),
      // A job that ended holds no lease.
      ...(ending ? { lease_owner: null, lease_until: null } : {}),
    };
  }

  async updateJob(id: string, update: JobUpdate): Promise<Job> {
    const values = this.#jobUpdate(update);
    const row = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set(values)
        .where('id', '=', id)
        .$if(update.leaseOwner !== undefined, (query) =>
          query.where('lease_owner', '=', update.leaseOwner ?? '').where('status', '=', 'running'),
        )
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row)
      throw new CoreError(
        'RESOURCE_NOT_FOUND',
        update.leaseOwner === undefined
          ? `No job ${id}.`
          : `Job ${id} is no longer held by ${update.leaseOwner} (another runner took it over, or it ended).`,
        { details: { field: 'id', jobId: id } },
      );
    return this.#job(row);
  }

  async claimJob(id: string, lease: JobLease): Promise<{ job: Job; attempt: number } | undefined> {
    const row = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          lease_owner: lease.owner,
          lease_until: lease.until,
          updated_at: lease.now,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'queued'),
            eb.and([eb('status', '=', 'running'), eb('lease_until', '<', lease.now)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? { job: this.#job(row), attempt: row.attempts } : undefined;
  }

  async renewJobLeases(owner: string, until: string): Promise<number> {
    const result = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set({ lease_until: until })
        .where('lease_owner', '=', owner)
        .where('status', '=', 'running')
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows);
  }

  async listExpiredJobs(now: string, limit = 100): Promise<ExpiredJob[]> {
    const rows = await this.#guard(() =>
      this.#db
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'running')
        .where('lease_until', '<', now)
        .orderBy('lease_until')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => ({ job: this.#job(row), attempts: row.attempts }));
  }

  async endExpiredJob(id: string, update: JobUpdate & { status: JobStatus }): Promise<boolean> {
    const values = this.#jobUpdate(update);
    const result = await this.#guard(() =>
      this.#db
        .updateTable('jobs')
        .set({ ...values, lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('lease_until', '<', update.updatedAt)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
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
        .orderBy(this.#tieBreak, 'desc')
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
        if (this.#backend.isUniqueViolation(error))
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
          .$if(this.#backend.lockRowsInTransactions, (query) => query.forUpdate())
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
