import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
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
  description: 'No authentication. Never calls AWS (probes must not spend AWS quotas).',
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
    try {
      await (await jobs.store()).listJobs({ limit: 1 });
      return c.json({ status: 'ready' as const, checks: { store: 'ok' } }, 200);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'INTERNAL';
      return c.json({ status: 'not-ready' as const, checks: { store: code } }, 503);
    }
  });
}
