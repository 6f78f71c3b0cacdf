import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import { Inventory, ListAccountsQuery, OrgStatus, PolicyCheck, PolicyCheckQuery } from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

export function registerOrganizationRoutes(
  app: OpenAPIHono<ApiEnv>,
  { engine, requireScope, readCache }: RouteDeps,
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/organization',
      tags: ['organization'],
      summary: 'Organization status and preflight',
      description: `Who the server is in AWS, the organization, trusted access, root features, delegated administrators, what it can do now and every problem with its fix. Answers are shared and reused for up to 30 s (AWS Organizations quotas). ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      responses: {
        200: { description: 'Status', content: { 'application/json': { schema: OrgStatus } } },
        ...errorResponses(...AUTH_ERRORS, 502, 503),
      },
    }),
    // Shared between callers, so no one caller's disconnect (signal) may cancel it.
    async (c) => c.json(await readCache('organization', () => engine.getOrgStatus()), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/accounts',
      tags: ['organization'],
      summary: 'Member account inventory',
      description: `Accounts of the organization (or under the given OUs), with OU paths; accounts an audit would skip say why. Answers are shared and reused for up to 30 s (AWS Organizations quotas). ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: ListAccountsQuery },
      responses: {
        200: { description: 'Inventory', content: { 'application/json': { schema: Inventory } } },
        ...errorResponses(400, ...AUTH_ERRORS, 409, 422, 502, 503),
      },
    }),
    async (c) => {
      const ous = [...new Set(c.req.valid('query').ou ?? [])].sort();
      return c.json(await readCache(`accounts:${ous.join(',')}`, () => engine.listAccounts({ ous })), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/policies/check',
      tags: ['organization'],
      summary: 'Predict what SCPs and RCPs will refuse in root sessions',
      description: `For each member account and root-session task: allowed, blocked (with the policy, where it is attached, the statement and a corrected statement) or cannot decide. Reads the policies and their targets, never one call per account; \`available: false\` names the permission the server lacks. Answers are shared and reused for up to 30 s (AWS Organizations quotas). ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: PolicyCheckQuery },
      responses: {
        200: { description: 'Policy check', content: { 'application/json': { schema: PolicyCheck } } },
        ...errorResponses(400, ...AUTH_ERRORS, 409, 422, 502, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const sorted = (values: string[] | undefined) => [...new Set(values ?? [])].sort();
      const tasks = sorted(query.task) as NonNullable<typeof query.task>;
      const accounts = sorted(query.account);
      const ous = sorted(query.ou);
      const key = `policies:${tasks.join(',')}:${accounts.join(',')}:${ous.join(',')}`;
      return c.json(
        await readCache(key, () =>
          engine.checkPolicies({ ...(tasks.length > 0 ? { tasks } : {}), accounts, ous }),
        ),
        200,
      );
    },
  );
}
