import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
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
  description: 'No authentication. Never calls AWS (probes must not spend AWS quotas).',
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
    try {
      await (await jobs.store()).listJobs({ limit: 1 });
      return c.json(
        { status: 'ready' as const, checks: { store: 'ok' }, scheduler: scheduler.status() },
        200,
      );
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'INTERNAL';
      return c.json(
        { status: 'not-ready' as const, checks: { store: code }, scheduler: scheduler.status() },
        503,
      );
    }
  });
}
