import { BreakglassWindowSchema, PlanSchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, type Fixture, startFixture } from './helpers.js';

// Time-boxed break-glass over real HTTP against the sandbox: scopes, who/why/when, the window as its own
// finding, closing by hand (cleanup plan prepared, never applied) and by its end (the scheduler's tick
// with an injected clock: no waiting).

const EXPOSED = '111111111111';
const HOUR = 3_600_000;

describe('break-glass windows over HTTP', () => {
  const clock = { now: new Date() };
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };
  beforeAll(async () => {
    fixture = await startFixture({ app: { now: () => clock.now } });
    await fixture.api.jobs.store();
    await fixture.api.scheduler.start({ loop: false });
    client = await clientFor(fixture, 'http');
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  const open = (body: unknown, as: 'read' | 'audit' | 'remediate' = 'remediate') =>
    client.request('/v1/breakglass', {
      method: 'POST',
      as,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const list = async (query = '') => {
    const response = await client.request(`/v1/breakglass${query}`, { as: 'read' });
    expect(response.status).toBe(200);
    return ((await response.json()) as { windows: unknown[] }).windows.map((window) =>
      BreakglassWindowSchema.parse(window),
    );
  };
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it.each([
    [{ account: EXPOSED, for: '4h' }, 'ticket'],
    [{ account: EXPOSED, ticket: 'INC-1' }, 'for'],
    [{ account: EXPOSED, for: '9d', ticket: 'INC-1' }, 'for'],
    [{ account: '12', for: '4h', ticket: 'INC-1' }, 'account'],
  ])('%j is 400 INVALID_INPUT naming %s', async (body, field) => {
    const response = await open(body);
    expect(response.status).toBe(400);
    const error = await errorCode(response);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(field);
  });

  it('opens (remediate only), lists, reports the finding, closes with a prepared plan; closing again is 400', async () => {
    expect((await open({ account: EXPOSED, for: '4h', ticket: 'INC-123' }, 'read')).status).toBe(403);
    expect((await open({ account: EXPOSED, for: '4h', ticket: 'INC-123' }, 'audit')).status).toBe(403);
    const response = await open({ account: EXPOSED, for: '4h', ticket: 'INC-123' });
    expect(response.status, await response.clone().text()).toBe(201);
    const body = (await response.json()) as { plan: unknown; window: unknown };
    const plan = PlanSchema.parse(body.plan);
    const window = BreakglassWindowSchema.parse(body.window);
    expect(response.headers.get('location')).toBe(`/v1/plans/${plan.planId}`);
    expect(plan.task).toBe('allow-password-recovery');
    expect(window).toMatchObject({ accountId: EXPOSED, ticket: 'INC-123', openedByUser: 'remediate-client' });
    expect(Date.parse(window.until) - Date.parse(window.openedAt)).toBe(4 * HOUR);
    expect(await list('?open=true')).toEqual([window]);

    const report = await fixture.engine.audit({ accounts: [EXPOSED] }, { save: false });
    expect(report.accounts[0]?.findings.map((finding) => finding.code)).toContain('BREAKGLASS_WINDOW_OPEN');

    expect(
      (await client.request(`/v1/breakglass/${EXPOSED}/close`, { method: 'POST', as: 'audit' })).status,
    ).toBe(403);
    const before = fixture.sandbox.admin.rootCredentials(EXPOSED);
    const closed = await client.request(`/v1/breakglass/${EXPOSED}/close`, { method: 'POST' });
    expect(closed.status, await closed.clone().text()).toBe(200);
    const [entry] = ((await closed.json()) as { windows: { window: unknown }[] }).windows;
    const after = BreakglassWindowSchema.parse(entry?.window);
    expect(after).toMatchObject({ id: window.id, closedBy: 'remediate-client', cleanupError: null });
    const cleanup = await client.request(`/v1/plans/${after.cleanupPlanId}`, { as: 'read' });
    expect(PlanSchema.parse(await cleanup.json())).toMatchObject({
      task: 'delete-root-credentials',
      status: 'ready',
    });
    expect(fixture.sandbox.admin.rootCredentials(EXPOSED)).toEqual(before);
    expect(await list('?open=true')).toEqual([]);
    expect(await list('?open=false')).toEqual([after]);

    const again = await client.request(`/v1/breakglass/${EXPOSED}/close`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await errorCode(again)).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('the scheduler’s tick closes a window once its end has passed (injected clock)', async () => {
    const response = await open({ account: EXPOSED, for: '2h', ticket: 'INC-200' });
    const { window } = (await response.json()) as { window: { id: string; until: string } };
    clock.now = new Date(Date.parse(window.until) - 60_000);
    await fixture.api.scheduler.tick();
    expect((await list('?open=true')).map((entry) => entry.id)).toEqual([window.id]);
    clock.now = new Date(Date.parse(window.until) + 60_000);
    await fixture.api.scheduler.tick();
    const closed = (await list()).find((entry) => entry.id === window.id);
    expect(closed).toMatchObject({ closedBy: 'expired', cleanupPlanId: expect.any(String) });
  });
});
