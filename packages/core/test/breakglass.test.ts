import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Notification, NotificationSchema } from '../src/domain/guard.js';
import type { Engine } from '../src/engine.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

const ACCOUNT = '111111111111';
const HOUR = 3_600_000;

describe('time-boxed break-glass (sandbox, real webhook receiver)', () => {
  let fixture: SandboxFixture;
  let engine: Engine;
  let dir: string;
  let server: Server;
  const received: Notification[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rootwarden-breakglass-'));
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(NotificationSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    fixture = await startSandbox({ scenario: 'blog', quotas: { enabled: false } });
    engine = fixture.engine({
      home: join(dir, 'home'),
      notifications: { channels: [{ type: 'webhook', name: 'ops', url, secretEnv: 'BG_SECRET' }] },
      env: { BG_SECRET: 'bg-secret' },
      notificationBackoff: { minTimeoutMs: 5, maxTimeoutMs: 20 },
    });
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a window without a ticket, too long, or with a bad duration, naming the field', async () => {
    for (const [input, field] of [
      [{ account: ACCOUNT, for: '4h', ticket: ' ' }, 'ticket'],
      [{ account: ACCOUNT, for: '5d', ticket: 'INC-1' }, 'for'],
      [{ account: ACCOUNT, for: 'soon', ticket: 'INC-1' }, 'for'],
      [{ account: '12', for: '4h', ticket: 'INC-1' }, 'account'],
    ] as const) {
      const error = await rejection(() => engine.openBreakglass(input, 'alice'));
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      expect(error.message).toContain(field);
    }
    expect(await engine.listBreakglassWindows()).toEqual([]);
  });

  it('records who, why, when and until; the guard notifies the open window; its end prepares the cleanup plan and notifies', async () => {
    const { plan, window } = await engine.openBreakglass(
      { account: ACCOUNT, for: '4h', ticket: 'INC-123' },
      'alice',
    );
    expect(plan.task).toBe('allow-password-recovery');
    expect(window).toMatchObject({
      accountId: ACCOUNT,
      ticket: 'INC-123',
      openedByUser: 'alice',
      openedBy: fixture.sandbox.managementPrincipal().arn,
      planId: plan.planId,
      closedAt: null,
    });
    expect(Date.parse(window.until) - Date.parse(window.openedAt)).toBe(4 * HOUR);

    const open = await engine.audit();
    const guard = await engine.guardAfterAudit(open);
    expect(guard.notification?.events).toContainEqual(
      expect.objectContaining({ kind: 'breakglass-open', accountId: ACCOUNT, ticket: 'INC-123' }),
    );

    // Not yet ended: the scheduler's tick closes nothing.
    expect(await engine.closeExpiredBreakglassWindows(new Date(Date.parse(window.until) - 60_000))).toEqual(
      [],
    );
    const [closed] = await engine.closeExpiredBreakglassWindows(new Date(Date.parse(window.until) + 1));
    expect(closed?.window).toMatchObject({ id: window.id, closedBy: 'expired', cleanupError: null });
    const cleanup = await engine.getPlan(closed?.window.cleanupPlanId as string);
    expect(cleanup).toMatchObject({ task: 'delete-root-credentials', status: 'ready' });
    expect(closed?.deliveries).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(received.at(-1)?.events).toEqual([
      expect.objectContaining({ kind: 'breakglass-closed', accountId: ACCOUNT, planId: cleanup.planId }),
    ]);
    // Closed once: a second tick (or a person at the same time) closes nothing more.
    expect(await engine.closeExpiredBreakglassWindows(new Date(Date.parse(window.until) + 2))).toEqual([]);

    const after = await engine.audit();
    const later = await engine.guardAfterAudit(after);
    expect(later.notification?.events.map((event) => event.kind) ?? []).not.toContain('breakglass-open');
  }, 120_000);

  it('an open window is its account’s BREAKGLASS_WINDOW_OPEN finding until it is closed', async () => {
    const { window } = await engine.openBreakglass(
      { account: ACCOUNT, for: '2h', ticket: 'INC-200' },
      'carol',
    );
    const open = await engine.audit({ accounts: [ACCOUNT] }, { save: false });
    const finding = open.accounts[0]?.findings.find((entry) => entry.code === 'BREAKGLASS_WINDOW_OPEN');
    expect(finding).toMatchObject({ severity: 'high', resource: `breakglass:${window.id}` });
    expect(finding?.message).toContain('INC-200');
    expect(finding?.message).toContain('carol');
    expect(finding?.message).toContain(window.until);
    expect(open.summary.findings.high).toBeGreaterThan(0);
    await engine.closeBreakglass(ACCOUNT, 'carol');
    const closed = await engine.audit({ accounts: [ACCOUNT] }, { save: false });
    expect(closed.accounts[0]?.findings.map((entry) => entry.code)).not.toContain('BREAKGLASS_WINDOW_OPEN');
  }, 120_000);

  it('a saved audit’s start closes the windows whose time is up, and its report says so (fake clock)', async () => {
    // The window is opened by an engine whose clock is 5 hours back: by the real clock its 1h has run out.
    const past = fixture.engine({ home: join(dir, 'home'), now: () => new Date(Date.now() - 5 * HOUR) });
    const { window } = await past.openBreakglass({ account: ACCOUNT, for: '1h', ticket: 'INC-300' }, 'dave');
    expect(Date.parse(window.until)).toBeLessThan(Date.now());
    const report = await engine.audit({ accounts: [ACCOUNT] });
    const [closed] = await engine
      .listBreakglassWindows({ accountId: ACCOUNT })
      .then((all) => all.filter((entry) => entry.id === window.id));
    expect(closed).toMatchObject({ closedBy: 'expired', cleanupError: null });
    expect(closed?.cleanupPlanId).toEqual(expect.any(String));
    expect(report.warnings).toContainEqual(
      expect.objectContaining({
        code: 'BREAKGLASS_WINDOW_CLOSED',
        fix: `Review and apply it: rootwarden apply ${closed?.cleanupPlanId}`,
      }),
    );
    expect(report.accounts[0]?.findings.map((entry) => entry.code)).not.toContain('BREAKGLASS_WINDOW_OPEN');
  }, 120_000);

  it('`breakglass close` by hand; closing an account with no open window is a clear error', async () => {
    await engine.openBreakglass({ account: ACCOUNT, for: '30m', ticket: 'INC-124' }, 'bob');
    const [closed] = await engine.closeBreakglass(ACCOUNT, 'bob');
    expect(closed?.window).toMatchObject({ closedBy: 'bob', ticket: 'INC-124' });
    expect(closed?.window.cleanupPlanId).toEqual(expect.any(String));
    const error = await rejection(() => engine.closeBreakglass(ACCOUNT, 'bob'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(error.fix).toContain('rootwarden breakglass list');
  }, 120_000);
});
