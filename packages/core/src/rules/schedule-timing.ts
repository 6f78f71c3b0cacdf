import { Cron } from 'croner';
import { UsageError } from '../errors.js';
import type { JobStatus } from '../store/store.js';

/**
 * When schedules run. Pure: "now" is always a parameter (the scheduler's clock is injected), so the
 * rules are table-tested without waiting. Cron parsing and time zones are croner's
 * (https://github.com/Hexagon/croner): five fields, or six with seconds first, `@daily` & co.
 */

export interface ScheduleTiming {
  name: string;
  cron: string;
  timezone: string;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** croner's pattern for a schedule; a bad cron or time zone is a UsageError naming the schedule. */
function cronOf(schedule: ScheduleTiming): Cron {
  if (!isTimeZone(schedule.timezone))
    throw new UsageError(`Schedule "${schedule.name}": unknown time zone "${schedule.timezone}".`, {
      fix: 'Use an IANA time zone name such as UTC, Europe/Paris or America/New_York.',
      field: `schedules.${schedule.name}.timezone`,
    });
  try {
    return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  } catch (error) {
    throw new UsageError(
      `Schedule "${schedule.name}": "${schedule.cron}" is not a valid cron expression (${(error as Error).message.replace(/^CronPattern: /, '')}).`,
      {
        fix: 'Give five fields, minute hour day-of-month month day-of-week, e.g. "0 6 * * *" for 06:00 every day (or a nickname like @daily).',
        field: `schedules.${schedule.name}.cron`,
      },
    );
  }
}

/** Checks a schedule once at startup: its cron parses, its time zone exists and it ever runs. */
export function validateScheduleTiming(schedule: ScheduleTiming, now: Date): void {
  nextRunAfter(schedule, now);
}

/** The first run strictly after `after` (ISO). Throws a UsageError for a schedule that never runs. */
export function nextRunAfter(schedule: ScheduleTiming, after: Date): string {
  const next = cronOf(schedule).nextRun(after);
  if (!next)
    throw new UsageError(
      `Schedule "${schedule.name}": "${schedule.cron}" never runs after ${after.toISOString()}.`,
      {
        fix: 'Check the day-of-month and month fields (e.g. "0 6 31 2 *" asks for 31 February).',
        field: `schedules.${schedule.name}.cron`,
      },
    );
  return next.toISOString();
}

/** A schedule's stored timing, when it has a row. */
export interface StoredTiming {
  cron: string;
  timezone: string;
  nextRunAt: string;
}

/**
 * The next run a schedule starts with when the server starts: the stored one while the cron and time
 * zone are unchanged (a restart neither loses a due run nor adds one), else the first after `now`.
 */
export function initialNextRun(
  schedule: ScheduleTiming,
  stored: StoredTiming | undefined,
  now: Date,
): string {
  if (stored && stored.cron === schedule.cron && stored.timezone === schedule.timezone)
    return stored.nextRunAt;
  return nextRunAfter(schedule, now);
}

export type ScheduleTickDecision =
  /** Not due yet. */
  | { action: 'wait'; nextRunAt: string }
  /** Due: start an audit for `dueAt`, and run next at `nextRunAt`. */
  | { action: 'run'; dueAt: string; nextRunAt: string; missedRuns: number }
  /** Due, but the schedule's previous audit is still queued or running: record the skip, run next at `nextRunAt`. */
  | { action: 'skip'; dueAt: string; nextRunAt: string; reason: 'previous-run-still-going' };

const STILL_GOING: ReadonlySet<JobStatus> = new Set(['queued', 'running']);

/** At most this many missed runs are counted (for the log) after a long downtime. */
const MISSED_COUNT_LIMIT = 1000;

/**
 * What a scheduler tick does with one schedule. A run is due when its stored `nextRunAt` has come. The
 * next run is the first occurrence after `now`, not after the due time: however many runs a downtime
 * missed, they become one catch-up run. A due run while the schedule's previous audit still runs is
 * skipped (recorded), never queued behind it.
 */
export function decideScheduleTick(input: {
  schedule: ScheduleTiming;
  now: Date;
  nextRunAt: string;
  /** Status of the schedule's last audit job (null: none, or it is gone). */
  lastJobStatus: JobStatus | null;
}): ScheduleTickDecision {
  const { schedule, now, nextRunAt } = input;
  if (Date.parse(nextRunAt) > now.getTime()) return { action: 'wait', nextRunAt };
  const following = nextRunAfter(schedule, now);
  if (input.lastJobStatus !== null && STILL_GOING.has(input.lastJobStatus))
    return { action: 'skip', dueAt: nextRunAt, nextRunAt: following, reason: 'previous-run-still-going' };
  return {
    action: 'run',
    dueAt: nextRunAt,
    nextRunAt: following,
    missedRuns: countMissed(schedule, nextRunAt, now),
  };
}

/** Occurrences after the due one up to `now` that the catch-up run stands for (capped). */
function countMissed(schedule: ScheduleTiming, dueAt: string, now: Date): number {
  const cron = cronOf(schedule);
  let missed = 0;
  for (
    let at = cron.nextRun(new Date(dueAt));
    at && at <= now && missed < MISSED_COUNT_LIMIT;
    at = cron.nextRun(at)
  )
    missed += 1;
  return missed;
}
