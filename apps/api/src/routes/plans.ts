import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv, RouteDeps } from '../context.js';
import { ApplyResult, CreatePlanInput, IdempotencyKeyHeader, Plan, PlanIdParam } from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

const PlanParams = z.object({ id: PlanIdParam });

export function registerPlanRoutes(
  app: OpenAPIHono<ApiEnv>,
  { engine, applies, requireScope }: RouteDeps,
): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/plans',
      tags: ['plans'],
      summary: 'Plan one privileged root task (reads only)',
      description: `Observes the current state with read-only root sessions and saves a plan: its actions, the fingerprint of what it saw and when it expires. Nothing changes until a \`remediate\` token applies it. ${scopeNote('audit')}`,
      middleware: [requireScope('audit')] as const,
      security: security('audit'),
      request: { body: { required: true, content: { 'application/json': { schema: CreatePlanInput } } } },
      responses: {
        201: {
          description: 'The plan',
          headers: { Location: { schema: { type: 'string' } } },
          content: { 'application/json': { schema: Plan } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 409, 413, 415, 422, 502, 503),
      },
    }),
    async (c) => {
      const plan = await engine.createPlan(c.req.valid('json'), { signal: c.req.raw.signal });
      c.header('Location', `/v1/plans/${plan.planId}`);
      return c.json(plan, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/plans/{id}',
      tags: ['plans'],
      summary: 'A saved plan',
      description: scopeNote('read'),
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { params: PlanParams },
      responses: {
        200: { description: 'The plan', content: { 'application/json': { schema: Plan } } },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 503),
      },
    }),
    async (c) => c.json(await engine.getPlan(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/plans/{id}/apply',
      tags: ['plans'],
      summary: 'Apply a reviewed plan (destructive)',
      description: `Runs the plan's actions with the narrowest root task policies, journals each, and verifies by observing again; refuses an expired or stale plan (409). \`Idempotency-Key\` is required: repeating it replays the first answer (header \`Idempotent-Replayed: true\`) and never applies twice. ${scopeNote('remediate')}`,
      middleware: [requireScope('remediate')] as const,
      security: security('remediate'),
      request: { params: PlanParams, headers: z.object({ 'Idempotency-Key': IdempotencyKeyHeader }) },
      responses: {
        200: {
          description: 'What was done, verified',
          content: { 'application/json': { schema: ApplyResult } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 409, 422, 502, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const key = c.req.valid('header')['Idempotency-Key'];
      const outcome = await applies.apply(id, key, c.get('caller')?.name ?? 'unknown');
      if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(outcome.result, 200);
    },
  );
}
