import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { type CoreError, isCoreError } from '@rootwarden/core';
import { storeCause } from '../audit-jobs.js';
import type { ApiEnv, RouteDeps } from '../context.js';
import { Health, Readiness } from '../schemas.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  description: 'No authentication. Says nothing about AWS or the store; shows the audit scheduler’s state.',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Health } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: the job store is usable and the server is not shutting down',
  description:
    'No authentication. Never calls AWS (probes must not spend AWS quotas). Not ready (`checks.store` the error code, `checks.storeCause` the real cause, e.g. `SQLITE_FULL`, `EROFS`, `EACCES`) when the store cannot be read, or refused to save a report, until a report is saved again.',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Readiness } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: Readiness } } },
  },
});

export function registerHealthRoutes(app: OpenAPIHono<ApiEnv>, { jobs, scheduler }: RouteDeps): void {
  // The scheduler's state is shown, not judged: a failed tick is retried by the next one, and a store
  // that cannot be read already makes /readyz fail.
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const, scheduler: scheduler.status() }, 200));
  app.openapi(readyz, async (c) => {
    if (jobs.closing)
      return c.json(
        { status: 'not-ready' as const, checks: { server: 'shutting down' }, scheduler: scheduler.status() },
        503,
      );
    // A store that refused a write (full or read-only disk) still reads: not ready until a report is saved again.
    const fault = jobs.storeFault;
    if (fault)
      return c.json(
        { status: 'not-ready' as const, checks: storeChecks(fault), scheduler: scheduler.status() },
        503,
      );
    try {
      await (await jobs.store()).listJobs({ limit: 1 });
      return c.json(
        { status: 'ready' as const, checks: { store: 'ok' }, scheduler: scheduler.status() },
        200,
      );
    } catch (error) {
      const checks = isCoreError(error)
        ? storeChecks(error)
        : { store: String((error as { code?: unknown }).code ?? 'INTERNAL') };
      return c.json({ status: 'not-ready' as const, checks, scheduler: scheduler.status() }, 503);
    }
  });
}

/** The store's check: its error code and the real cause (the operating system's or SQLite's code). */
function storeChecks(error: CoreError): Record<string, string> {
  return { store: error.code, storeCause: storeCause(error) };
}
