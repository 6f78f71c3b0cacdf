import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, type Fixture, parseSse, startFixture, TRANSPORTS } from './helpers.js';

const ACCOUNTS = 30;

describe.each(TRANSPORTS)('GET /v1/audits/{id}/events via %s', (transport) => {
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };

  beforeAll(async () => {
    fixture = await startFixture({ sandbox: { scenario: `generated:${ACCOUNTS}`, latencyMs: 5 } });
    client = await clientFor(fixture, transport);
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  const start = async (body: unknown = {}) => {
    const response = await client.request('/v1/audits', {
      method: 'POST',
      as: 'audit',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };

  it('streams status, inventory and per-account progress, then completion, and ends', async () => {
    const id = await start();
    const response = await client.request(`/v1/audits/${id}/events`, { as: 'read' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await response.text());
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events[0]?.event).toBe('status');
    expect(events.some((event) => event.event === 'inventory')).toBe(true);
    const progress = events
      .filter((event) => event.event === 'progress')
      .map(
        (event) => event.data as { done: number; total: number | null; accountId: string; status: string },
      );
    // One progress event per account of the organization, management account (skipped) included.
    expect(progress).toHaveLength(ACCOUNTS);
    expect(new Set(progress.map((item) => item.accountId)).size).toBe(ACCOUNTS);
    expect(progress.map((item) => item.done)).toEqual(
      [...progress.map((item) => item.done)].sort((a, b) => a - b),
    );
    for (const item of progress) {
      expect(item.accountId).toMatch(/^\d{12}$/);
      expect(['clean', 'exposed', 'unknown', 'skipped']).toContain(item.status);
    }
    const last = events.at(-1);
    expect(last?.event).toBe('completed');
    const summary = (last?.data as { summary: { accounts: number } } | undefined)?.summary;
    expect(last?.data).toMatchObject({ id, status: 'succeeded', auditId: id, complete: true });
    expect(progress.at(-1)?.done).toBe(summary?.accounts);
  });

  it('resumes after Last-Event-ID, live or finished', async () => {
    const id = await start();
    const controller = new AbortController();
    const first = await client.request(`/v1/audits/${id}/events`, { as: 'read', signal: controller.signal });
    const reader = (first.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (parseSse(text).length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      text = text.slice(0, text.lastIndexOf('\n\n') + 2);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const seen = parseSse(text).slice(0, 3);
    const resumed = await client.request(`/v1/audits/${id}/events`, {
      as: 'read',
      headers: { 'last-event-id': String(seen[2]?.id) },
    });
    const rest = parseSse(await resumed.text());
    expect(Number(rest[0]?.id)).toBe(Number(seen[2]?.id) + 1);
    expect(['completed']).toContain(rest.at(-1)?.event);
  });

  it('a failed audit ends with a failed event carrying the error code', async () => {
    const id = await start({ accounts: ['999999999999'] });
    const events = parseSse(await (await client.request(`/v1/audits/${id}/events`, { as: 'read' })).text());
    expect(events.at(-1)).toMatchObject({
      event: 'failed',
      data: { id, status: 'failed', error: { code: 'ACCOUNT_NOT_IN_ORG' } },
    });
  });

  it('an unknown audit is a JSON 404 before any stream starts', async () => {
    const response = await client.request('/v1/audits/00000000-0000-4000-8000-000000000000/events', {
      as: 'read',
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('AUDIT_NOT_FOUND');
  });
});

describe('GET /v1/audits/{id}/events: an account AWS refused', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    // `exposed`: the SCP DenyRootUser (no aws:AssumedRoot exemption) is attached to ScpLocked (300000000012).
    fixture = await startFixture({ sandbox: { scenario: 'exposed' } });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('its progress event names the policy that refused it, as the final report does', async () => {
    const started = await fixture.request('/v1/audits', {
      method: 'POST',
      as: 'audit',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await started.json()) as { id: string };
    const events = parseSse(await (await fixture.request(`/v1/audits/${id}/events`, { as: 'read' })).text());
    const report = (await (await fixture.request(`/v1/audits/${id}/report`, { as: 'read' })).json()) as {
      accounts: { accountId: string; status: string; error?: { code: string; message: string } }[];
    };
    const locked = report.accounts.find((account) => account.accountId === '300000000012');
    expect(locked).toMatchObject({ status: 'unknown', error: { code: 'AWS_ACCESS_DENIED' } });
    expect(locked?.error?.message).toContain('SCP "DenyRootUser" (p-exp0denyrootall) attached to ScpLocked');
    const progress = events.filter(
      (event) =>
        event.event === 'progress' && (event.data as { accountId: string }).accountId === '300000000012',
    );
    expect(progress.map((event) => event.data)).toEqual([
      expect.objectContaining({
        status: 'unknown',
        error: { code: 'AWS_ACCESS_DENIED', message: locked?.error?.message },
      }),
    ]);
    // Accounts that AWS did not refuse carry no error.
    const clean = events.filter(
      (event) => event.event === 'progress' && (event.data as { status: string }).status === 'clean',
    );
    expect(clean.map((event) => (event.data as { accountId: string }).accountId).sort()).toEqual(
      report.accounts.filter((account) => account.status === 'clean').map((account) => account.accountId),
    );
    for (const event of clean) expect(event.data).not.toHaveProperty('error');
  });
});
