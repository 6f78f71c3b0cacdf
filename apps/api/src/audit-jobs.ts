import { randomUUID } from 'node:crypto';
import {
  type AuditInput,
  type AuditReport,
  CoreError,
  type Engine,
  type EngineEvent,
  isCoreError,
  type Job,
  type JobStatus,
  type JobStore,
} from '@rootwarden/core';
import { ApiError } from './errors.js';
import type { Logger } from './logger.js';

export interface AuditJobsOptions {
  engine: Engine;
  logger: Logger;
  /** Audits run at once (default 2); the others wait, queued. Each audit also bounds its own AWS calls. */
  maxConcurrentAudits?: number;
  /** Audits waiting beyond the running ones before POST answers 503 QUEUE_FULL (default 20). */
  maxQueuedAudits?: number;
  now?: () => Date;
}

/** One server-sent event: `event` is its name, `data` its JSON. Never a credential (see toStreamEvent). */
export interface StreamEvent {
  id: number;
  event: 'status' | 'inventory' | 'progress' | 'throttled' | 'completed' | 'failed' | 'interrupted';
  data: Record<string, unknown>;
}

export interface AuditProgress {
  done: number;
  total: number | null;
}

export interface AuditJobView {
  id: string;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  input: unknown;
  progress: AuditProgress | null;
  error: Job['error'];
  auditId: string | null;
  report?: AuditReport;
}

interface LiveJob {
  job: Job;
  controller: AbortController;
  progress: AuditProgress;
  events: StreamEvent[];
  listeners: Set<(event: StreamEvent) => void>;
  /** Resolves once the job is recorded as ended. */
  finished: Promise<void>;
  settle: () => void;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted']);
/** Events kept per running job for late subscribers and `Last-Event-ID` resumption. */
const MAX_BUFFERED_EVENTS = 50_000;

/**
 * Audits started over HTTP: persisted as jobs in the engine's store, run in this process with bounded
 * parallelism, streamed as events. A job left queued or running by a process that died is marked
 * `interrupted` before this process touches any job, and is never re-run.
 */
export class AuditJobs {
  readonly #engine: Engine;
  readonly #logger: Logger;
  readonly #maxRunning: number;
  readonly #maxQueued: number;
  readonly #now: () => Date;
  readonly #live = new Map<string, LiveJob>();
  readonly #queue: LiveJob[] = [];
  #running = 0;
  #closing = false;
  #recovered: Promise<JobStore> | undefined;

  constructor(options: AuditJobsOptions) {
    this.#engine = options.engine;
    this.#logger = options.logger;
    this.#maxRunning = Math.max(1, options.maxConcurrentAudits ?? 2);
    this.#maxQueued = Math.max(0, options.maxQueuedAudits ?? 20);
    this.#now = options.now ?? (() => new Date());
  }

  /** The job store, once jobs a previous process left unfinished are marked interrupted (done once). */
  store(): Promise<JobStore> {
    this.#recovered ??= (async () => {
      const store = await this.#engine.jobs();
      const count = await store.interruptUnfinishedJobs(this.#now().toISOString());
      if (count > 0)
        this.#logger.warn({ interrupted: count }, 'marked jobs of a previous run as interrupted');
      return store;
    })();
    this.#recovered.catch(() => {
      this.#recovered = undefined;
    });
    return this.#recovered;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Persists a new audit job and queues it. `input` was parsed with AuditInputSchema. */
  async start(input: AuditInput, requestedBy: string): Promise<Job> {
    if (this.#closing) throw new ApiError('SHUTTING_DOWN', 'The server is shutting down: no new audits.');
    if (this.#queue.length >= this.#maxQueued)
      throw new ApiError('QUEUE_FULL', `${this.#queue.length} audits are already waiting: try again later.`);
    const store = await this.store();
    const at = this.#now().toISOString();
    const job: Job = {
      id: randomUUID(),
      kind: 'audit',
      status: 'queued',
      createdAt: at,
      updatedAt: at,
      input,
      auditId: null,
      error: null,
    };
    await store.createJob(job);
    // Promise.withResolvers needs Node 22.
    let settle: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const live: LiveJob = {
      job,
      controller: new AbortController(),
      progress: { done: 0, total: null },
      events: [],
      listeners: new Set(),
      finished,
      settle,
    };
    this.#live.set(job.id, live);
    this.#emit(live, 'status', { id: job.id, status: 'queued' });
    this.#logger.info({ jobId: job.id, requestedBy }, 'audit queued');
    this.#queue.push(live);
    this.#pump();
    return job;
  }

  #pump(): void {
    while (this.#running < this.#maxRunning && this.#queue.length > 0 && !this.#closing) {
      const next = this.#queue.shift() as LiveJob;
      this.#running += 1;
      void this.#run(next).finally(() => {
        this.#running -= 1;
        next.settle();
        this.#pump();
      });
    }
  }

  async #run(live: LiveJob): Promise<void> {
    const store = await this.store();
    const { id } = live.job;
    try {
      live.job = await store.updateJob(id, { status: 'running', updatedAt: this.#now().toISOString() });
      this.#emit(live, 'status', { id, status: 'running' });
      const report = await this.#engine.audit(live.job.input as AuditInput, {
        auditId: id,
        signal: live.controller.signal,
        onEvent: (event) => this.#onEngineEvent(live, event),
      });
      const status: JobStatus = report.complete ? 'succeeded' : 'interrupted';
      live.job = await store.updateJob(id, {
        status,
        auditId: report.auditId,
        updatedAt: this.#now().toISOString(),
      });
      live.progress = { done: report.summary.accounts, total: report.summary.accounts };
      this.#emit(live, report.complete ? 'completed' : 'interrupted', {
        id,
        status,
        auditId: report.auditId,
        complete: report.complete,
        summary: report.summary,
      });
      this.#logger.info({ jobId: id, status, summary: report.summary }, 'audit finished');
    } catch (thrown) {
      const interrupted = live.controller.signal.aborted;
      const error =
        isCoreError(thrown) && thrown.code !== 'INTERNAL'
          ? thrown.toJSON()
          : { code: 'INTERNAL', message: 'The audit failed unexpectedly: see the server log.' };
      if (!isCoreError(thrown) || thrown.code === 'INTERNAL')
        this.#logger.error({ jobId: id, err: describe(thrown) }, 'audit failed unexpectedly');
      const status: JobStatus = interrupted ? 'interrupted' : 'failed';
      const { details: _details, ...publicError } = error as { details?: unknown } & Job['error'] & object;
      try {
        live.job = await store.updateJob(id, {
          status,
          error: publicError as NonNullable<Job['error']>,
          updatedAt: this.#now().toISOString(),
        });
      } catch (storeError) {
        this.#logger.error(
          { jobId: id, err: describe(storeError) },
          'could not record the end of an audit job',
        );
      }
      this.#emit(live, interrupted ? 'interrupted' : 'failed', { id, status, error: publicError });
      this.#logger.warn({ jobId: id, status, code: error.code }, 'audit did not complete');
    } finally {
      this.#finish(live);
    }
  }

  #finish(live: LiveJob): void {
    this.#live.delete(live.job.id);
    live.listeners.clear();
  }

  #onEngineEvent(live: LiveJob, event: EngineEvent): void {
    switch (event.type) {
      case 'inventory-page':
        this.#emit(live, 'inventory', { listed: event.listed, done: false });
        return;
      case 'inventory-done':
        live.progress.total = event.total;
        this.#emit(live, 'inventory', { listed: event.total, done: true });
        return;
      case 'account-audited':
        live.progress.done = event.done;
        if (event.total !== null) live.progress.total = event.total;
        // Only what a progress display needs; the full per-account results are in the report.
        this.#emit(live, 'progress', {
          done: event.done,
          total: event.total,
          accountId: event.accountId,
          status: event.status,
        });
        return;
      case 'throttled':
        this.#emit(live, 'throttled', { operation: event.operation, concurrency: event.concurrency });
        return;
      default:
        return;
    }
  }

  #emit(live: LiveJob, event: StreamEvent['event'], data: Record<string, unknown>): void {
    const last = live.events.at(-1);
    const item: StreamEvent = { id: (last?.id ?? 0) + 1, event, data };
    live.events.push(item);
    if (live.events.length > MAX_BUFFERED_EVENTS)
      live.events.splice(0, live.events.length - MAX_BUFFERED_EVENTS);
    for (const listener of live.listeners) listener(item);
  }

  /** A job by exact id, with live progress while it runs, or undefined. */
  async get(id: string): Promise<{ job: Job; progress: AuditProgress | null } | undefined> {
    const live = this.#live.get(id);
    if (live) return { job: live.job, progress: { ...live.progress } };
    const job = await (await this.store()).getJob(id);
    if (job?.kind !== 'audit') return undefined;
    return { job, progress: null };
  }

  /** Recent audit jobs that have no complete report (queued, running, failed, interrupted). */
  async listUnreported(limit: number): Promise<{ job: Job; progress: AuditProgress | null }[]> {
    const store = await this.store();
    const jobs = await store.listJobs({ limit: Math.min(500, limit * 5) });
    return jobs
      .filter((job) => job.kind === 'audit' && job.status !== 'succeeded')
      .slice(0, limit)
      .map((job) => {
        const live = this.#live.get(job.id);
        return live ? { job: live.job, progress: { ...live.progress } } : { job, progress: null };
      });
  }

  /**
   * Streams a job's events after `afterId` to `write`, then follows it live until it ends. A job that
   * already ended gets one terminal event built from its stored state.
   */
  async follow(
    job: Job,
    afterId: number,
    write: (event: StreamEvent) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const live = this.#live.get(job.id);
    if (!live) {
      const stored = (await (await this.store()).getJob(job.id)) ?? job;
      await write(terminalEvent(stored, afterId));
      return;
    }
    const pending: StreamEvent[] = live.events.filter((event) => event.id > afterId);
    let wake: () => void = () => undefined;
    const listener = (event: StreamEvent) => {
      pending.push(event);
      wake();
    };
    live.listeners.add(listener);
    const ended = live.finished;
    try {
      for (;;) {
        while (pending.length > 0) {
          const event = pending.shift() as StreamEvent;
          await write(event);
          if (event.event === 'completed' || event.event === 'failed' || event.event === 'interrupted')
            return;
        }
        if (signal.aborted) return;
        const next = new Promise<'event' | 'end'>((resolve) => {
          wake = () => resolve('event');
          void ended.then(() => resolve('end'));
          signal.addEventListener('abort', () => resolve('end'), { once: true });
        });
        if ((await next) === 'end' && pending.length === 0) {
          if (signal.aborted) return;
          const stored = (await (await this.store()).getJob(job.id)) ?? live.job;
          await write(terminalEvent(stored, (live.events.at(-1)?.id ?? afterId) + 1));
          return;
        }
      }
    } finally {
      live.listeners.delete(listener);
    }
  }

  /**
   * Stops taking audits, marks queued ones interrupted, asks running ones to stop (the engine saves what
   * they finished, `complete: false`) and waits for them to be recorded.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const queued = this.#queue.splice(0);
    const store = this.#recovered ? await this.#recovered.catch(() => undefined) : undefined;
    for (const live of queued) {
      try {
        live.job = (await store?.updateJob(live.job.id, {
          status: 'interrupted',
          error: { code: 'ABORTED', message: 'The server shut down before this audit started.' },
          updatedAt: this.#now().toISOString(),
        })) ?? { ...live.job, status: 'interrupted' };
      } catch (error) {
        this.#logger.error(
          { jobId: live.job.id, err: describe(error) },
          'could not mark a queued audit interrupted',
        );
      }
      this.#emit(live, 'interrupted', { id: live.job.id, status: 'interrupted' });
      this.#finish(live);
      live.settle();
    }
    const running = [...this.#live.values()];
    for (const live of running)
      live.controller.abort(new CoreError('ABORTED', 'The server is shutting down.'));
    await Promise.all(running.map((live) => live.finished));
  }
}

function terminalEvent(job: Job, id: number): StreamEvent {
  const event: StreamEvent['event'] =
    job.status === 'succeeded'
      ? 'completed'
      : job.status === 'failed'
        ? 'failed'
        : job.status === 'interrupted'
          ? 'interrupted'
          : 'status';
  return {
    id,
    event,
    data: {
      id: job.id,
      status: job.status,
      auditId: job.auditId,
      ...(job.error ? { error: job.error } : {}),
    },
  };
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

/** An error for the log: name, message and stack only (never a cause chain that may hold AWS internals). */
export function describe(error: unknown): { name: string; message: string; stack?: string | undefined } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'NonError', message: String(error) };
}
