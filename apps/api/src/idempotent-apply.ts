import { createHash } from 'node:crypto';
import { type ApplyResult, type CoreErrorCode, type Engine, isCoreError, type Job } from '@rootwarden/core';
import type { AuditJobs } from './audit-jobs.js';
import { describe } from './audit-jobs.js';
import { ApiError } from './errors.js';
import type { Logger } from './logger.js';

export interface ApplyOutcome {
  result: ApplyResult;
  /** True when this answer repeats the one given to an earlier request with the same key. */
  replayed: boolean;
}

/** How long a repeat of a key waits for the apply another replica is running before IDEMPOTENCY_KEY_IN_USE. */
const WAIT_FOR_OTHER_REPLICA_MS = 60_000;
const OTHER_REPLICA_POLL_MS = 500;

/**
 * `POST /v1/plans/{id}/apply` with an Idempotency-Key: the key (with the plan id) names an `apply` job in
 * the store, created atomically before anything runs. A repeated key replays the stored answer (result
 * or error) and never calls the engine again; a concurrent repeat in this process waits for the same
 * apply, one on another replica polls the stored job until it ends (then replays). The job's id is a
 * digest, so the key itself is not stored. With replicas the job holds a lease (renewed with the
 * replica's audits), so a replica that dies mid-apply leaves it `interrupted`, not running forever.
 */
export class IdempotentApply {
  readonly #engine: Engine;
  readonly #jobs: AuditJobs;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #inflight = new Map<string, Promise<ApplyOutcome>>();

  constructor(options: { engine: Engine; jobs: AuditJobs; logger: Logger; now?: () => Date }) {
    this.#engine = options.engine;
    this.#jobs = options.jobs;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  /** Waits for applies in flight (they are never aborted halfway: the engine journals every action). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inflight.values()]);
  }

  async apply(planId: string, key: string, requestedBy: string): Promise<ApplyOutcome> {
    const id = `apply-${createHash('sha256').update(`${planId}\n${key}`).digest('hex').slice(0, 40)}`;
    // Registered before the first await, so a concurrent repeat always finds it.
    const inflight = this.#inflight.get(id);
    if (inflight) return { ...(await inflight), replayed: true };
    const run = this.#claim(id, planId, requestedBy);
    this.#inflight.set(id, run);
    try {
      return await run;
    } finally {
      this.#inflight.delete(id);
    }
  }

  async #claim(id: string, planId: string, requestedBy: string): Promise<ApplyOutcome> {
    const store = await this.#jobs.store();
    const existing = await store.getJob(id);
    if (existing) return this.#replayWhenEnded(existing);
    if (this.#jobs.closing)
      throw new ApiError('SHUTTING_DOWN', 'The server is shutting down: no new applies.');
    const at = this.#now().toISOString();
    try {
      await store.createJob(
        {
          id,
          kind: 'apply',
          status: 'running',
          createdAt: at,
          updatedAt: at,
          input: { planId },
          auditId: null,
          error: null,
        },
        ...(this.#jobs.shared ? [this.#jobs.lease()] : []),
      );
    } catch (error) {
      // Another process created it between our read and our insert.
      if (isCoreError(error) && error.code === 'INVALID_INPUT') {
        const other = await store.getJob(id);
        if (other) return this.#replayWhenEnded(other);
        throw inUse();
      }
      throw error;
    }
    return this.#run(id, planId, requestedBy);
  }

  /** Replays a job's answer; with replicas, first waits (bounded) for one still running elsewhere. */
  async #replayWhenEnded(job: Job): Promise<ApplyOutcome> {
    if (job.status !== 'running' || !this.#jobs.shared) return replay(job);
    const store = await this.#jobs.store();
    const deadline = Date.now() + WAIT_FOR_OTHER_REPLICA_MS;
    let current: Job | undefined = job;
    while (current?.status === 'running' && Date.now() < deadline && !this.#jobs.closing) {
      await new Promise((resolve) => setTimeout(resolve, OTHER_REPLICA_POLL_MS));
      current = await store.getJob(job.id);
    }
    return replay(current ?? job);
  }

  /** With replicas, this replica records the outcome only while it holds the job's lease. */
  #fence(): { leaseOwner?: string } {
    return this.#jobs.shared ? { leaseOwner: this.#jobs.replicaId } : {};
  }

  async #run(id: string, planId: string, requestedBy: string): Promise<ApplyOutcome> {
    const store = await this.#jobs.store();
    this.#logger.info({ planId, jobId: id, requestedBy }, 'apply started');
    try {
      const result = await this.#engine.applyPlan(planId);
      await store.updateJob(id, {
        status: 'succeeded',
        result,
        updatedAt: this.#now().toISOString(),
        ...this.#fence(),
      });
      this.#logger.info({ planId, jobId: id, status: result.status }, 'apply finished');
      return { result, replayed: false };
    } catch (thrown) {
      const known = isCoreError(thrown) && thrown.code !== 'INTERNAL';
      if (!known)
        this.#logger.error({ planId, jobId: id, err: describe(thrown) }, 'apply failed unexpectedly');
      const error = known
        ? { code: thrown.code, message: thrown.message, ...(thrown.fix ? { fix: thrown.fix } : {}) }
        : { code: 'INTERNAL', message: 'The apply failed unexpectedly: see the server log.' };
      await store
        .updateJob(id, { status: 'failed', error, updatedAt: this.#now().toISOString(), ...this.#fence() })
        .catch((storeError: unknown) =>
          this.#logger.error({ jobId: id, err: describe(storeError) }, 'could not record a failed apply'),
        );
      throw thrown;
    }
  }
}

function inUse(): ApiError {
  return new ApiError('IDEMPOTENCY_KEY_IN_USE', 'An apply with this Idempotency-Key is still running.', {
    field: 'Idempotency-Key',
    location: 'header',
    fix: 'Wait for it, then repeat the request to get its answer.',
  });
}

function replay(job: Job): ApplyOutcome {
  if (job.status === 'succeeded' && job.result !== undefined)
    return { result: job.result as ApplyResult, replayed: true };
  if (job.status === 'failed' && job.error) {
    throw new ApiError(job.error.code as CoreErrorCode, job.error.message, {
      fix: job.error.fix,
      headers: { 'Idempotent-Replayed': 'true' },
    });
  }
  if (job.status === 'interrupted') {
    throw new ApiError(
      'IDEMPOTENCY_KEY_IN_USE',
      'The apply with this Idempotency-Key was interrupted (the server stopped).',
      {
        field: 'Idempotency-Key',
        location: 'header',
        fix: 'Check the plan (GET /v1/plans/{id}); to resume it, apply again with a new Idempotency-Key: finished actions are not repeated.',
      },
    );
  }
  throw inUse();
}
