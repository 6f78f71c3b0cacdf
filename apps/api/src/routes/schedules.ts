import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import { ScheduleList } from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

/** Read-only: schedules come from the server's `--schedule` flags and config file. */
export function registerScheduleRoutes(app: OpenAPIHono<ApiEnv>, deps: RouteDeps): void {
  const { scheduler, metrics, requireScope } = deps;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/schedules',
      tags: ['schedules'],
      summary: 'Audit schedules with their next and last run',
      description: `The schedules this server runs (\`--schedule\` and the config file's \`schedules\`), each with its selection and settings, its next run (persisted: it survives restarts and is shared by replicas) and its last run: the audit job it started and how it went, or why it was skipped. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      responses: {
        200: { description: 'Schedules', content: { 'application/json': { schema: ScheduleList } } },
        ...errorResponses(...AUTH_ERRORS, 503),
      },
    }),
    async (c) => c.json({ schedules: await scheduler.list(), scheduler: scheduler.status() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['health'],
      summary: 'Prometheus metrics',
      description: `Prometheus text exposition format: audits run (by trigger and outcome), accounts by status and findings by severity in the latest saved audit, AWS throttles, notification deliveries and failures, scheduler state. Never calls AWS. Scrapers send a bearer token: ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      responses: {
        200: {
          description: 'Metrics',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: z.string() } },
        },
        ...errorResponses(...AUTH_ERRORS),
      },
    }),
    async (c) => {
      const response = c.text(await metrics.render(), 200);
      // Prometheus's own media type (version=0.0.4), which c.text would make plain text/plain.
      response.headers.set('Content-Type', metrics.contentType);
      return response;
    },
  );
}
