import { type Kysely, type Selectable, sql } from 'kysely';
import { type ScheduleRunClaim, type ScheduleState, ScheduleStateSchema } from '../domain/schedule.js';
import type { SchedulesTable, StoreDatabase } from './schema.js';

/**
 * The schedule rows of the store, written with Kysely only (no dialect-specific SQL beyond
 * `ON CONFLICT … DO UPDATE … WHERE`, which SQLite and PostgreSQL both have), so every store shares them.
 */

function stateFromRow(row: Selectable<SchedulesTable>): ScheduleState {
  return ScheduleStateSchema.parse({
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    nextRunAt: row.next_run_at,
    lastDueAt: row.last_due_at,
    lastRunAt: row.last_run_at,
    lastJobId: row.last_job_id,
    lastOutcome: row.last_outcome,
    lastError: row.last_error === null ? null : JSON.parse(row.last_error),
    skippedRuns: Number(row.skipped_runs),
    updatedAt: row.updated_at,
  });
}

export async function listScheduleStates(db: Kysely<StoreDatabase>): Promise<ScheduleState[]> {
  const rows = await db.selectFrom('schedules').selectAll().orderBy('name').execute();
  return rows.map(stateFromRow);
}

/**
 * Creates a schedule's row, or resets its next run when its cron or time zone changed. A row whose
 * timing is unchanged is left alone: another replica may have just claimed its due run.
 */
export async function saveScheduleTiming(
  db: Kysely<StoreDatabase>,
  timing: { name: string; cron: string; timezone: string; nextRunAt: string; at: string },
): Promise<ScheduleState> {
  await db
    .insertInto('schedules')
    .values({
      name: timing.name,
      cron: timing.cron,
      timezone: timing.timezone,
      next_run_at: timing.nextRunAt,
      skipped_runs: 0,
      updated_at: timing.at,
    })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({
          cron: timing.cron,
          timezone: timing.timezone,
          next_run_at: timing.nextRunAt,
          updated_at: timing.at,
        })
        .where((eb) =>
          eb.or([
            eb('schedules.cron', '<>', sql<string>`excluded.cron`),
            eb('schedules.timezone', '<>', sql<string>`excluded.timezone`),
          ]),
        ),
    )
    .execute();
  const row = await db
    .selectFrom('schedules')
    .selectAll()
    .where('name', '=', timing.name)
    .executeTakeFirstOrThrow();
  return stateFromRow(row);
}

/**
 * Takes a schedule's due run: a compare-and-set on `next_run_at`, so of several schedulers (replicas,
 * or a restarted process) deciding on the same due time, exactly one gets true.
 */
export async function claimScheduleRun(
  db: Kysely<StoreDatabase>,
  name: string,
  claim: ScheduleRunClaim,
): Promise<boolean> {
  const result = await db
    .updateTable('schedules')
    .set((eb) => ({
      next_run_at: claim.nextRunAt,
      last_due_at: claim.dueAt,
      last_run_at: claim.at,
      last_outcome: claim.outcome,
      last_error: claim.error === null ? null : JSON.stringify(claim.error),
      ...(claim.jobId === null ? {} : { last_job_id: claim.jobId }),
      skipped_runs: claim.outcome === 'skipped' ? eb('skipped_runs', '+', 1) : eb.ref('skipped_runs'),
      updated_at: claim.at,
    }))
    .where('name', '=', name)
    .where('next_run_at', '=', claim.dueAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records that a claimed run's audit could not be queued (it keeps its claim: no retry, no double). */
export async function recordScheduleStartFailure(
  db: Kysely<StoreDatabase>,
  name: string,
  failure: { jobId: string; error: { code: string; message: string }; at: string },
): Promise<void> {
  await db
    .updateTable('schedules')
    .set({ last_outcome: 'not-started', last_error: JSON.stringify(failure.error), updated_at: failure.at })
    .where('name', '=', name)
    .where('last_job_id', '=', failure.jobId)
    .execute();
}
