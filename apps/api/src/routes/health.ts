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
  description: 'No authentication. Says nothing about AWS or the store.',
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

export function registerHealthRoutes(app: OpenAPIHono<ApiEnv>, { jobs }: RouteDeps): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyz, async (c) => {
    if (jobs.closing)
      return c.json({ status: 'not-ready' as const, checks: { server: 'shutting down' } }, 503);
    // A store that refused a write (full or read-only disk) still reads: not ready until a report is saved again.
    const fault = jobs.storeFault;
    if (fault) return c.json({ status: 'not-ready' as const, checks: storeChecks(fault) }, 503);
    try {
      await (await jobs.store()).listJobs({ limit: 1 });
      return c.json({ status: 'ready' as const, checks: { store: 'ok' } }, 200);
    } catch (error) {
      const checks = isCoreError(error)
        ? storeChecks(error)
        : { store: String((error as { code?: unknown }).code ?? 'INTERNAL') };
      return c.json({ status: 'not-ready' as const, checks }, 503);
    }
  });
}

/** The store's check: its error code and the real cause (the operating system's or SQLite's code). */
function storeChecks(error: CoreError): Record<string, string> {
  return { store: error.code, storeCause: storeCause(error) };
}
