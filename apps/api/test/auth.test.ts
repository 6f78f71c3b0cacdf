import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, hashToken, SCOPES, type Scope } from '../src/auth.js';
import {
  BLOG_DELETES,
  type Client,
  clientFor,
  countPlanCalls,
  createPlanThrough,
  type Fixture,
  mutations,
  noPlanCalls,
  type PlanCalls,
  startFixture,
  TOKENS,
  TRANSPORTS,
  WRONG_TOKEN,
  waitForAudit,
} from './helpers.js';

interface Operation {
  method: string;
  path: string;
  scope: Scope | null;
}

/** The engine's plan method each plan route calls. */
const PLAN_METHOD: Record<string, keyof PlanCalls> = {
  'post /v1/plans': 'createPlan',
  'get /v1/plans/{id}': 'getPlan',
  'post /v1/plans/{id}/apply': 'applyPlan',
};

/**
 * A request per route that succeeds with the right scope. Plan routes name a real plan that deletes every
 * root credential of 111111111111: a refused request that reached it anyway would show in the call log.
 */
function sampleRequest(
  operation: Operation,
  ids: { auditId: string; planId: string },
): { path: string; init: RequestInit; ok: number } {
  const path = operation.path
    .replace('{id}', operation.path.startsWith('/v1/plans') ? ids.planId : ids.auditId)
    .replace('{otherId}', ids.auditId)
    .replace('{accountId}', '111111111111');
  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    method: operation.method.toUpperCase(),
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  switch (`${operation.method} ${operation.path}`) {
    case 'post /v1/audits':
      return { path, init: json({ accounts: ['111111111111'] }), ok: 202 };
    case 'post /v1/plans':
      return { path, init: json({ task: 'allow-password-recovery', account: '111111111111' }), ok: 201 };
    // Opening records a window on 111111111111 (its plan only reads); the close below closes it.
    case 'post /v1/breakglass':
      return { path, init: json({ account: '111111111111', for: '1h', ticket: 'AUTH-MATRIX' }), ok: 201 };
    case 'post /v1/breakglass/{accountId}/close':
      return { path, init: { method: 'POST' }, ok: 200 };
    case 'post /v1/plans/{id}/apply':
      return {
        path,
        init: { method: 'POST', headers: { 'idempotency-key': `auth-matrix-${Math.random()}` } },
        ok: 200,
      };
    default:
      if (operation.method !== 'get')
        throw new Error(`no sample request for ${operation.method} ${operation.path}`);
      return { path, init: {}, ok: 200 };
  }
}

describe.each(TRANSPORTS)('the auth matrix, for every route of the OpenAPI document, via %s', (transport) => {
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };
  let operations: Operation[];
  let ids: { auditId: string; planId: string };
  const calls = noPlanCalls();
  const request: Client = (path, init) => client.request(path, init);
  /** What the engine's plan methods and AWS saw so far. */
  const seen = () => ({ calls: { ...calls }, mutations: mutations(fixture.sandbox) });

  beforeAll(async () => {
    fixture = await startFixture({ wrapEngine: (engine) => countPlanCalls(engine, calls) });
    client = await clientFor(fixture, transport);
    const document = (await (await fixture.api.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        method,
        path,
        scope: (operation.security?.[0]?.bearer?.[0] as Scope | undefined) ?? null,
      })),
    );
    const started = await fixture.request('/v1/audits', { method: 'POST', as: 'audit' });
    const auditId = ((await started.json()) as { id: string }).id;
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), auditId);
    const plan = await createPlanThrough(fixture.request, {
      task: 'delete-root-credentials',
      accounts: ['111111111111'],
    });
    expect(plan.actions).toHaveLength(BLOG_DELETES.length);
    ids = { auditId, planId: plan.planId };
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  it('lists every product route with the scope it needs', () => {
    expect(
      operations.map(
        (operation) => `${operation.method.toUpperCase()} ${operation.path} ${operation.scope ?? 'public'}`,
      ),
    ).toEqual([
      'GET /healthz public',
      'GET /readyz public',
      'GET /v1/organization read',
      'GET /v1/accounts read',
      'GET /v1/policies/check read',
      'POST /v1/audits audit',
      'GET /v1/audits read',
      'GET /v1/audits/{id} read',
      'GET /v1/audits/{id}/report read',
      'GET /v1/audits/{id}/events read',
      'GET /v1/audits/{id}/diff/{otherId} read',
      'POST /v1/plans audit',
      'GET /v1/plans/{id} read',
      'POST /v1/plans/{id}/apply remediate',
      'GET /v1/exceptions read',
      'POST /v1/breakglass remediate',
      'GET /v1/breakglass read',
      'POST /v1/breakglass/{accountId}/close remediate',
      'GET /v1/schedules read',
      'GET /metrics read',
    ]);
  });

  it('public routes answer without a token', async () => {
    for (const operation of operations.filter((item) => item.scope === null)) {
      const response = await request(operation.path, { as: null });
      expect(response.status, operation.path).toBe(200);
    }
  });

  it('no token → 401 with a Bearer challenge; a wrong or malformed token → 401 invalid_token', async () => {
    const before = seen();
    for (const operation of operations.filter((item) => item.scope !== null)) {
      const { path, init } = sampleRequest(operation, ids);
      const label = `${operation.method} ${operation.path}`;
      const none = await request(path, { ...init, as: null });
      expect(none.status, label).toBe(401);
      expect(none.headers.get('www-authenticate'), label).toBe('Bearer realm="rootwarden-api"');
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const wrong = await request(path, { ...init, token: WRONG_TOKEN });
      expect(wrong.status, label).toBe(401);
      expect(wrong.headers.get('www-authenticate'), label).toContain('error="invalid_token"');
      const basic = await request(path, {
        ...init,
        headers: { ...(init.headers as object), authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(basic.status, label).toBe(401);
      expect(basic.headers.get('www-authenticate'), label).toContain('error="invalid_request"');
      // Refused before the engine: nothing was planned, read or applied.
      expect(seen(), label).toEqual(before);
    }
  });

  it('too small a scope → 403 insufficient_scope naming the scope; the right scope (or higher) → success', async () => {
    for (const operation of operations.filter((item) => item.scope !== null)) {
      const needed = operation.scope as Scope;
      const label = `${operation.method} ${operation.path}`;
      const method = PLAN_METHOD[`${operation.method} ${operation.path}`];
      for (const held of SCOPES) {
        const { path, init, ok } = sampleRequest(operation, ids);
        const before = seen();
        const response = await request(path, { ...init, as: held });
        if (SCOPES.indexOf(held) < SCOPES.indexOf(needed)) {
          expect(seen(), `${label} as ${held}`).toEqual(before);
          expect(response.status, `${label} as ${held}`).toBe(403);
          expect(response.headers.get('www-authenticate')).toBe(
            `Bearer realm="rootwarden-api", error="insufficient_scope", scope="${needed}"`,
          );
          const body = (await response.json()) as { error: { code: string; message: string } };
          expect(body.error.code).toBe('INSUFFICIENT_SCOPE');
          expect(body.error.message).toContain(needed);
        } else {
          expect(response.status, `${label} as ${held}: ${await response.clone().text()}`).toBe(ok);
          await response.arrayBuffer();
          if (method) expect(calls[method], `${label} as ${held}`).toBe(before.calls[method] + 1);
        }
      }
    }
    // The one apply allowed (remediate) really ran, once.
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);
  });

  it('accepts the scheme case-insensitively and rejects tokens with spaces or control characters', async () => {
    expect(
      (await request('/v1/audits', { as: null, headers: { authorization: `bearer ${TOKENS.read}` } })).status,
    ).toBe(200);
    expect(
      (await request('/v1/audits', { as: null, headers: { authorization: `Bearer ${TOKENS.read} x` } }))
        .status,
    ).toBe(401);
    expect((await request('/v1/audits', { as: null, headers: { authorization: 'Bearer ' } })).status).toBe(
      401,
    );
  });
});

describe('tokens', () => {
  it('are matched by their SHA-256, never stored in the clear', () => {
    const authenticate = createAuthenticator([
      { name: 'a', scope: 'read', sha256: hashToken('token-a') },
      { name: 'b', scope: 'remediate', sha256: hashToken('token-b') },
    ]);
    expect(authenticate('token-a')).toEqual({ name: 'a', scope: 'read' });
    expect(authenticate('token-b')).toEqual({ name: 'b', scope: 'remediate' });
    expect(authenticate('token-')).toBeUndefined();
    expect(authenticate(hashToken('token-a'))).toBeUndefined();
    expect(() =>
      createAuthenticator([
        { name: 'a', scope: 'read', sha256: hashToken('1') },
        { name: 'a', scope: 'read', sha256: hashToken('2') },
      ]),
    ).toThrow(/unique/);
  });
});

describe('per-token rate limit, CORS, security headers, request ids', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({
      app: { rateLimit: { perMinute: 60, burst: 3 }, corsOrigins: ['https://console.example.com'] },
    });
  });
  afterAll(() => fixture.close());

  it('answers 429 with Retry-After once a token spent its burst; other tokens are unaffected', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1)
      statuses.push((await fixture.request('/v1/audits', { as: 'read' })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await fixture.request('/v1/audits', { as: 'read' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect((await fixture.request('/v1/audits', { as: 'audit' })).status).toBe(200);
  });

  it('sends CORS headers only to a configured origin', async () => {
    const allowed = await fixture.request('/healthz', { headers: { origin: 'https://console.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const other = await fixture.request('/healthz', { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts security headers and a request id on every answer, errors included', async () => {
    for (const response of [
      await fixture.request('/healthz'),
      await fixture.request('/nope'),
      await fixture.request('/v1/organization', { as: null }),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const echoed = await fixture.request('/healthz', { headers: { 'x-request-id': 'ci-run-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('ci-run-42');
    const replaced = await fixture.request('/healthz', {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('without CORS configuration', () => {
  it('sends no CORS headers and refuses cross-origin preflights (403 ORIGIN_NOT_ALLOWED)', async () => {
    const fixture = await startFixture();
    try {
      const simple = await fixture.request('/healthz', {
        headers: { origin: 'https://console.example.com' },
      });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fixture.request('/v1/audits', {
        method: 'OPTIONS',
        as: null,
        headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await fixture.close();
    }
  });
});
