import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Notification, NotificationSchema } from '../src/domain/guard.js';
import type { Engine } from '../src/engine.js';
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../src/notify/webhook-signature.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

const SECRET = 'guard-test-secret';
const INVITED = '777777777777';
const CREATED = '888888888888';

// The guard driven by the sandbox: between two audits accounts join (one invited, with the root password
// it kept; one created, without), one moves to another OU and a clean account gets a root access key;
// a real webhook receiver on localhost sees what was notified.
describe('the guard after an audit (sandbox, real webhook receiver)', () => {
  let fixture: SandboxFixture;
  let engine: Engine;
  let dir: string;
  let server: Server;
  const received: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rootwarden-guard-'));
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rootwarden`;
    fixture = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
    engine = fixture.engine({
      home: join(dir, 'home'),
      notifications: {
        channels: [{ type: 'webhook', name: 'ops', url, secretEnv: 'GUARD_HOOK_SECRET' }],
        threshold: 'high',
      },
      env: { GUARD_HOOK_SECRET: SECRET },
      notificationBackoff: { minTimeoutMs: 5, maxTimeoutMs: 20 },
    });
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('notifies drift and joined accounts, and prepares (never applies) a plan for an exposed one', async () => {
    const first = await engine.audit();
    const baseline = await engine.guardAfterAudit(first);
    // The first audit is the baseline: its findings at or above the threshold, no inventory change.
    expect(baseline.notification?.events.every((event) => event.kind === 'new-finding')).toBe(true);
    expect(received).toHaveLength(1);

    const clean = first.accounts.find((account) => account.status === 'clean');
    const mover = first.accounts.find(
      (account) =>
        account.status !== 'skipped' && account.accountId !== clean?.accountId && account.ouPath.length === 1,
    );
    expect(clean && mover).toBeTruthy();
    const admin = fixture.sandbox.admin;
    admin.addAccount({ id: INVITED, name: 'Acquired <b>Corp</b>', joinedMethod: 'INVITED' });
    admin.addAccount({ id: CREATED, name: 'Fresh', joinedMethod: 'CREATED' });
    admin.addAccessKey(clean?.accountId as string, { accessKeyId: 'AKIAGUARDTEST0000001' });
    admin.moveAccount(mover?.accountId as string, 'ou-exp0-workload');
    const calls = admin.calls().length;

    const second = await engine.audit();
    const result = await engine.guardAfterAudit(second);
    const events = result.notification?.events ?? [];
    const of = (kind: string, accountId: string) =>
      events.filter((event) => event.kind === kind && event.accountId === accountId);

    expect(of('account-added', INVITED)).toEqual([
      expect.objectContaining({ invited: true, severity: 'high', planId: result.plans[INVITED] }),
    ]);
    expect(of('account-added', CREATED)).toEqual([
      expect.objectContaining({ invited: false, severity: 'low' }),
    ]);
    expect(of('account-added', CREATED)[0]?.planId).toBeUndefined();
    expect(of('went-exposed', clean?.accountId as string)).toHaveLength(1);
    expect(of('credentials-appeared', clean?.accountId as string)).toEqual([
      expect.objectContaining({ resource: 'AKIAGUARDTEST0000001' }),
    ]);
    expect(of('account-moved', mover?.accountId as string)).toEqual([
      expect.objectContaining({ ouPathBefore: mover?.ouPathText }),
    ]);

    // The plan waits for a person: ready, about the invited account's password, and nothing was deleted.
    const plan = await engine.getPlan(result.plans[INVITED] as string);
    expect(plan).toMatchObject({ task: 'delete-root-credentials', status: 'ready' });
    expect(plan.actions.map((action) => [action.accountId, action.kind])).toContainEqual([
      INVITED,
      'delete-login-profile',
    ]);
    const mutations = admin
      .calls({ sinceSeq: calls })
      .filter((call) => /^(Delete|Deactivate|Create|Update)/.test(call.operation));
    expect(mutations).toEqual([]);
    expect(admin.rootCredentials(INVITED).loginProfile).not.toBeNull();

    // Delivered once, signed, with the notification id as idempotency key.
    expect(received).toHaveLength(2);
    const last = received[1] as { headers: Record<string, unknown>; body: string };
    const body: Notification = NotificationSchema.parse(JSON.parse(last.body));
    expect(body).toEqual(result.notification);
    expect(last.headers[IDEMPOTENCY_HEADER]).toBe(body.id);
    expect(verifyWebhookSignature(SECRET, last.headers[SIGNATURE_HEADER] as string, last.body)).toBe(true);
    expect(await engine.listDeliveries()).toEqual([
      expect.objectContaining({
        notificationId: baseline.notification?.id,
        status: 'delivered',
        attempts: 1,
      }),
      expect.objectContaining({ notificationId: body.id, status: 'delivered', attempts: 1 }),
    ]);

    // The hook again for the same audit (a restart): nothing sent, no second plan.
    const again = await engine.guardAfterAudit(second);
    expect(again.plans).toEqual(result.plans);
    expect(received).toHaveLength(2);
  }, 120_000);
});
