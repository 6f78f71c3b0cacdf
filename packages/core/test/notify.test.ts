import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Notification,
  type NotificationConfigInput,
  NotificationConfigSchema,
  NotificationSchema,
} from '../src/domain/guard.js';
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../src/notify/webhook-signature.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { buildNotification } from '../src/workflows/guard.js';
import { retryUndeliveredNotifications, sendNotification } from '../src/workflows/notify.js';

const SECRET = 'whsec-test-0123456789';
const SLACK_PATH = '/services/T000/B000/XXXXSECRETPATH';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/**
 * A real webhook receiver on localhost that answers each request with the next status of `script`
 * (then 200), and — like a well-behaved receiver — accepts a notification once per idempotency key.
 */
class Receiver {
  readonly received: Received[] = [];
  readonly accepted = new Map<string, string>();
  script: number[] = [];
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.script.shift() ?? 200;
        this.received.push({ headers: request.headers, body, status });
        const key = String(request.headers[IDEMPOTENCY_HEADER] ?? request.url);
        if (status < 300 && !this.accepted.has(key)) this.accepted.set(key, body);
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(status < 300 ? 'ok' : 'not now');
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

let dir: string;
let store: Store;
let receiver: Receiver;
let base: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rootwarden-notify-'));
  store = await openSqliteStore({ home: join(dir, 'home') });
  receiver = new Receiver();
  base = await receiver.start();
});

afterEach(async () => {
  await receiver.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function notification(auditId = 'audit-1'): Notification {
  return buildNotification(`audit:o-a1b2c3d4e5:${auditId}`, {
    organizationId: 'o-a1b2c3d4e5',
    auditId,
    createdAt: '2026-12-01T06:00:00.000Z',
    threshold: 'high',
    events: [
      {
        kind: 'account-added',
        severity: 'high',
        accountId: '111111111111',
        accountName: 'Acquired <!channel> & co',
        ouPath: 'Root/Imports',
        invited: true,
        planId: 'plan-1',
      },
    ],
  });
}

function context(config: NotificationConfigInput, env: Record<string, string> = {}) {
  return {
    store,
    config: NotificationConfigSchema.parse(config),
    env,
    now: () => new Date(),
    // Real waits, kept short: the retries happen, only the sleeping is shortened.
    backoff: { minTimeoutMs: 5, maxTimeoutMs: 20 },
  };
}

const webhook = (url: string, maxAttempts = 4) => ({
  channels: [{ type: 'webhook' as const, name: 'ops', url, secretEnv: 'HOOK_SECRET' }],
  maxAttempts,
});

describe('webhook channel', () => {
  it('POSTs the notification as JSON, signed (HMAC-SHA256 over timestamp.body) with its idempotency key', async () => {
    const sent = notification();
    const [delivery] = await sendNotification(
      sent,
      context(webhook(`${base}/hook`), { HOOK_SECRET: SECRET }),
    );
    expect(delivery).toMatchObject({ channel: 'ops', status: 'delivered', attempts: 1, lastError: null });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers[IDEMPOTENCY_HEADER]).toBe(sent.id);
    const body = request?.body ?? '';
    expect(NotificationSchema.parse(JSON.parse(body))).toEqual(sent);
    const signature = String(request?.headers[SIGNATURE_HEADER]);
    expect(verifyWebhookSignature(SECRET, signature, body)).toBe(true);
    expect(verifyWebhookSignature('another-secret', signature, body)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signature, `${body} `)).toBe(false);
    // A replayed request outside the tolerance is refused.
    expect(verifyWebhookSignature(SECRET, signature, body, { now: new Date(Date.now() + 3_600_000) })).toBe(
      false,
    );
    expect(await store.listDeliveries()).toEqual([
      expect.objectContaining({ notificationId: sent.id, channel: 'ops', status: 'delivered', attempts: 1 }),
    ]);
  });

  it('a receiver that fails then recovers gets the notification once: retried with backoff, logged per attempt', async () => {
    receiver.script = [503, 500, 429];
    const sent = notification();
    const [delivery] = await sendNotification(
      sent,
      context(webhook(`${base}/hook`, 6), { HOOK_SECRET: SECRET }),
    );
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 4, lastError: 'HTTP 429' });
    expect(receiver.received.map((request) => request.status)).toEqual([503, 500, 429, 200]);
    // Every attempt carried the same idempotency key; the receiver accepted it once.
    expect(new Set(receiver.received.map((request) => request.headers[IDEMPOTENCY_HEADER]))).toEqual(
      new Set([sent.id]),
    );
    expect([...receiver.accepted.keys()]).toEqual([sent.id]);
    // Running the hook again for the same audit (a restart) sends nothing.
    await sendNotification(notification(), context(webhook(`${base}/hook`, 6), { HOOK_SECRET: SECRET }));
    expect(receiver.received).toHaveLength(4);
  });

  it('a receiver down for every attempt: logged failed, delivered later by the retry of undelivered notifications', async () => {
    receiver.script = [503, 503, 503];
    const sent = notification();
    const config = webhook(`${base}/hook`, 3);
    const [failed] = await sendNotification(sent, context(config, { HOOK_SECRET: SECRET }));
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 503' });
    expect(receiver.accepted.size).toBe(0);
    const retried = await retryUndeliveredNotifications(context(config, { HOOK_SECRET: SECRET }));
    expect(retried).toEqual([expect.objectContaining({ status: 'delivered', attempts: 4 })]);
    expect([...receiver.accepted.keys()]).toEqual([sent.id]);
    expect(await retryUndeliveredNotifications(context(config, { HOOK_SECRET: SECRET }))).toEqual([]);
    expect(receiver.received).toHaveLength(4);
  });

  it('a refused request (4xx) is not retried; a receiver that is not there is a network error', async () => {
    receiver.script = [401];
    const [refused] = await sendNotification(
      notification(),
      context(webhook(`${base}/hook`), { HOOK_SECRET: SECRET }),
    );
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 401' });
    const gone = new Receiver();
    const url = await gone.start();
    await gone.stop();
    const [unreachable] = await sendNotification(
      notification('audit-2'),
      context(webhook(`${url}/hook`, 2), { HOOK_SECRET: SECRET }),
    );
    expect(unreachable).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'network error ECONNREFUSED',
    });
  });

  it('a missing secret names the environment variable, is not retried, and nothing is sent', async () => {
    const [delivery] = await sendNotification(notification(), context(webhook(`${base}/hook`), {}));
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'environment variable HOOK_SECRET (channel ops) is not set',
    });
    expect(receiver.received).toHaveLength(0);
  });

  it('two senders at once (two processes after a restart): one claims the delivery, one request', async () => {
    const config = webhook(`${base}/hook`);
    const sent = notification();
    await Promise.all([
      sendNotification(sent, { ...context(config, { HOOK_SECRET: SECRET }), owner: 'a' }),
      sendNotification(sent, { ...context(config, { HOOK_SECRET: SECRET }), owner: 'b' }),
    ]);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('Slack channel', () => {
  const slack = { channels: [{ type: 'slack' as const, name: 'sec-alerts', urlEnv: 'SLACK_URL' }] };

  it('posts a Block Kit message with untrusted names escaped for mrkdwn', async () => {
    const [delivery] = await sendNotification(
      notification(),
      context(slack, { SLACK_URL: `${base}${SLACK_PATH}` }),
    );
    expect(delivery).toMatchObject({ channel: 'sec-alerts', channelType: 'slack', status: 'delivered' });
    const message = JSON.parse(receiver.received[0]?.body ?? '{}');
    expect(message).toMatchSnapshot();
    const text = JSON.stringify(message);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; co');
  });

  it('never records the webhook URL (the secret) in the delivery log', async () => {
    receiver.script = [404];
    const [delivery] = await sendNotification(
      notification(),
      context(slack, { SLACK_URL: `${base}${SLACK_PATH}` }),
    );
    expect(delivery).toMatchObject({ status: 'failed', lastError: 'HTTP 404' });
    const gone = new Receiver();
    const url = await gone.start();
    await gone.stop();
    await sendNotification(
      notification('audit-2'),
      context({ ...slack, maxAttempts: 1 }, { SLACK_URL: `${url}${SLACK_PATH}` }),
    );
    const log = JSON.stringify(await store.listDeliveries());
    expect(log).not.toContain('SECRETPATH');
    expect(log).not.toContain(url);
  });
});

describe('notification config', () => {
  it.each([
    [
      { channels: [{ type: 'webhook', name: 'a', url: 'http://x', secretEnv: 'my-secret' }] },
      'channels.0.secretEnv',
    ],
    [{ channels: [{ type: 'slack', name: 'a', url: 'https://hooks.slack.com/x' }] }, 'channels.0'],
    [
      {
        channels: [
          { type: 'slack', name: 'a', urlEnv: 'A' },
          { type: 'slack', name: 'a', urlEnv: 'B' },
        ],
      },
      'channels.1.name',
    ],
    [{ threshold: 'severe' }, 'threshold'],
  ])('refuses %j at %s', (input, path) => {
    const result = NotificationConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
