import { request as httpRequest } from 'node:http';
import { ApplyResultSchema } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth.js';
import { resolveAllowedHosts } from '../src/main.js';
import {
  createPlanThrough,
  type Fixture,
  parseSse,
  serveFixture,
  startFixture,
  TOKEN_CONFIGS,
  TOKENS,
  waitForAudit,
} from './helpers.js';

// Issue 16 point 9 (API) and point 7: attacks on the HTTP layer, each reproduced over real HTTP where a
// header only a real client sends matters (Host).

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function start(options: Parameters<typeof startFixture>[0] = {}) {
  const fixture = await startFixture(options);
  fixtures.push(fixture);
  return fixture;
}

/** A raw HTTP GET with the exact Host/Origin given (fetch does not let a caller set Host). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('DNS rebinding and cross-site requests', () => {
  it('refuses a Host name that is not the API (a rebound attacker name), over real HTTP', async () => {
    const fixture = await start();
    const server = await serveFixture(fixture);
    try {
      const port = new URL(server.url).port;
      const auth = { authorization: `Bearer ${TOKENS.read}` };
      const rebound = await rawGet(server.url, '/v1/audits', { ...auth, host: `attacker.example:${port}` });
      expect(rebound.status).toBe(403);
      expect(JSON.parse(rebound.body)).toMatchObject({
        error: { code: 'HOST_NOT_ALLOWED', field: 'Host', location: 'header' },
      });
      expect(rebound.headers['cache-control']).toBe('no-store');
      // Not even the public routes answer under a foreign name.
      expect((await rawGet(server.url, '/healthz', { host: 'attacker.example' })).status).toBe(403);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
        const ok = await rawGet(server.url, '/v1/audits', { ...auth, host });
        expect(ok.status, host).toBe(200);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a browser request from another origin, and allows its own and configured ones', async () => {
    const fixture = await start({ app: { corsOrigins: ['https://console.example.com'] } });
    const server = await serveFixture(fixture);
    try {
      const port = new URL(server.url).port;
      const headers = { authorization: `Bearer ${TOKENS.read}`, host: `127.0.0.1:${port}` };
      for (const origin of ['https://evil.example.net', 'null', `http://127.0.0.1:${Number(port) + 1}`]) {
        const refused = await rawGet(server.url, '/v1/audits', { ...headers, origin });
        expect(refused.status, origin).toBe(403);
        expect(JSON.parse(refused.body).error.code).toBe('ORIGIN_NOT_ALLOWED');
      }
      for (const origin of [
        'https://console.example.com',
        `http://127.0.0.1:${port}`,
        `http://localhost:${port}`,
      ]) {
        expect((await rawGet(server.url, '/v1/audits', { ...headers, origin })).status, origin).toBe(200);
      }
    } finally {
      await server.close();
    }
  });

  it('answers to the names an operator allows', async () => {
    const fixture = await start({ app: { allowedHosts: ['rootwarden.internal'] } });
    const server = await serveFixture(fixture);
    try {
      expect((await rawGet(server.url, '/healthz', { host: 'rootwarden.internal:8443' })).status).toBe(200);
      expect((await rawGet(server.url, '/healthz', { host: '127.0.0.1' })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['127.0.0.1', [], ['localhost', '127.0.0.1', '[::1]', '127.0.0.1']],
    ['10.0.0.5', ['api.corp'], ['localhost', '127.0.0.1', '[::1]', '10.0.0.5', 'api.corp']],
    ['0.0.0.0', ['api.corp'], ['localhost', '127.0.0.1', '[::1]', 'api.corp']],
    ['0.0.0.0', [], 'any'],
    ['127.0.0.1', ['*'], 'any'],
  ] as const)('bind %s with --allowed-host %j answers to %j', (host, extra, expected) => {
    expect(resolveAllowedHosts(host, extra)).toEqual(expected);
  });

  it('refuses an --allowed-host that is not a host name', () => {
    expect(() => resolveAllowedHosts('127.0.0.1', ['https://x.example/'])).toThrow(/--allowed-host/);
  });
});

describe('Cache-Control: no-store on every answer', () => {
  it('holds for event streams, the docs page and errors too', async () => {
    const fixture = await start({ sandbox: { scenario: 'generated:3' } });
    const started = await fixture.request('/v1/audits', {
      method: 'POST',
      as: 'audit',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await started.json()) as { id: string };
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), id);
    const answers = {
      events: await fixture.request(`/v1/audits/${id}/events`, { as: 'read' }),
      docs: await fixture.request('/docs', { as: null }),
      openapi: await fixture.request('/openapi.json', { as: null }),
      report: await fixture.request(`/v1/audits/${id}/report?format=csv`, { as: 'read' }),
      unauthenticated: await fixture.request('/v1/audits', { as: null }),
      notFound: await fixture.request('/nope', { as: null }),
    };
    for (const [name, response] of Object.entries(answers)) {
      expect(response.headers.get('cache-control'), name).toBe('no-store');
      await response.body?.cancel();
    }
  });
});

describe('Idempotency-Key scope', () => {
  it("is the token's own: another token's same key is another apply, not a replay of someone else's answer", async () => {
    const otherToken = 'rwt_test-other-remediate-token-0123456789';
    const fixture = await start({
      app: {
        tokens: [
          ...TOKEN_CONFIGS,
          { name: 'other-remediate', scope: 'remediate', sha256: hashToken(otherToken) },
        ],
      },
    });
    const plan = await createPlanThrough(fixture.request, {
      task: 'delete-root-credentials',
      accounts: ['111111111111'],
    });
    const path = `/v1/plans/${plan.planId}/apply`;
    const mine = await fixture.request(path, { method: 'POST', headers: { 'idempotency-key': 'k-1' } });
    expect(mine.status).toBe(200);
    const theirs = await fixture.request(path, {
      method: 'POST',
      token: otherToken,
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(ApplyResultSchema.parse(await theirs.json()).planId).toBe(plan.planId);
  });
});

describe('event stream caps', () => {
  it('refuses streams beyond the per-token and the global cap with 429, and frees a slot on close', async () => {
    const fixture = await start({
      sandbox: { scenario: 'generated:20', latencyMs: 200 },
      app: { maxStreamsPerToken: 2, maxStreams: 3 },
    });
    const started = await fixture.request('/v1/audits', {
      method: 'POST',
      as: 'audit',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await started.json()) as { id: string };
    const open = (as: 'read' | 'audit' | 'remediate') => {
      const controller = new AbortController();
      return fixture
        .request(`/v1/audits/${id}/events`, { as, signal: controller.signal })
        .then((response) => ({ response, controller }));
    };
    const first = await open('read');
    const second = await open('read');
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    const perToken = await open('read');
    expect(perToken.response.status).toBe(429);
    expect(perToken.response.headers.get('retry-after')).toBeTruthy();
    expect(await perToken.response.json()).toMatchObject({ error: { code: 'TOO_MANY_STREAMS' } });
    const third = await open('audit');
    expect(third.response.status).toBe(200);
    const global = await open('remediate');
    expect(global.response.status).toBe(429);
    await global.response.body?.cancel();

    // Closing a stream gives its slot back.
    first.controller.abort();
    await first.response.body?.cancel().catch(() => undefined);
    let reopened: Response | undefined;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const next = await open('read');
      if (next.response.status === 200) {
        reopened = next.response;
        break;
      }
      await next.response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reopened?.status).toBe(200);
    for (const stream of [second, third]) {
      stream.controller.abort();
      await stream.response.body?.cancel().catch(() => undefined);
    }
    await reopened?.body?.cancel().catch(() => undefined);
  });

  it('many followers of one audit: every one gets every event, and no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const fixture = await start({ sandbox: { scenario: 'generated:60', latencyMs: 2 } });
      const started = await fixture.request('/v1/audits', {
        method: 'POST',
        as: 'audit',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      const { id } = (await started.json()) as { id: string };
      const followers = await Promise.all(
        Array.from({ length: 25 }, () => fixture.request(`/v1/audits/${id}/events`, { as: 'read' })),
      );
      const streams = await Promise.all(followers.map(async (response) => parseSse(await response.text())));
      const reference = streams[0]?.map((event) => event.id);
      for (const events of streams) {
        expect(events.at(-1)?.event).toBe('completed');
        // Everyone who attached from the start saw the same events (60 progress events at least).
        expect(events.filter((event) => event.event === 'progress').length).toBeGreaterThanOrEqual(59);
        expect(events.map((event) => event.id).slice(-5)).toEqual(reference?.slice(-5));
      }
      // Node emits warnings on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('Last-Event-ID', () => {
  it('a follower that lost its connection just before the end still gets the events it missed', async () => {
    const fixture = await start({ sandbox: { scenario: 'generated:10' } });
    const started = await fixture.request('/v1/audits', {
      method: 'POST',
      as: 'audit',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await started.json()) as { id: string };
    const all = parseSse(await (await fixture.request(`/v1/audits/${id}/events`, { as: 'read' })).text());
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), id);
    const cut = all[Math.floor(all.length / 2)];
    const resumed = parseSse(
      await (
        await fixture.request(`/v1/audits/${id}/events`, {
          as: 'read',
          headers: { 'last-event-id': String(cut?.id) },
        })
      ).text(),
    );
    expect(resumed.map((event) => event.id)).toEqual(
      all.filter((event) => Number(event.id) > Number(cut?.id)).map((event) => event.id),
    );
    expect(resumed.at(-1)?.event).toBe('completed');
  });
});
