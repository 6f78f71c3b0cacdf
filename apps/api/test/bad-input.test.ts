import { request as httpRequest } from 'node:http';
import { CreatePlanInputSchema, type Engine, isCoreError, type Plan } from '@rootwarden/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_ERROR_STATUS } from '../src/errors.js';
import {
  countPlanCalls,
  createPlanThrough,
  type Fixture,
  mutations,
  noPlanCalls,
  serveFixture,
  startFixture,
  TOKENS,
} from './helpers.js';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; field?: string; location?: string };
}

/** How often the app reached the engine's plan methods (all real), and what `createPlan` answered each time. */
const calls = noPlanCalls();
const planned: Array<{ plan: Plan } | { error: unknown }> = [];

/**
 * Audits never run here (they wait until shutdown): this file is about what the routes accept. Plans are
 * the engine's own, observed by a spy that delegates to it.
 */
function parkedAudits(engine: Engine): Engine {
  const counted = countPlanCalls(engine, calls);
  return {
    ...counted,
    async createPlan(input, options) {
      try {
        const plan = await counted.createPlan(input, options);
        planned.push({ plan });
        return plan;
      } catch (error) {
        planned.push({ error });
        throw error;
      }
    },
    audit: (_input, options) =>
      new Promise((_resolve, reject) => {
        options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      }),
  };
}

let fixture: Fixture;
/** A real plan (delete every root credential of 111111111111), never applied here. */
let planId: string;
beforeAll(async () => {
  fixture = await startFixture({
    wrapEngine: parkedAudits,
    app: { maxQueuedAudits: 100_000, rateLimit: { perMinute: 0 } },
  });
  planId = (
    await createPlanThrough(fixture.request, { task: 'delete-root-credentials', accounts: ['111111111111'] })
  ).planId;
});
afterAll(() => fixture.close());

/** Bad input to the plan routes reaches no plan method of the engine, and AWS sees no change. */
function expectEngineUntouched(): void {
  expect(calls).toEqual({ createPlan: 1, getPlan: 0, applyPlan: 0 });
  expect(mutations(fixture.sandbox)).toEqual([]);
}

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fixture.request(path, { method: 'POST', body, headers });

async function expectInvalid(
  response: Response,
  field: string,
  location?: string,
  status = 400,
): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.field, text).toBe(field);
  if (location) expect(body.error.location, text).toBe(location);
  if (status !== 404) expect(body.error.message, text).toContain(field);
  return body;
}

describe('bad input gets a 4xx JSON error naming the field', () => {
  it('malformed JSON', async () => {
    const body = await expectInvalid(await post('/v1/audits', '{"accounts": ['), 'body', 'body');
    expect(body.error.code).toBe('INVALID_INPUT');
    await expectInvalid(await post('/v1/plans', 'not json'), 'body', 'body');
    expectEngineUntouched();
  });

  it('wrong types, bad values, unknown fields, a body that is not an object', async () => {
    await expectInvalid(await post('/v1/audits', '{"accounts":"111111111111"}'), 'accounts', 'body');
    await expectInvalid(await post('/v1/audits', '{"accounts":["111111111111","12"]}'), 'accounts[1]');
    await expectInvalid(await post('/v1/audits', '{"concurrency":"5"}'), 'concurrency');
    await expectInvalid(await post('/v1/audits', '{"concurrency":100000}'), 'concurrency');
    await expectInvalid(await post('/v1/audits', '{"ous":["ou-nope"]}'), 'ous[0]');
    await expectInvalid(await post('/v1/audits', '{"acounts":[]}'), 'acounts');
    await expectInvalid(await post('/v1/audits', '[]'), 'body');
    await expectInvalid(await post('/v1/audits', 'null'), 'body');
    await expectInvalid(await post('/v1/plans', '{"task":"delete-everything"}'), 'task');
    await expectInvalid(await post('/v1/plans', '{"task":"allow-password-recovery"}'), 'account');
    await expectInvalid(
      await post('/v1/plans', '{"task":"unlock-s3-bucket-policy","account":"111111111111","bucket":"UPPER"}'),
      'bucket',
    );
    await expectInvalid(await post('/v1/plans', ''), 'body');
    expectEngineUntouched();
  });

  it('bodies over the limit (413), with Content-Length or streamed', async () => {
    const big = JSON.stringify({ accounts: Array.from({ length: 6000 }, () => '111111111111') });
    expect(big.length).toBeGreaterThan(64 * 1024);
    const body = await expectInvalid(await post('/v1/audits', big), 'body', 'body', 413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked, with no Content-Length, over a real socket.
    const server = await serveFixture(fixture);
    try {
      const status = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          `${server.url}/v1/audits`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${TOKENS.audit}`,
              'content-type': 'application/json',
              'transfer-encoding': 'chunked',
            },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk) => {
              text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        for (let index = 0; index < 20; index += 1) request.write(big.slice(0, 8192));
        request.end();
      });
      expect(status.status).toBe(413);
      expect((JSON.parse(status.text) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await server.close();
    }
  });

  it('a body that is not JSON (415)', async () => {
    const response = await post('/v1/audits', 'accounts=111111111111', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const body = await expectInvalid(response, 'Content-Type', 'header', 415);
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown routes and methods (404 JSON)', async () => {
    for (const [method, path] of [
      ['GET', '/v2/audits'],
      ['GET', '/v1/audit'],
      ['DELETE', '/v1/audits'],
      ['PUT', `/v1/plans/${planId}`],
      ['DELETE', `/v1/plans/${planId}`],
      ['GET', `/v1/plans/${planId}/apply`],
      ['GET', '/v1/audits/3f2a9c4e/nope'],
    ] as const) {
      const response = await fixture.request(path, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toContain(path);
    }
    expectEngineUntouched();
  });

  it('invalid ids in the path, bad query parameters, a missing header', async () => {
    await expectInvalid(await fixture.request('/v1/audits/zz', { as: 'read' }), 'id', 'path');
    await expectInvalid(await fixture.request('/v1/audits/%20%27or%201%3D1', { as: 'read' }), 'id', 'path');
    await expectInvalid(
      await fixture.request(`/v1/audits/${'a'.repeat(40)}/report`, { as: 'read' }),
      'id',
      'path',
    );
    await expectInvalid(
      await fixture.request('/v1/audits/3f2a9c4e/events', { as: 'read' }),
      'id',
      undefined,
      404,
    );
    await expectInvalid(
      await fixture.request('/v1/audits/3f2a9c4e/diff/x', { as: 'read' }),
      'otherId',
      'path',
    );
    await expectInvalid(await fixture.request('/v1/plans/bad$id', { as: 'read' }), 'id', 'path');
    await expectInvalid(await fixture.request('/v1/audits?limit=abc', { as: 'read' }), 'limit', 'query');
    await expectInvalid(await fixture.request('/v1/audits?limit=0', { as: 'read' }), 'limit');
    await expectInvalid(
      await fixture.request('/v1/audits?organizationId=acme', { as: 'read' }),
      'organizationId',
      'query',
    );
    await expectInvalid(await fixture.request('/v1/audits?limt=5', { as: 'read' }), 'limt', 'query');
    await expectInvalid(await fixture.request('/v1/accounts?ou=nope', { as: 'read' }), 'ou[0]', 'query');
    await expectInvalid(
      await fixture.request('/v1/audits/3f2a9c4e/report?format=pdf', { as: 'read' }),
      'format',
      'query',
    );
    await expectInvalid(
      await fixture.request(`/v1/plans/${planId}/apply`, { method: 'POST' }),
      'Idempotency-Key',
      'header',
    );
    await expectInvalid(
      await fixture.request(`/v1/plans/${planId}/apply`, {
        method: 'POST',
        headers: { 'idempotency-key': 'x'.repeat(300) },
      }),
      'Idempotency-Key',
      'header',
    );
    await expectInvalid(
      await fixture.request(`/v1/plans/${planId.toUpperCase()}/apply`, {
        method: 'POST',
        headers: { 'idempotency-key': 'upper-case-id' },
      }),
      'id',
      'path',
    );
    expectEngineUntouched();
  });
});

describe('fuzzing the request schemas (fast-check)', () => {
  const accountId = fc.oneof(fc.stringMatching(/^\d{12}$/), fc.string(), fc.integer());
  const auditBody = fc.oneof(
    fc.record(
      {
        accounts: fc.oneof(fc.array(accountId, { maxLength: 3 }), fc.string(), fc.constant(null)),
        ous: fc.oneof(
          fc.array(fc.oneof(fc.stringMatching(/^ou-[a-z0-9]{4}-[a-z0-9]{8}$/), fc.string()), {
            maxLength: 2,
          }),
          fc.integer(),
        ),
        exclude: fc.array(accountId, { maxLength: 2 }),
        concurrency: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.string()),
        recentDays: fc.oneof(fc.integer({ min: -5, max: 4000 }), fc.boolean()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  );
  const planBody = fc.oneof(
    fc.record(
      {
        task: fc.oneof(
          fc.constantFrom(
            'delete-root-credentials',
            'allow-password-recovery',
            'unlock-s3-bucket-policy',
            'unlock-sqs-queue-policy',
            'enable-root-access',
          ),
          fc.string(),
        ),
        account: accountId,
        accounts: fc.array(accountId, { maxLength: 2 }),
        allExposed: fc.oneof(fc.boolean(), fc.string()),
        only: fc.array(fc.oneof(fc.constantFrom('password', 'access-keys', 'mfa'), fc.string()), {
          maxLength: 3,
        }),
        bucket: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,20}[a-z0-9]$/), fc.string()),
        queueUrl: fc.oneof(fc.constant('https://sqs.us-east-1.amazonaws.com/111111111111/q'), fc.string()),
        rootSessions: fc.oneof(fc.boolean(), fc.integer()),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  );

  const checkAnswer = async (response: Response, okStatus: number) => {
    const text = await response.text();
    if (response.status === okStatus) return;
    expect(response.status, text).toBe(400);
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.field, text).toMatch(/\S/);
    expect(body.error.message, text).toContain(body.error.field as string);
  };

  it('POST /v1/audits: any JSON body is 202 or a 400 naming a field, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(auditBody, async (body) => {
        await checkAnswer(await post('/v1/audits', JSON.stringify(body)), 202);
      }),
      { numRuns: 300 },
    );
  });

  /**
   * `POST /v1/plans` with a body: one the schema refuses is a 400 naming a field and never reaches the engine;
   * any other reaches the real engine once, and the answer is what it decided (201 with its plan, or its
   * error's status and code), never a 5xx.
   */
  const checkPlanAnswer = async (body: unknown) => {
    const json = JSON.stringify(body);
    const before = planned.length;
    const response = await post('/v1/plans', json);
    const text = await response.text();
    const reached = planned.slice(before);
    if (!CreatePlanInputSchema.safeParse(JSON.parse(json)).success) {
      expect(reached, text).toEqual([]);
      expect(response.status, text).toBe(400);
      const error = (JSON.parse(text) as ErrorBody).error;
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.field, text).toMatch(/\S/);
      expect(error.message, text).toContain(error.field as string);
      return response.status;
    }
    expect(reached, `${json} → ${text}`).toHaveLength(1);
    const [outcome] = reached;
    if (outcome && 'plan' in outcome) {
      expect(response.status, text).toBe(201);
      expect(JSON.parse(text)).toEqual(outcome.plan);
      expect(response.headers.get('location')).toBe(`/v1/plans/${outcome.plan.planId}`);
    } else {
      const thrown = outcome?.error;
      if (!isCoreError(thrown))
        throw new Error(`createPlan threw a non-CoreError for ${json}: ${String(thrown)}`);
      expect(response.status, text).toBe(CORE_ERROR_STATUS[thrown.code]);
      expect(response.status, text).toBeLessThan(500);
      expect((JSON.parse(text) as ErrorBody).error.code).toBe(thrown.code);
    }
    return response.status;
  };

  it('POST /v1/plans: any JSON body is a 400 naming a field, or what the real engine decided', async () => {
    await fc.assert(
      fc.asyncProperty(planBody, async (body) => {
        await checkPlanAnswer(body);
      }),
      { numRuns: 300 },
    );
    // Planning reads only.
    expect(mutations(fixture.sandbox)).toEqual([]);
  });

  it('POST /v1/plans: well-formed bodies reach the real engine once, and its answer is the API answer', async () => {
    const bodies: Array<[body: unknown, status: number]> = [
      [{ task: 'allow-password-recovery', account: '111111111111' }, 201],
      // The schema allows an empty list; the engine refuses it (nothing to clean), before any AWS call.
      [{ task: 'delete-root-credentials', accounts: [] }, 400],
      [{ task: 'allow-password-recovery', account: '999999999999' }, 422],
      [{ task: 'unlock-s3-bucket-policy', account: '555555555555', bucket: 'account5-locked-bucket' }, 409],
    ];
    for (const [body, status] of bodies)
      expect(await checkPlanAnswer(body), JSON.stringify(body)).toBe(status);
    expect(mutations(fixture.sandbox)).toEqual([]);
  });

  it('path ids and query strings: any text is answered with a 2xx/404 or a 400 naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.string({ maxLength: 20 }),
        async (id, value) => {
          for (const path of [
            `/v1/audits/${encodeURIComponent(id)}`,
            `/v1/audits/${encodeURIComponent(id)}/report?format=${encodeURIComponent(value)}`,
            `/v1/audits?limit=${encodeURIComponent(value)}`,
            `/v1/plans/${encodeURIComponent(id)}`,
          ]) {
            const response = await fixture.request(path, { as: 'read' });
            expect(response.status, path).toBeLessThan(500);
            const text = await response.text();
            if (response.status === 400) {
              const body = JSON.parse(text) as ErrorBody;
              expect(body.error.field, `${path} ${text}`).toMatch(/\S/);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
