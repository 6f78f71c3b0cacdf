import { CORE_ERROR_CODES, CoreError, type CoreErrorCode, type Engine } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_ERROR_STATUS } from '../src/errors.js';
import { type Client, clientFor, type Fixture, startFixture, TRANSPORTS } from './helpers.js';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; field?: string; fix?: string };
}

describe('the CoreError code → HTTP status table', () => {
  it('maps every code; client mistakes are 4xx, the server’s own AWS or store trouble 5xx', () => {
    expect(Object.keys(CORE_ERROR_STATUS).sort()).toEqual([...CORE_ERROR_CODES].sort());
    expect(CORE_ERROR_STATUS).toMatchInlineSnapshot(`
      {
        "ABORTED": 503,
        "ACCOUNT_NOT_ACTIVE": 422,
        "ACCOUNT_NOT_IN_ORG": 422,
        "AUDIT_NOT_FOUND": 404,
        "AWS_ACCESS_DENIED": 502,
        "AWS_ERROR": 502,
        "CREDENTIALS_EXPIRED": 503,
        "CREDENTIALS_INVALID": 503,
        "CREDENTIALS_MISSING": 503,
        "EXCEPTION_NOT_FOUND": 404,
        "GLOBAL_STS_ENDPOINT": 503,
        "INTERNAL": 500,
        "INVALID_INPUT": 400,
        "MANAGEMENT_ACCOUNT_TARGET": 422,
        "NETWORK": 503,
        "NOT_AUTHORIZED_CALLER": 502,
        "ORGANIZATION_NOT_FOUND": 502,
        "OU_NOT_FOUND": 422,
        "PLAN_BUSY": 409,
        "PLAN_EXPIRED": 409,
        "PLAN_NOT_FOUND": 404,
        "PLAN_STALE": 409,
        "RESOURCE_NOT_FOUND": 404,
        "ROOT_ACCESS_NOT_ENABLED": 409,
        "ROOT_SESSIONS_NOT_ENABLED": 409,
        "STORE_BUSY": 503,
        "STORE_CORRUPT": 500,
        "STORE_UNAVAILABLE": 503,
        "THROTTLED": 503,
        "TRUSTED_ACCESS_NOT_ENABLED": 409,
      }
    `);
  });
});

describe.each(TRANSPORTS)('every CoreError code through a route, via %s', (transport) => {
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };
  let thrown: CoreError = new CoreError('INTERNAL', 'unset');

  beforeAll(async () => {
    fixture = await startFixture({
      wrapEngine: (engine): Engine => ({
        ...engine,
        async getOrgStatus() {
          throw thrown;
        },
      }),
    });
    client = await clientFor(fixture, transport);
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  it.each([...CORE_ERROR_CODES])('%s', async (code: CoreErrorCode) => {
    thrown = new CoreError(code, `engine said ${code} (internal detail)`, {
      fix: 'do the thing',
      details: { field: 'accounts[0]' },
    });
    const response = await client.request('/v1/organization', { as: 'read' });
    expect(response.status).toBe(CORE_ERROR_STATUS[code]);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
    if (response.status === 500) {
      // The message of an internal failure stays in the log.
      expect(body.error.message).not.toContain('internal detail');
      expect(
        fixture.logs.some((line) => line.includes(body.error.requestId) && line.includes('internal detail')),
      ).toBe(true);
    } else {
      expect(body.error).toMatchObject({
        message: `engine said ${code} (internal detail)`,
        fix: 'do the thing',
        field: 'accounts[0]',
      });
    }
    if (code === 'THROTTLED' || code === 'STORE_BUSY' || code === 'PLAN_BUSY')
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    else expect(response.headers.get('retry-after')).toBeNull();
  });

  it('an unexpected exception is a 500 INTERNAL without its message, logged with the request id', async () => {
    thrown = Object.assign(new Error('secret-ish internals'), {}) as CoreError;
    const response = await client.request('/v1/organization', { as: 'read' });
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toContain('secret-ish');
    expect(
      fixture.logs.some(
        (line) => line.includes(body.error.requestId) && line.includes('secret-ish internals'),
      ),
    ).toBe(true);
  });
});

describe('API states as errors', () => {
  it('AUDIT_NOT_FINISHED while an audit runs; QUEUE_FULL past the queue; SHUTTING_DOWN after shutdown', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fixture = await startFixture({
      app: { maxConcurrentAudits: 1, maxQueuedAudits: 1 },
      wrapEngine: (engine): Engine => ({
        ...engine,
        async audit(input, options) {
          await gate;
          return engine.audit(input, options);
        },
      }),
    });
    try {
      const start = () => fixture.request('/v1/audits', { method: 'POST', as: 'audit' });
      const first = (await (await start()).json()) as { id: string };
      const second = await start();
      expect(second.status).toBe(202);
      const third = await start();
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('10');
      expect(((await third.json()) as ErrorBody).error.code).toBe('QUEUE_FULL');

      const running = (await (await fixture.request(`/v1/audits/${first.id}`, { as: 'read' })).json()) as {
        status: string;
      };
      expect(running.status).toBe('running');
      const queued = (await (
        await fixture.request(`/v1/audits/${((await second.json()) as { id: string }).id}`, { as: 'read' })
      ).json()) as {
        status: string;
      };
      expect(queued.status).toBe('queued');
      const report = await fixture.request(`/v1/audits/${first.id}/report`, { as: 'read' });
      expect(report.status).toBe(409);
      expect(((await report.json()) as ErrorBody).error).toMatchObject({
        code: 'AUDIT_NOT_FINISHED',
        field: 'id',
      });

      const stopping = fixture.api.shutdown();
      release();
      await stopping;
      const refused = await start();
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as ErrorBody).error.code).toBe('SHUTTING_DOWN');
      expect((await fixture.request('/readyz')).status).toBe(503);
    } finally {
      release();
      await fixture.close();
    }
  });
});
