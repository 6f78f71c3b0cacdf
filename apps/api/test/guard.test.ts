import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_HEADER, type Notification, NotificationSchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture, waitForAudit } from './helpers.js';

const SECRET = 'api-guard-secret-value';

// Every audit job (a person's POST, or a schedule's) ends with the guard: the sandbox changes the
// organization between two jobs and a real receiver on localhost sees what was notified.
describe('the guard after every audit job', () => {
  let fixture: Fixture;
  let receiver: Server;
  const received: { key: string; body: Notification; status: number }[] = [];
  /** The receiver fails the first request of the second notification, then recovers. */
  let failNext = false;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = failNext ? 503 : 200;
        failNext = false;
        received.push({
          key: String(request.headers[IDEMPOTENCY_HEADER]),
          body: NotificationSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))),
          status,
        });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    fixture = await startFixture({
      sandbox: { scenario: 'blog', quotas: { enabled: false } },
      engine: {
        notifications: { channels: [{ type: 'webhook', name: 'ops', url, secretEnv: 'OPS_HOOK_SECRET' }] },
        env: { OPS_HOOK_SECRET: SECRET },
        notificationBackoff: { minTimeoutMs: 5, maxTimeoutMs: 20 },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const get = (path: string) => fixture.request(path, { as: 'read' });
  async function audit(): Promise<string> {
    const response = await fixture.request('/v1/audits', { method: 'POST', as: 'audit' });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect((await waitForAudit(get, id)).status).toBe('succeeded');
    return id;
  }
  /** The guard runs after the job is recorded: wait (bounded) until the receiver has `count` accepted. */
  async function accepted(count: number) {
    const deadline = Date.now() + 60_000;
    while (received.filter((request) => request.status === 200).length < count) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} notification request(s)`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return received.filter((request) => request.status === 200);
  }

  it('notifies the baseline, then an invited account that joined, with the plan prepared for it', async () => {
    const first = await audit();
    const [baseline] = await accepted(1);
    expect(baseline?.body.auditId).toBe(first);

    fixture.sandbox.admin.addAccount({ id: '777777777777', name: 'Acquired', joinedMethod: 'INVITED' });
    failNext = true;
    const second = await audit();
    const ok = await accepted(2);
    const notification = ok[1]?.body as Notification;
    expect(notification.auditId).toBe(second);
    const added = notification.events.find((event) => event.kind === 'account-added');
    expect(added).toMatchObject({ accountId: '777777777777', invited: true });
    const plan = await get(`/v1/plans/${added?.planId}`);
    expect(plan.status).toBe(200);
    expect(await plan.json()).toMatchObject({ task: 'delete-root-credentials', status: 'ready' });
    // One failed attempt, one accepted, same idempotency key: nothing lost, nothing doubled.
    expect(received.map((request) => [request.key, request.status])).toEqual([
      [baseline?.key, 200],
      [notification.id, 503],
      [notification.id, 200],
    ]);
    expect(fixture.sandbox.admin.rootCredentials('777777777777').loginProfile).not.toBeNull();
    expect(fixture.logs.join('\n')).not.toContain(SECRET);
  }, 120_000);
});
