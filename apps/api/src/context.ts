import type { Engine } from '@rootwarden/core';
import type { MiddlewareHandler } from 'hono';
import type { AuditJobs } from './audit-jobs.js';
import type { Caller, Scope } from './auth.js';
import type { IdempotentApply } from './idempotent-apply.js';
import type { Logger } from './logger.js';
import type { ApiMetrics } from './metrics.js';
import type { ReadCache } from './read-cache.js';
import type { Scheduler } from './scheduler.js';
import type { StreamSlots } from './stream-slots.js';

interface ApiVariables {
  requestId: string;
  /** Set by `requireScope` once the bearer token is known. */
  caller?: Caller;
}

export interface ApiEnv {
  Variables: ApiVariables;
}

/** What every route module gets from createApp. */
export interface RouteDeps {
  engine: Engine;
  jobs: AuditJobs;
  applies: IdempotentApply;
  logger: Logger;
  /** Shared, briefly kept answers of read-only AWS lookups (organization, accounts). */
  readCache: ReadCache;
  /** Caps on open event streams (per token and overall). */
  streams: StreamSlots;
  /** Audit schedules (GET /v1/schedules, health). */
  scheduler: Scheduler;
  metrics: ApiMetrics;
  requireScope(scope: Scope): MiddlewareHandler<ApiEnv>;
  version: string;
}
