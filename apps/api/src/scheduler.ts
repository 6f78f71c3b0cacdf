import { randomUUID } from 'node:crypto';
import {
  type AuditInput,
  decideScheduleTick,
  type Engine,
  initialNextRun,
  isCoreError,
  type JobStatus,
  type Schedule,
  type ScheduleState,
} from '@rootwarden/core';
import { type AuditJobs, describe } from './audit-jobs.js';
import type { Logger } from './logger.js';

/** How often the scheduler looks for due runs (a cron minute is the usual grain). */
const DEFAULT_SCHEDULER_TICK_MS = 15_000;

/**
 * Work the server does on every scheduler tick besides schedules (e.g. closing break-glass windows
 * whose time is up). A failing task is logged and shown in health; it never stops the scheduler.
 */
export interface PeriodicTask {
  name: string;
  run(now: Date): Promise<unknown>;
}

export type SchedulerState = 'disabled' | 'starting' | 'running' | 'stopped';

export interface SchedulerStatus {
  state: SchedulerState;
  schedules: number;
  /** The earliest next run of any schedule (ISO), null without schedules. */
  nextDueAt: string | null;
  lastTickAt: string | null;
  /** The most recent failure of a tick (a schedule, the store, a periodic task), kept with its time. */
  lastError: { code: string; message: string; at: string } | null;
  /** Failures since this process started. */
  errors: number;
}

export interface ScheduleView {
  name: string;
  cron: string;
  timezone: string;
  selection: { accounts: string[]; ous: string[]; exclude: string[] };
  settings: { concurrency: number; recentDays: number };
  nextRunAt: string | null;
  lastRun: {
    dueAt: string | null;
    at: string | null;
    outcome: ScheduleState['lastOutcome'];
    jobId: string | null;
    /** The last started audit job's status (queued, running, succeeded, failed, interrupted). */
    jobStatus: JobStatus | null;
    auditId: string | null;
    /** Why the last due run did not start (skipped: the previous run was still going; not queued). */
    error: { code: string; message: string } | null;
  } | null;
  skippedRuns: number;
}

export interface SchedulerOptions {
  engine: Engine;
  jobs: AuditJobs;
  schedules: readonly Schedule[];
  logger: Logger;
  now?: () => Date;
  tickMs?: number;
  periodicTasks?: readonly PeriodicTask[];
}

/** A claimed run whose audit job is still missing this long after the claim was lost with its process. */
const LOST_START_AFTER_MS = 5 * 60_000;

const SKIPPED_STILL_GOING = {
  code: 'PREVIOUS_RUN_STILL_GOING',
  message: "skipped: previous run still going (the schedule's last audit was still queued or running)",
};

function auditInputOf(schedule: Schedule): AuditInput {
  return {
    accounts: schedule.accounts,
    ous: schedule.ous,
    exclude: schedule.exclude,
    concurrency: schedule.concurrency,
    recentDays: schedule.recentDays,
  };
}

/**
 * Starts the configured schedules' audits through the normal audit-job path (the same jobs, events,
 * store and after-audit work as `POST /v1/audits`). Its state is in the store, so a restart or another
 * replica on the same store continues it: a due run is claimed with a compare-and-set on the schedule's
 * next run (`Store.claimScheduleRun`), once, whoever ticks first.
 */
export class Scheduler {
  readonly #engine: Engine;
  readonly #jobs: AuditJobs;
  readonly #schedules: readonly Schedule[];
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #tickMs: number;
  readonly #tasks: readonly PeriodicTask[];
  #state: SchedulerState;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #lastTickAt: string | null = null;
  #lastError: SchedulerStatus['lastError'] = null;
  #errors = 0;
  #nextRuns = new Map<string, string>();

  constructor(options: SchedulerOptions) {
    this.#engine = options.engine;
    this.#jobs = options.jobs;
    this.#schedules = options.schedules;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#tickMs = Math.max(10, options.tickMs ?? DEFAULT_SCHEDULER_TICK_MS);
    this.#tasks = options.periodicTasks ?? [];
    this.#state = this.#schedules.length === 0 && this.#tasks.length === 0 ? 'disabled' : 'starting';
  }

  get schedules(): readonly Schedule[] {
    return this.#schedules;
  }

  /**
   * Records each schedule's timing in the store (a schedule whose cron and time zone are unchanged keeps
   * its stored next run, even one in the past: it runs once now) and ticks every `tickMs` until stop().
   * With `loop: false` nothing ticks by itself (tests call tick() with their clock).
   */
  async start(options: { loop?: boolean } = {}): Promise<void> {
    if (this.#state === 'disabled') return;
    const store = await this.#engine.schedules();
    const states = new Map((await store.listScheduleStates()).map((state) => [state.name, state]));
    const now = this.#now();
    for (const schedule of this.#schedules) {
      const saved = await store.saveScheduleTiming({
        name: schedule.name,
        cron: schedule.cron,
        timezone: schedule.timezone,
        nextRunAt: initialNextRun(schedule, states.get(schedule.name), now),
        at: now.toISOString(),
      });
      this.#nextRuns.set(schedule.name, saved.nextRunAt);
    }
    this.#state = 'running';
    this.#logger.info(
      {
        schedules: this.#schedules.map((s) => ({
          name: s.name,
          cron: s.cron,
          timezone: s.timezone,
          nextRunAt: this.#nextRuns.get(s.name),
        })),
      },
      'scheduler started',
    );
    if (options.loop !== false) this.#schedule(0);
  }

  #schedule(delay: number): void {
    if (this.#state !== 'running') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.tick().finally(() => this.#schedule(this.#tickMs));
    }, delay);
  }

  /** One pass: start or skip every due run, then the periodic tasks. Never throws (errors go to status). */
  tick(): Promise<void> {
    if (this.#state !== 'running') return Promise.resolve();
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const now = this.#now();
    let failure: SchedulerStatus['lastError'] = null;
    const fail = (error: unknown) => {
      failure = { ...errorOf(error), at: now.toISOString() };
      this.#errors += 1;
    };
    try {
      const store = await this.#engine.schedules();
      const states = new Map((await store.listScheduleStates()).map((state) => [state.name, state]));
      for (const schedule of this.#schedules) {
        if (this.#state !== 'running') break;
        const state = states.get(schedule.name);
        if (!state) continue;
        try {
          await this.#tickSchedule(schedule, state, now);
        } catch (error) {
          fail(error);
          this.#logger.error(
            { schedule: schedule.name, err: describe(error) },
            'scheduler: a schedule failed',
          );
        }
      }
    } catch (error) {
      fail(error);
      this.#logger.error({ err: describe(error) }, 'scheduler: the tick failed');
    }
    for (const task of this.#tasks) {
      if (this.#state !== 'running') break;
      try {
        await task.run(now);
      } catch (error) {
        fail(error);
        this.#logger.error({ task: task.name, err: describe(error) }, 'scheduler: a periodic task failed');
      }
    }
    this.#lastTickAt = now.toISOString();
    if (failure) this.#lastError = failure;
  }

  async #tickSchedule(schedule: Schedule, state: ScheduleState, now: Date): Promise<void> {
    const lastJob = state.lastJobId ? await this.#jobs.get(state.lastJobId) : undefined;
    if (
      state.lastOutcome === 'started' &&
      state.lastJobId &&
      !lastJob &&
      now.getTime() - Date.parse(state.lastRunAt ?? state.updatedAt) > LOST_START_AFTER_MS
    )
      // A process claimed the run and stopped before its audit job was written: say so, do not rerun
      // it (the next run comes at its time; a rerun could double one another replica is starting).
      await (await this.#engine.schedules()).recordScheduleStartFailure(schedule.name, {
        jobId: state.lastJobId,
        error: {
          code: 'SERVER_STOPPED',
          message: 'The server stopped between taking this run and queuing its audit.',
        },
        at: now.toISOString(),
      });
    const decision = decideScheduleTick({
      schedule,
      now,
      nextRunAt: state.nextRunAt,
      lastJobStatus: lastJob?.job.status ?? null,
    });
    this.#nextRuns.set(schedule.name, decision.nextRunAt);
    if (decision.action === 'wait') return;
    const store = await this.#engine.schedules();
    const at = now.toISOString();
    if (decision.action === 'skip') {
      const claimed = await store.claimScheduleRun(schedule.name, {
        dueAt: decision.dueAt,
        nextRunAt: decision.nextRunAt,
        at,
        outcome: 'skipped',
        jobId: null,
        error: SKIPPED_STILL_GOING,
      });
      if (claimed)
        this.#logger.warn(
          {
            schedule: schedule.name,
            dueAt: decision.dueAt,
            stillGoing: state.lastJobId,
            nextRunAt: decision.nextRunAt,
          },
          'scheduled audit skipped: previous run still going',
        );
      return;
    }
    const jobId = randomUUID();
    const claimed = await store.claimScheduleRun(schedule.name, {
      dueAt: decision.dueAt,
      nextRunAt: decision.nextRunAt,
      at,
      outcome: 'started',
      jobId,
      error: null,
    });
    // Another replica (or an earlier tick) took this due run.
    if (!claimed) return;
    try {
      await this.#jobs.start(auditInputOf(schedule), `schedule:${schedule.name}`, { id: jobId });
      this.#logger.info(
        {
          schedule: schedule.name,
          jobId,
          dueAt: decision.dueAt,
          ...(decision.missedRuns > 0 ? { catchUpFor: decision.missedRuns + 1 } : {}),
          nextRunAt: decision.nextRunAt,
        },
        decision.missedRuns > 0
          ? 'scheduled audit started (one catch-up run for the missed ones)'
          : 'scheduled audit started',
      );
    } catch (error) {
      const reason = errorOf(error);
      await store.recordScheduleStartFailure(schedule.name, { jobId, error: reason, at });
      this.#logger.error(
        { schedule: schedule.name, jobId, err: describe(error) },
        'scheduled audit could not start',
      );
      throw error;
    }
  }

  /** Stops ticking and waits for a tick in progress (before the audit jobs shut down). */
  async stop(): Promise<void> {
    if (this.#state === 'disabled') return;
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  status(): SchedulerStatus {
    const next = [...this.#nextRuns.values()].sort()[0] ?? null;
    return {
      state: this.#state,
      schedules: this.#schedules.length,
      nextDueAt: next,
      lastTickAt: this.#lastTickAt,
      lastError: this.#lastError,
      errors: this.#errors,
    };
  }

  /** The configured schedules with their stored next and last run (GET /v1/schedules). */
  async list(): Promise<ScheduleView[]> {
    if (this.#schedules.length === 0) return [];
    const store = await this.#engine.schedules();
    const states = new Map((await store.listScheduleStates()).map((state) => [state.name, state]));
    return Promise.all(
      this.#schedules.map(async (schedule): Promise<ScheduleView> => {
        const state = states.get(schedule.name);
        const job = state?.lastJobId ? await this.#jobs.get(state.lastJobId) : undefined;
        return {
          name: schedule.name,
          cron: schedule.cron,
          timezone: schedule.timezone,
          selection: { accounts: schedule.accounts, ous: schedule.ous, exclude: schedule.exclude },
          settings: { concurrency: schedule.concurrency, recentDays: schedule.recentDays },
          nextRunAt: state?.nextRunAt ?? null,
          lastRun: state?.lastOutcome
            ? {
                dueAt: state.lastDueAt,
                at: state.lastRunAt,
                outcome: state.lastOutcome,
                jobId: state.lastJobId,
                jobStatus: job?.job.status ?? null,
                auditId: job?.job.auditId ?? null,
                error: state.lastError,
              }
            : null,
          skippedRuns: state?.skippedRuns ?? 0,
        };
      }),
    );
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  if (isCoreError(error)) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  };
}
