import { z } from 'zod';
import { AuditInputSchema } from './audit.js';
import { TimestampSchema } from './common.js';

/** A schedule's name: it keys the schedule's stored state, so renaming a schedule starts it afresh. */
export const ScheduleNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/**
 * One audit schedule of the API server (`--schedule CRON` or the config file's `schedules`): when
 * (`cron`, in `timezone`) and what (the audit's selection and settings, as for `POST /v1/audits`).
 */
export const ScheduleSchema = AuditInputSchema.extend({
  name: ScheduleNameSchema,
  /** Five fields (minute hour day-of-month month day-of-week), or six with seconds first; @daily etc. */
  cron: z.string().trim().min(1).max(200),
  /** An IANA time zone the cron fields are read in (default UTC). */
  timezone: z.string().min(1).max(64).default('UTC'),
});
export type ScheduleInput = z.input<typeof ScheduleSchema>;
export type Schedule = z.output<typeof ScheduleSchema>;

/** What happened the last time a schedule was due. */
const ScheduleOutcomeSchema = z.enum(['started', 'skipped', 'not-started']);
export type ScheduleOutcome = z.infer<typeof ScheduleOutcomeSchema>;

/**
 * A schedule's persisted state (one row per schedule name): when it runs next, and its last run. It
 * survives restarts and is shared by API replicas on one store; `claimScheduleRun` moves it on with a
 * compare-and-set on `nextRunAt`, so a due run is taken once.
 */
export const ScheduleStateSchema = z.object({
  name: ScheduleNameSchema,
  cron: z.string(),
  timezone: z.string(),
  nextRunAt: TimestampSchema,
  /** The last due time handled (run, skipped or failed to start), and when it was handled. */
  lastDueAt: TimestampSchema.nullable(),
  lastRunAt: TimestampSchema.nullable(),
  /** The audit job of the last run that started (kept when a later one is skipped). */
  lastJobId: z.string().nullable(),
  lastOutcome: ScheduleOutcomeSchema.nullable(),
  /** Why the last due run did not start (skipped, or the job could not be queued). */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  skippedRuns: z.number().int().min(0),
  updatedAt: TimestampSchema,
});
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

/** A due run taken by one scheduler: `dueAt` must still be the stored `nextRunAt` (compare-and-set). */
export interface ScheduleRunClaim {
  dueAt: string;
  nextRunAt: string;
  at: string;
  outcome: ScheduleOutcome;
  /** The audit job the run starts (`started`); null when skipped. */
  jobId: string | null;
  error: { code: string; message: string } | null;
}
