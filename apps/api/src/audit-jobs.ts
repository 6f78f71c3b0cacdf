import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type AuditInput,
  type AuditReport,
  CoreError,
  type Engine,
  type EngineEvent,
  isCoreError,
  type Job,
  type JobQueue,
  type JobStatus,
  type JobStore,
  type JobUpdate,
  type QueuedJobEvent,
  type RecoveredAudit,
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
  /**
   * Replicas on one PostgreSQL store: audits go through this queue (any replica runs any job) and their
   * events reach followers on every replica. Without it, audits run in this process (one server per store).
   */
  queue?: JobQueue;
  /** This replica's name in job leases (default `host:pid:random`). */
  replicaId?: string;
  /**
   * With a queue: how long a job's lease lasts, in seconds (default 30). The running replica renews it
   * every third of that; a job whose lease ran out (its replica died) is queued again by a live replica.
   */
  jobLeaseSeconds?: number;
  /** Told when a job this process ran ends and when AWS throttles one of its calls (the metrics). */
  observer?: AuditJobObserver;
}

/** Who started an audit job: a client over HTTP, or a schedule (`requestedBy` `schedule:NAME`). */
export type AuditTrigger = 'api' | 'schedule';

export interface AuditJobObserver {
  ended?(job: Job, trigger: AuditTrigger): void;
  throttled?(operation: string): void;
}

function triggerOf(requestedBy: string): AuditTrigger {
  return requestedBy.startsWith('schedule:') ? 'schedule' : 'api';
}

export type StreamEventName =
  | 'status'
  | 'inventory'
  | 'progress'
  | 'throttled'
  | 'completed'
  | 'failed'
  | 'interrupted';

/**
 * One server-sent event: `event` is its name, `data` its JSON, `frame` the event as it goes on the wire,
 * encoded once for every follower (200 followers must not cost 200 serialisations). Never a credential.
 */
export interface StreamEvent {
  id: number;
  event: StreamEventName;
  data: Record<string, unknown>;
  frame: Uint8Array;
}

const encoder = new TextEncoder();

/** The text/event-stream frame of one event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function streamEvent(id: number, event: StreamEventName, data: Record<string, unknown>): StreamEvent {
  // JSON.stringify never emits a raw line break, so the data is one `data:` line.
  return {
    id,
    event,
    data,
    frame: encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`),
  };
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
  /** Added to event ids: a retried job's events continue after those of earlier attempts. */
  eventOffset: number;
  trigger: AuditTrigger;
  controller: AbortController;
  progress: AuditProgress;
  /** Ids are consecutive: event `id` is at index `id - events[0].id`. */
  events: StreamEvent[];
  /** One wake-up per follower: a follower reads the shared `events` itself, from its own cursor. */
  followers: Set<() => void>;
  ended: boolean;
  /** Resolves once the job is recorded as ended. */
  finished: Promise<void>;
  /** The report of an audit whose save failed (the store is unusable): served from memory instead. */
  unsaved?: AuditReport;
  settle: () => void;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted']);
const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['completed', 'failed', 'interrupted']);
/** Attempts at an audit whose replicas died before it is recorded interrupted instead of retried. */
const MAX_AUDIT_ATTEMPTS = 3;
/** Event ids per attempt (a retried job's ids start after its earlier attempts'). */
const EVENT_IDS_PER_ATTEMPT = 10_000_000;
/** How often a follower on another replica than the runner checks the stored job (its runner may die). */
const REMOTE_FOLLOW_CHECK_MS = 2_000;
/** Events kept per running job for late subscribers and `Last-Event-ID` resumption. */
const MAX_BUFFERED_EVENTS = 50_000;
/**
 * How long a finished job's events stay for a follower that lost its connection near the end and
 * resumes with `Last-Event-ID` (EventSource retries after a few seconds), and how many jobs at most.
 */
const FINISHED_EVENTS_TTL_MS = 5 * 60_000;
const MAX_FINISHED_WITH_EVENTS = 16;
/**
 * Reports that could not be saved (full or read-only disk) stay in memory this long, the newest few,
 * so the client that started the audit still gets its report.
 */
const UNSAVED_REPORT_TTL_MS = 60 * 60_000;
const MAX_UNSAVED_REPORTS = 8;

/**
 * Audits started over HTTP: persisted as jobs in the engine's store, run with bounded parallelism,
 * streamed as events. Alone on a store (SQLite), audits run in this process and a job left queued or
 * running by a process that died is marked `interrupted` before this process touches any job. With a
 * queue (replicas on PostgreSQL), any replica runs any job under a renewed lease, events travel through
 * the queue, and a job whose replica died is run again by another (up to MAX_AUDIT_ATTEMPTS).
 */
export class AuditJobs {
  readonly #engine: Engine;
  readonly #logger: Logger;
  readonly #maxRunning: number;
  readonly #maxQueued: number;
  readonly #now: () => Date;
  readonly #observer: AuditJobObserver;
  readonly #live = new Map<string, LiveJob>();
  /** Jobs that just ended, with their events, for resuming followers (see FINISHED_EVENTS_TTL_MS). */
  readonly #recent = new Map<string, LiveJob>();
  /** Alone: audits waiting for a free slot in this process. */
  readonly #waiting: LiveJob[] = [];
  /** Finished jobs whose report could not be saved, by job id (see UNSAVED_REPORT_TTL_MS). */
  readonly #unsaved = new Map<string, LiveJob>();
  /** Why the store last failed to take a write (a report or a job's end); cleared by the next saved report. */
  #storeFault: CoreError | undefined;
  #running = 0;
  #closing = false;
  #recovered: Promise<JobStore> | undefined;
  readonly #queue: JobQueue | undefined;
  readonly #replicaId: string;
  readonly #leaseMs: number;
  #leaseTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Progress of jobs other replicas run, from their events. */
  readonly #remoteProgress = new Map<string, AuditProgress>();
  readonly #remoteListeners = new Map<string, Set<(event: StreamEvent) => void>>();

  constructor(options: AuditJobsOptions) {
    this.#engine = options.engine;
    this.#logger = options.logger;
    this.#maxRunning = Math.max(1, options.maxConcurrentAudits ?? 2);
    this.#maxQueued = Math.max(0, options.maxQueuedAudits ?? 20);
    this.#now = options.now ?? (() => new Date());
    this.#queue = options.queue;
    this.#replicaId = options.replicaId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leaseMs = Math.max(1, options.jobLeaseSeconds ?? 30) * 1000;
    this.#observer = options.observer ?? {};
  }

  /** The name this replica holds job leases under. */
  get replicaId(): string {
    return this.#replicaId;
  }

  /** With a queue: the lease a runner takes or renews now. */
  lease(): { owner: string; now: string; until: string } {
    const now = this.#now();
    return {
      owner: this.#replicaId,
      now: now.toISOString(),
      until: new Date(now.getTime() + this.#leaseMs).toISOString(),
    };
  }

  get shared(): boolean {
    return this.#queue !== undefined;
  }

  /**
   * The job store, ready (done once): alone, jobs a previous process left unfinished are marked
   * interrupted; with a queue, this replica starts its workers, its lease keeper and its event subscription.
   */
  store(): Promise<JobStore> {
    this.#recovered ??= (async () => {
      const store = await this.#engine.jobs();
      const queue = this.#queue;
      if (!queue) {
        const audits = await this.#recoverAudits(store);
        const count = await store.interruptUnfinishedJobs(this.#now().toISOString());
        if (audits + count > 0)
          this.#logger.warn({ interrupted: audits + count }, 'marked jobs of a previous run as interrupted');
        return store;
      }
      this.#unsubscribe = queue.subscribe((jobId, event) => this.#onRemoteEvent(jobId, event));
      await queue.work(this.#maxRunning, (jobId) => this.#runQueued(store, jobId));
      this.#leaseTimer = setInterval(() => void this.#keepLeases(store), Math.max(500, this.#leaseMs / 3));
      this.#leaseTimer.unref();
      await this.#keepLeases(store);
      return store;
    })();
    this.#recovered.catch(() => {
      this.#recovered = undefined;
    });
    return this.#recovered;
  }

  /**
   * Audits a previous process left queued or running: it died (crashed, killed, the machine stopped).
   * What they checkpointed becomes their partial report, and the job says how far it got and why it
   * stopped. One audit that cannot be recovered never blocks the others.
   */
  async #recoverAudits(store: JobStore): Promise<number> {
    const unfinished = [
      ...(await store.listJobs({ status: 'running', limit: 10_000 })),
      ...(await store.listJobs({ status: 'queued', limit: 10_000 })),
    ].filter((job) => job.kind === 'audit');
    for (const job of unfinished) {
      let recovered: RecoveredAudit | undefined;
      try {
        recovered = job.status === 'running' ? await this.#engine.recoverAudit(job.id) : undefined;
      } catch (error) {
        this.#logger.error({ jobId: job.id, err: describe(error) }, 'could not recover an audit checkpoint');
      }
      const done = recovered?.report.accounts.length ?? 0;
      const total = recovered?.listed ?? null;
      try {
        await store.updateJob(job.id, {
          status: 'interrupted',
          auditId: recovered?.report.auditId ?? null,
          error: {
            code: 'SERVER_STOPPED',
            message:
              job.status === 'queued'
                ? 'The API server stopped (it crashed or was killed) before this audit started.'
                : `The API server stopped (it crashed or was killed) while this audit ran: ${done}${total === null ? '' : ` of ${total}`} account(s) were done${done > 0 ? '; their results are in the partial report' : ''}.`,
            details: { done, total },
          },
          updatedAt: this.#now().toISOString(),
        });
      } catch (error) {
        this.#logger.error({ jobId: job.id, err: describe(error) }, 'could not mark an audit interrupted');
      }
    }
    return unfinished.length;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** The cause of the store's last failed write (SQLITE_FULL, EROFS, EACCES…), until a report is saved again. */
  get storeFault(): CoreError | undefined {
    return this.#storeFault;
  }

  /** The report of a finished audit that could not be saved, while it is kept in memory. */
  unsavedReport(id: string): AuditReport | undefined {
    return this.#unsaved.get(id)?.unsaved;
  }

  /**
   * Persists a new audit job and queues it. `input` was parsed with AuditInputSchema. A schedule gives
   * the job id it claimed its run with (`options.id`), so its stored state names the job.
   */
  async start(input: AuditInput, requestedBy: string, options: { id?: string } = {}): Promise<Job> {
    if (this.#closing) throw new ApiError('SHUTTING_DOWN', 'The server is shutting down: no new audits.');
    if (this.#waiting.length >= this.#maxQueued)
      throw new ApiError(
        'QUEUE_FULL',
        `${this.#waiting.length} audits are already waiting: try again later.`,
      );
    const store = await this.store();
    if (this.#queue) return this.#startShared(store, this.#queue, input, requestedBy, options.id);
    const at = this.#now().toISOString();
    const job: Job = {
      id: options.id ?? randomUUID(),
      kind: 'audit',
      status: 'queued',
      createdAt: at,
      updatedAt: at,
      input,
      auditId: null,
      error: null,
    };
    await store.createJob(job);
    const live = this.#track(job, 0, triggerOf(requestedBy));
    this.#emit(live, 'status', { id: job.id, status: 'queued' });
    this.#logger.info({ jobId: job.id, requestedBy }, 'audit queued');
    this.#waiting.push(live);
    this.#pump();
    return job;
  }

  #track(job: Job, eventOffset: number, trigger: AuditTrigger): LiveJob {
    // Promise.withResolvers needs Node 22.
    let settle: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const live: LiveJob = {
      job,
      eventOffset,
      trigger,
      controller: new AbortController(),
      progress: { done: 0, total: null },
      events: [],
      followers: new Set(),
      ended: false,
      finished,
      settle,
    };
    this.#live.set(job.id, live);
    return live;
  }

  async #startShared(
    store: JobStore,
    queue: JobQueue,
    input: AuditInput,
    requestedBy: string,
    id: string = randomUUID(),
  ): Promise<Job> {
    const waiting = await store.listJobs({ status: 'queued', limit: this.#maxQueued + 1 });
    if (waiting.length >= this.#maxQueued)
      throw new ApiError('QUEUE_FULL', `${waiting.length} audits are already waiting: try again later.`);
    const at = this.#now().toISOString();
    const job: Job = {
      id,
      kind: 'audit',
      status: 'queued',
      createdAt: at,
      updatedAt: at,
      input,
      auditId: null,
      error: null,
    };
    await store.createJob(job);
    await queue.enqueue(job.id, 0);
    this.#logger.info({ jobId: job.id, requestedBy, replica: this.#replicaId }, 'audit queued');
    return job;
  }

  /** A queued id reached this replica's worker: run it if this replica can take its lease. */
  async #runQueued(store: JobStore, jobId: string): Promise<void> {
    if (this.#closing) return;
    const claimed = await store.claimJob(jobId, this.lease()).catch((error: unknown) => {
      this.#logger.error({ jobId, err: describe(error) }, 'could not claim a queued audit');
      return undefined;
    });
    // Another replica holds it, or it already ended.
    if (!claimed) return;
    // The trigger is not stored with the job: a queued audit counts as an API one in this replica's metrics.
    const live = this.#track(claimed.job, (claimed.attempt - 1) * EVENT_IDS_PER_ATTEMPT, 'api');
    if (claimed.attempt > 1)
      this.#logger.warn({ jobId, attempt: claimed.attempt }, 'running an audit whose replica stopped');
    this.#running += 1;
    try {
      await this.#run(live);
    } finally {
      this.#running -= 1;
      live.settle();
    }
  }

  /** Renews this replica's leases; queues again (or ends) jobs whose replica stopped renewing. */
  async #keepLeases(store: JobStore): Promise<void> {
    const queue = this.#queue;
    if (!queue || this.#closing) return;
    try {
      const lease = this.lease();
      await store.renewJobLeases(this.#replicaId, lease.until);
      for (const { job, attempts } of await store.listExpiredJobs(lease.now)) {
        if (job.kind === 'audit' && attempts < MAX_AUDIT_ATTEMPTS) {
          this.#logger.warn({ jobId: job.id, attempts }, 'queuing again an audit whose replica stopped');
          await queue.enqueue(job.id, attempts);
          continue;
        }
        const error = {
          code: 'ABORTED',
          message:
            job.kind === 'audit'
              ? `The replicas running this audit stopped ${attempts} times: it was not retried again.`
              : 'The replica running this job stopped before it finished.',
        };
        if (await store.endExpiredJob(job.id, { status: 'interrupted', error, updatedAt: lease.now })) {
          this.#logger.warn(
            { jobId: job.id, kind: job.kind },
            'marked a job of a stopped replica interrupted',
          );
          if (job.kind === 'audit')
            await queue.publish(job.id, {
              id: attempts * EVENT_IDS_PER_ATTEMPT + 1,
              event: 'interrupted',
              data: { id: job.id, status: 'interrupted', auditId: job.auditId, error },
            });
        }
      }
    } catch (error) {
      this.#logger.error({ err: describe(error) }, 'could not renew or check job leases');
    }
  }

  #onRemoteEvent(jobId: string, queued: QueuedJobEvent): void {
    // This replica runs it: its followers already got the event.
    if (this.#live.has(jobId)) return;
    const event = streamEvent(queued.id, queued.event as StreamEventName, queued.data);
    if (event.event === 'progress' || event.event === 'inventory') {
      const progress = this.#remoteProgress.get(jobId) ?? { done: 0, total: null };
      if (event.event === 'progress') {
        progress.done = Number(event.data.done ?? progress.done);
        if (typeof event.data.total === 'number') progress.total = event.data.total;
      } else if (event.data.done === true && typeof event.data.listed === 'number')
        progress.total = event.data.listed;
      this.#remoteProgress.set(jobId, progress);
    }
    if (TERMINAL_EVENTS.has(event.event)) this.#remoteProgress.delete(jobId);
    for (const listener of this.#remoteListeners.get(jobId) ?? []) listener(event);
  }

  #pump(): void {
    while (this.#running < this.#maxRunning && this.#waiting.length > 0 && !this.#closing) {
      const next = this.#waiting.shift() as LiveJob;
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
    // With a queue, the job is `running` under this replica's lease since claimJob; every write of its
    // outcome checks the lease, so a replica that lost it never overwrites the new runner's outcome.
    const fence = this.#queue ? { leaseOwner: this.#replicaId } : {};
    try {
      if (!this.#queue)
        live.job = await store.updateJob(id, { status: 'running', updatedAt: this.#now().toISOString() });
      this.#emit(live, 'status', { id, status: 'running' });
      // A replica that died after saving the report but before recording it: the report stands.
      const saved = live.eventOffset > 0 ? await this.#savedReport(id) : undefined;
      let saveError: CoreError | undefined;
      const report =
        saved ??
        // A full or read-only disk never costs the report: it is kept in memory and the job names the cause.
        (await this.#audit(live, (error) => {
          saveError = error;
        }));
      const status: JobStatus = report.complete ? 'succeeded' : 'interrupted';
      const done = report.accounts.filter((account) => account.error?.code !== 'ABORTED').length;
      if (saveError) this.#keepUnsaved(live, report, saveError);
      else this.#storeFault = undefined;
      const stopped = report.complete
        ? undefined
        : stoppedError(live.controller.signal, done, report.summary.accounts);
      const error = saveError ? notSavedError(saveError, stopped) : stopped;
      await this.#record(store, live, {
        status,
        // The stored job may only name a saved audit (a foreign key); the one in memory names its report.
        auditId: saveError ? null : report.auditId,
        ...(error ? { error } : {}),
        updatedAt: this.#now().toISOString(),
        ...fence,
      });
      if (saveError) live.job = { ...live.job, auditId: report.auditId };
      live.progress = report.complete
        ? { done: report.summary.accounts, total: report.summary.accounts }
        : { done, total: live.progress.total ?? report.summary.accounts };
      this.#emit(live, report.complete ? 'completed' : 'interrupted', {
        id,
        status,
        auditId: report.auditId,
        complete: report.complete,
        summary: report.summary,
        ...(live.job.error ? { error: live.job.error } : {}),
      });
      this.#logger.info({ jobId: id, status, summary: report.summary }, 'audit finished');
      // The guard compares saved audits: a report the store could not keep has nothing to compare with.
      if (!saveError) await this.#guard(id, report, live.controller.signal);
    } catch (thrown) {
      if (this.#queue && isCoreError(thrown) && thrown.code === 'RESOURCE_NOT_FOUND') {
        // The lease went to another replica (this one stalled past it): that replica reports the outcome.
        this.#logger.warn({ jobId: id }, 'lost the lease of an audit to another replica');
        return;
      }
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
        await this.#record(store, live, {
          status,
          error: publicError as NonNullable<Job['error']>,
          updatedAt: this.#now().toISOString(),
          ...fence,
        });
      } catch (storeError) {
        // #record rethrows only a lost lease: another replica took the job over, its outcome stands.
        this.#logger.warn(
          { jobId: id, err: describe(storeError) },
          'lost the lease of an audit to another replica',
        );
        return;
      }
      this.#emit(live, interrupted ? 'interrupted' : 'failed', { id, status, error: publicError });
      this.#logger.warn({ jobId: id, status, code: error.code }, 'audit did not complete');
    } finally {
      this.#finish(live);
    }
  }

  async #audit(live: LiveJob, onSaveFailed: (error: CoreError) => void): Promise<AuditReport> {
    const { id } = live.job;
    try {
      return await this.#engine.audit(live.job.input as AuditInput, {
        auditId: id,
        checkpoint: true,
        signal: live.controller.signal,
        onEvent: (event) => this.#onEngineEvent(live, event),
        onSaveFailed,
      });
    } catch (error) {
      // A retry of a job whose earlier runner was slow, not dead: it saved the same audit meanwhile.
      // That report stands (the store refused a second copy: no account is ever saved twice).
      const retried = live.eventOffset > 0;
      if (
        retried &&
        isCoreError(error) &&
        error.code === 'INVALID_INPUT' &&
        error.details?.field === 'auditId'
      ) {
        const saved = await this.#savedReport(id);
        if (saved) return saved;
      }
      throw error;
    }
  }

  async #savedReport(id: string): Promise<AuditReport | undefined> {
    try {
      return await this.#engine.getAudit(id);
    } catch (error) {
      if (isCoreError(error) && error.code === 'AUDIT_NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * The guard after every audit job (started by a person or a schedule): new accounts audited and planned,
   * notifications decided and delivered (engine.guardAfterAudit). Its failure is logged and never changes
   * the audit's own result; a shutdown aborts its retries (undelivered notifications are sent again
   * after the next audit).
   */
  async #guard(jobId: string, report: AuditReport, signal: AbortSignal): Promise<void> {
    try {
      const result = await this.#engine.guardAfterAudit(report, { signal });
      if (result.notification)
        this.#logger.info(
          {
            jobId,
            notificationId: result.notification.id,
            events: result.notification.events.length,
            deliveries: result.deliveries.map((delivery) => `${delivery.channel}:${delivery.status}`),
            plans: result.plans,
          },
          'guard notified',
        );
      for (const problem of result.problems)
        this.#logger.warn({ jobId, ...problem }, 'guard could not audit or plan a new account');
    } catch (error) {
      this.#logger.error({ jobId, err: describe(error) }, 'the guard failed after an audit');
    }
  }

  /**
   * Records how a job ended. When the store refuses the write (full or read-only disk) the job still ends
   * in memory, where `get` finds it, and the cause is the store's fault for `/readyz`.
   */
  async #record(store: JobStore, live: LiveJob, update: JobUpdate & { leaseOwner?: string }): Promise<void> {
    try {
      live.job = await store.updateJob(live.job.id, update);
    } catch (storeError) {
      // Replicas: the lease went to another replica (this one stalled past it); that replica reports the
      // outcome, so the caller stops here instead of ending the job in memory.
      if (this.#queue && isCoreError(storeError) && storeError.code === 'RESOURCE_NOT_FOUND')
        throw storeError;
      if (isCoreError(storeError) && storeError.code.startsWith('STORE_')) this.#storeFault = storeError;
      this.#logger.error(
        { jobId: live.job.id, err: describe(storeError) },
        'could not record the end of an audit job',
      );
      live.job = { ...live.job, ...update };
    }
  }

  #keepUnsaved(live: LiveJob, report: AuditReport, error: CoreError): void {
    this.#storeFault = error;
    live.unsaved = report;
    this.#unsaved.set(live.job.id, live);
    for (const id of this.#unsaved.keys()) {
      if (this.#unsaved.size <= MAX_UNSAVED_REPORTS) break;
      this.#unsaved.delete(id);
    }
    setTimeout(() => {
      if (this.#unsaved.get(live.job.id) === live) this.#unsaved.delete(live.job.id);
    }, UNSAVED_REPORT_TTL_MS).unref();
    this.#logger.error(
      { jobId: live.job.id, code: error.code, cause: storeCause(error) },
      'the audit report could not be saved: kept in memory',
    );
  }

  #finish(live: LiveJob): void {
    this.#live.delete(live.job.id);
    try {
      this.#observer.ended?.(live.job, live.trigger);
    } catch (error) {
      this.#logger.error({ jobId: live.job.id, err: describe(error) }, 'a job observer failed');
    }
    live.ended = true;
    for (const wake of live.followers) wake();
    this.#recent.set(live.job.id, live);
    for (const id of this.#recent.keys()) {
      if (this.#recent.size <= MAX_FINISHED_WITH_EVENTS) break;
      this.#recent.delete(id);
    }
    setTimeout(() => {
      if (this.#recent.get(live.job.id) === live) this.#recent.delete(live.job.id);
    }, FINISHED_EVENTS_TTL_MS).unref();
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
        // What a progress display needs, and why an unknown account is unknown (the policy that refused
        // it, when the organization's policies explain it); the full per-account results are in the report.
        this.#emit(live, 'progress', {
          done: event.done,
          total: event.total,
          accountId: event.accountId,
          status: event.status,
          ...(event.error ? { error: event.error } : {}),
        });
        return;
      case 'throttled':
        this.#observer.throttled?.(event.operation);
        this.#emit(live, 'throttled', { operation: event.operation, concurrency: event.concurrency });
        return;
      default:
        return;
    }
  }

  #emit(live: LiveJob, event: StreamEventName, data: Record<string, unknown>): void {
    const last = live.events.at(-1);
    const item = streamEvent((last?.id ?? live.eventOffset) + 1, event, data);
    live.events.push(item);
    if (live.events.length > MAX_BUFFERED_EVENTS)
      live.events.splice(0, live.events.length - MAX_BUFFERED_EVENTS);
    for (const wake of live.followers) wake();
    // Followers connected to other replicas; failures are logged by the queue, never fail the audit.
    if (this.#queue) void this.#queue.publish(live.job.id, { id: item.id, event, data });
  }

  /** A job by exact id, with live progress while it runs, or undefined. */
  async get(id: string): Promise<{ job: Job; progress: AuditProgress | null } | undefined> {
    const live = this.#live.get(id);
    if (live) return { job: live.job, progress: { ...live.progress } };
    // Ended, but maybe only in memory: the store refused the job's last write.
    const unsaved = this.#unsaved.get(id);
    if (unsaved) return { job: unsaved.job, progress: null };
    const job = await (await this.store()).getJob(id);
    if (job?.kind !== 'audit') return undefined;
    const remote = isTerminal(job.status) ? undefined : this.#remoteProgress.get(id);
    return { job, progress: remote ? { ...remote } : null };
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
        if (live) return { job: live.job, progress: { ...live.progress } };
        const remote = isTerminal(job.status) ? undefined : this.#remoteProgress.get(job.id);
        return { job, progress: remote ? { ...remote } : null };
      });
  }

  /**
   * Streams a job's events after `afterId` to `write`, then follows it live until it ends. A job that
   * already ended gets its remaining events while they are kept (a follower resuming with
   * `Last-Event-ID`), otherwise one terminal event built from its stored state.
   *
   * Followers share the job's event buffer and each keeps only a cursor: an event costs one wake-up per
   * follower, and nothing is added to `signal` or to a shared promise per event (no listener leak).
   */
  async follow(
    job: Job,
    afterId: number,
    write: (event: StreamEvent) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    // A new follower of a finished job gets its final event only; one resuming gets what it missed.
    const live = this.#live.get(job.id) ?? (afterId > 0 ? this.#recent.get(job.id) : undefined);
    if (!live) {
      const stored = (await (await this.store()).getJob(job.id)) ?? job;
      if (this.#queue && !isTerminal(stored.status))
        return this.#followRemote(stored, afterId, write, signal);
      await write(terminalEvent(stored, afterId));
      return;
    }
    let cursor = afterId;
    let woken = false;
    let resume: () => void = () => undefined;
    const wake = () => {
      woken = true;
      resume();
    };
    live.followers.add(wake);
    signal.addEventListener('abort', wake, { once: true });
    try {
      for (;;) {
        woken = false;
        for (let next = eventAfter(live, cursor); next; next = eventAfter(live, cursor)) {
          if (signal.aborted) return;
          await write(next);
          cursor = next.id;
          if (TERMINAL_EVENTS.has(next.event)) return;
        }
        if (signal.aborted) return;
        if (live.ended) {
          const stored = (await (await this.store()).getJob(job.id)) ?? live.job;
          await write(terminalEvent(stored, Math.max(cursor, live.events.at(-1)?.id ?? 0)));
          return;
        }
        if (!woken)
          await new Promise<void>((resolve) => {
            resume = resolve;
          });
        resume = () => undefined;
      }
    } finally {
      live.followers.delete(wake);
      signal.removeEventListener('abort', wake);
    }
  }

  /**
   * Follows a job another replica runs (or will run): its events as they arrive through the queue, and
   * the stored job every few seconds, so a follower still ends when the running replica dies.
   */
  async #followRemote(
    job: Job,
    afterId: number,
    write: (event: StreamEvent) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const store = await this.store();
    const pending: StreamEvent[] = [];
    let wake: () => void = () => undefined;
    const listener = (event: StreamEvent) => {
      pending.push(event);
      wake();
    };
    const listeners = this.#remoteListeners.get(job.id) ?? new Set();
    listeners.add(listener);
    this.#remoteListeners.set(job.id, listeners);
    let lastId = afterId;
    try {
      await write(streamEvent(afterId, 'status', { id: job.id, status: job.status }));
      for (;;) {
        while (pending.length > 0) {
          const event = pending.shift() as StreamEvent;
          if (event.id <= lastId && !TERMINAL_EVENTS.has(event.event)) continue;
          lastId = Math.max(lastId, event.id);
          await write(event);
          if (TERMINAL_EVENTS.has(event.event)) return;
        }
        if (signal.aborted) return;
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), REMOTE_FOLLOW_CHECK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve(true);
            },
            { once: true },
          );
        });
        if (!woke && pending.length === 0) {
          const stored = await store.getJob(job.id);
          if (stored && isTerminal(stored.status)) {
            await write(terminalEvent(stored, lastId + 1));
            return;
          }
        }
      }
    } finally {
      listeners.delete(listener);
      if (listeners.size === 0) this.#remoteListeners.delete(job.id);
    }
  }

  /**
   * Stops taking audits, marks queued ones interrupted, asks running ones to stop (the engine saves what
   * they finished, `complete: false`) and waits for them to be recorded.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#leaseTimer) clearInterval(this.#leaseTimer);
    this.#unsubscribe?.();
    const queued = this.#waiting.splice(0);
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
      this.#emit(live, 'interrupted', {
        id: live.job.id,
        status: 'interrupted',
        ...(live.job.error ? { error: live.job.error } : {}),
      });
      this.#finish(live);
      live.settle();
    }
    const running = [...this.#live.values()];
    for (const live of running)
      live.controller.abort(new CoreError('ABORTED', 'The server is shutting down.'));
    await Promise.all(running.map((live) => live.finished));
    await this.#queue?.close();
  }
}

/** The first kept event after `cursor` (the oldest kept one when the buffer dropped those in between). */
function eventAfter(live: LiveJob, cursor: number): StreamEvent | undefined {
  const first = live.events[0];
  if (!first) return undefined;
  return live.events[Math.max(0, cursor + 1 - first.id)];
}

/** Why an audit that returned a partial report stopped (the reason its signal was aborted with). */
function stoppedError(signal: AbortSignal, done: number, total: number): NonNullable<Job['error']> {
  const reason = isCoreError(signal.reason) ? signal.reason.message : 'The audit was cancelled.';
  return {
    code: 'ABORTED',
    message: `${reason} ${done} of ${total} account(s) were done; their results are in the partial report.`,
    details: { done, total },
  };
}

/** The job's error for a report that was not saved: the store's code and its real cause, and how to go on. */
function notSavedError(
  error: CoreError,
  stopped: NonNullable<Job['error']> | undefined,
): NonNullable<Job['error']> {
  const cause = storeCause(error);
  return {
    code: error.code,
    message: `The report was not saved to the history (${cause}): ${error.message} It is kept in memory for ${UNSAVED_REPORT_TTL_MS / 60_000} minutes: fetch it now.${stopped ? ` ${stopped.message}` : ''}`,
    ...(error.fix ? { fix: error.fix } : {}),
    details: { cause, ...(stopped?.details ?? {}) },
  };
}

/** The operating system's or SQLite's own code for a store failure (EROFS, EACCES, SQLITE_FULL…). */
export function storeCause(error: CoreError): string {
  const details = (error.details ?? {}) as { osCode?: unknown; sqliteCode?: unknown };
  const cause = details.osCode ?? details.sqliteCode;
  return typeof cause === 'string' && cause !== '' ? cause : error.code;
}

/** The one event a follower gets for a job that ended: its id follows `afterId`. */
function terminalEvent(job: Job, afterId: number): StreamEvent {
  const event: StreamEventName =
    job.status === 'succeeded'
      ? 'completed'
      : job.status === 'failed'
        ? 'failed'
        : job.status === 'interrupted'
          ? 'interrupted'
          : 'status';
  return streamEvent(afterId + 1, event, {
    id: job.id,
    status: job.status,
    auditId: job.auditId,
    ...(job.error ? { error: job.error } : {}),
  });
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

/** An error for the log: name, message and stack only (never a cause chain that may hold AWS internals). */
export function describe(error: unknown): { name: string; message: string; stack?: string | undefined } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'NonError', message: String(error) };
}
