import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import { ExceptionList, ExceptionListQuery } from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

/** Read-only: exceptions are added and removed by a person with `rootwarden exceptions`, reviewed in git, or both. */
export function registerExceptionRoutes(app: OpenAPIHono<ApiEnv>, { engine, requireScope }: RouteDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/exceptions',
      tags: ['exceptions'],
      summary: 'Accepted findings (exceptions with an owner and an expiry)',
      description: `The exceptions recorded in the server's store, expired ones included (reports say when one no longer applies); \`history=true\` adds who added and removed each, and when. Read-only: manage them with \`rootwarden exceptions\`. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: ExceptionListQuery },
      responses: {
        200: { description: 'Exceptions', content: { 'application/json': { schema: ExceptionList } } },
        ...errorResponses(400, ...AUTH_ERRORS, 503),
      },
    }),
    async (c) => {
      const { history } = c.req.valid('query');
      const exceptions = await engine.listExceptions();
      if (history !== 'true') return c.json({ exceptions }, 200);
      return c.json({ exceptions, events: await engine.listExceptionEvents() }, 200);
    },
  );
}
