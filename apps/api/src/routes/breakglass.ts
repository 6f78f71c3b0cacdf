import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import {
  BreakglassAccountParams,
  BreakglassListQuery,
  BreakglassOpened,
  BreakglassWindowList,
  ClosedBreakglassWindows,
  OpenBreakglassInput,
} from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

/**
 * Time-boxed break-glass: open a window (the allow-password-recovery plan plus who, why, until), list
 * windows, close one (prepares, never applies, the plan that deletes the recovered credentials). Opening
 * and closing are decisions about root access: `remediate` tokens only. Who: the token's name.
 */
export function registerBreakglassRoutes(
  app: OpenAPIHono<ApiEnv>,
  { engine, requireScope }: RouteDeps,
): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/breakglass',
      tags: ['breakglass'],
      summary: 'Open a time-boxed break-glass window (plans password recovery; applies nothing)',
      description: `Plans allow-password-recovery for the account (reads only) and records the window: the token's name and the AWS principal (who), \`ticket\` (why), when and until (\`for\`: 90m, 4h, 1d; at most 72h). Audits report it as \`BREAKGLASS_WINDOW_OPEN\` until it is closed; its end closes it at the scheduler's next tick. Apply the returned plan with \`POST /v1/plans/{id}/apply\`. ${scopeNote('remediate')}`,
      middleware: [requireScope('remediate')] as const,
      security: security('remediate'),
      request: { body: { required: true, content: { 'application/json': { schema: OpenBreakglassInput } } } },
      responses: {
        201: {
          description: 'The plan and the window',
          headers: { Location: { schema: { type: 'string' } } },
          content: { 'application/json': { schema: BreakglassOpened } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 409, 413, 415, 422, 502, 503),
      },
    }),
    async (c) => {
      const opened = await engine.openBreakglass(c.req.valid('json'), c.get('caller')?.name ?? 'unknown', {
        signal: c.req.raw.signal,
      });
      c.header('Location', `/v1/plans/${opened.plan.planId}`);
      return c.json(opened, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/breakglass',
      tags: ['breakglass'],
      summary: 'Break-glass windows (open and closed)',
      description: `Every window, oldest first: who opened it, why (the ticket), when, until when, and who closed it when, with the cleanup plan it prepared. Never calls AWS. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: BreakglassListQuery },
      responses: {
        200: { description: 'Windows', content: { 'application/json': { schema: BreakglassWindowList } } },
        ...errorResponses(400, ...AUTH_ERRORS, 503),
      },
    }),
    async (c) => {
      const { open } = c.req.valid('query');
      const windows = await engine.listBreakglassWindows(open === undefined ? {} : { open: open === 'true' });
      return c.json({ windows }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/breakglass/{accountId}/close',
      tags: ['breakglass'],
      summary: 'Close the open break-glass window of an account (prepares the cleanup plan; applies nothing)',
      description: `Records who closed it (the token's name) and when, prepares the delete-root-credentials plan for the recovered credentials (\`cleanupPlanId\`; a person applies it) and notifies the configured channels. 400 \`INVALID_INPUT\` when no window is open on the account. ${scopeNote('remediate')}`,
      middleware: [requireScope('remediate')] as const,
      security: security('remediate'),
      request: { params: BreakglassAccountParams },
      responses: {
        200: {
          description: 'The windows closed, with their notification deliveries',
          content: { 'application/json': { schema: ClosedBreakglassWindows } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 502, 503),
      },
    }),
    async (c) => {
      const windows = await engine.closeBreakglass(
        c.req.valid('param').accountId,
        c.get('caller')?.name ?? 'unknown',
        { signal: c.req.raw.signal },
      );
      return c.json({ windows }, 200);
    },
  );
}
