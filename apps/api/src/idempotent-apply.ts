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

/** The route an Idempotency-Key is scoped to (with the token): keys of other routes never collide. */
const APPLY_ROUTE = 'POST /v1/plans/{id}/apply';

/**
 * `POST /v1/plans/{id}/apply` with an Idempotency-Key: the key, scoped to the caller's token and this
 * route, names an `apply` job in the store, created atomically before anything runs. A repeated key
 * replays the stored answer (result or error) and never calls the engine again; a concurrent repeat in
 * this process waits for the same apply, one on another replica polls the stored job until it ends
 * (then replays). Reusing a key for another plan is a 409, never another plan's answer
 * (draft-ietf-httpapi-idempotency-key-header §2.6: a key reused with a different request payload is an
 * error). The job's id is a digest, so the key itself is not stored. With replicas the job holds a lease
 * (renewed with the replica's audits), so a replica that dies mid-apply leaves it `interrupted`, not
 * running forever.
 */
export class IdempotentApply {
  readonly #engine: Engine;
  readonly #jobs: AuditJobs;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #inflight = new Map<string, { planId: string; run: Promise<ApplyOutcome> }>();

  constructor(options: { engine: Engine; jobs: AuditJobs; logger: Logger; now?: () => Date }) {
    this.#engine = options.engine;
    this.#jobs = options.jobs;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  /** Waits for applies in flight (they are never aborted halfway: the engine journals every action). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inflight.values()].map((entry) => entry.run));
  }

  /** `requestedBy` is the token's name: a key is one token's, and another token's same key is another key. */
  async apply(planId: string, key: string, requestedBy: string): Promise<ApplyOutcome> {
    const id = applyJobId(requestedBy, key);
    // Registered before the first await, so a concurrent repeat always finds it.
    const inflight = this.#inflight.get(id);
    if (inflight) {
      if (inflight.planId !== planId) throw usedForAnotherPlan();
      return { ...(await inflight.run), replayed: true };
    }
    const run = this.#claim(id, planId, requestedBy);
    this.#inflight.set(id, { planId, run });
    try {
      return await run;
    } finally {
      this.#inflight.delete(id);
    }
  }

  async #claim(id: string, planId: string, requestedBy: string): Promise<ApplyOutcome> {
    const store = await this.#jobs.store();
    const existing = await store.getJob(id);
    if (existing) {
      if ((existing.input as { planId?: unknown } | null)?.planId !== planId) throw usedForAnotherPlan();
      return this.#replayWhenEnded(existing);
    }
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
        if (!other) throw inUse();
        if ((other.input as { planId?: unknown } | null)?.planId !== planId) throw usedForAnotherPlan();
        return this.#replayWhenEnded(other);
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

/** The store id of the apply job behind a token's Idempotency-Key (a digest: the key is not stored). */
export function applyJobId(tokenName: string, key: string): string {
  return `apply-${createHash('sha256').update(`${tokenName}\n${APPLY_ROUTE}\n${key}`).digest('hex').slice(0, 40)}`;
}

function usedForAnotherPlan(): ApiError {
  return new ApiError(
    'IDEMPOTENCY_KEY_IN_USE',
    'This token already used this Idempotency-Key to apply another plan.',
    {
      field: 'Idempotency-Key',
      location: 'header',
      fix: 'Send a new, unique Idempotency-Key for each plan you apply.',
    },
  );
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
