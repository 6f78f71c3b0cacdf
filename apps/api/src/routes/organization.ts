import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import { Inventory, ListAccountsQuery, OrgStatus } from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

export function registerOrganizationRoutes(
  app: OpenAPIHono<ApiEnv>,
  { engine, requireScope }: RouteDeps,
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/organization',
      tags: ['organization'],
      summary: 'Organization status and preflight',
      description: `Who the server is in AWS, the organization, trusted access, root features, delegated administrators, what it can do now and every problem with its fix. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      responses: {
        200: { description: 'Status', content: { 'application/json': { schema: OrgStatus } } },
        ...errorResponses(...AUTH_ERRORS, 502, 503),
      },
    }),
    async (c) => c.json(await engine.getOrgStatus({ signal: c.req.raw.signal }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/accounts',
      tags: ['organization'],
      summary: 'Member account inventory',
      description: `Accounts of the organization (or under the given OUs), with OU paths; accounts an audit would skip say why. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: ListAccountsQuery },
      responses: {
        200: { description: 'Inventory', content: { 'application/json': { schema: Inventory } } },
        ...errorResponses(400, ...AUTH_ERRORS, 409, 422, 502, 503),
      },
    }),
    async (c) => {
      const { ou } = c.req.valid('query');
      return c.json(await engine.listAccounts({ ous: ou ?? [] }, { signal: c.req.raw.signal }), 200);
    },
  );
}
