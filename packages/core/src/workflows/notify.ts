import { hostname } from 'node:os';
import pRetry, { AbortError } from 'p-retry';
import type { Channel, Notification, NotificationConfig, NotificationDelivery } from '../domain/guard.js';
import { slackMessage } from '../notify/slack-message.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhookBody } from '../notify/webhook-signature.js';
import type { GuardStore } from '../store/store.js';

/** How long one send may take before it counts as failed (and is retried). */
const REQUEST_TIMEOUT_MS = 10_000;
/** A sender's claim on a delivery; longer than every retry of one delivery, so a live sender keeps it. */
const CLAIM_MS = 15 * 60_000;

export interface Backoff {
  /** First wait between attempts (default 1 s); each next one doubles, with jitter, up to `maxTimeoutMs`. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { minTimeoutMs: 1_000, maxTimeoutMs: 60_000 };

export interface NotifyContext {
  store: GuardStore;
  config: NotificationConfig;
  /** Where channel secrets are read, by the names the config gives (process.env). */
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  backoff?: Backoff;
  /** Who sends (`host:pid`): claims are per sender. */
  owner?: string;
  signal?: AbortSignal | undefined;
}

/** A delivery problem in words that never include a secret (the Slack URL, the signing secret). */
class DeliveryError extends Error {}

interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function envValue(context: NotifyContext, name: string, channel: Channel): string {
  const value = context.env[name];
  if (!value)
    // A configuration mistake: retrying cannot fix it. Name the variable, never a value.
    throw new AbortError(
      new DeliveryError(`environment variable ${name} (channel ${channel.name}) is not set`),
    );
  return value;
}

function prepare(channel: Channel, notification: Notification, context: NotifyContext): PreparedRequest {
  if (channel.type === 'slack') {
    const url = envValue(context, channel.urlEnv, channel);
    if (!/^https?:\/\//.test(url))
      throw new AbortError(new DeliveryError(`environment variable ${channel.urlEnv} is not an http(s) URL`));
    return {
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(notification)),
    };
  }
  const secret = envValue(context, channel.secretEnv, channel);
  const body = JSON.stringify(notification);
  // Signed per attempt: the timestamp is when it was sent, so a receiver's replay window holds for retries.
  const timestamp = Math.floor(context.now().getTime() / 1000);
  return {
    url: channel.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'rootwarden-webhook/1',
      [IDEMPOTENCY_HEADER]: notification.id,
      [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
    },
    body,
  };
}

/** What went wrong, without the URL (a Slack webhook URL is its secret) or a response body. */
function describeFailure(error: unknown): string {
  if (error instanceof DeliveryError) return error.message;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return `network error ${cause.code}`;
  if ((error as { name?: string }).name === 'TimeoutError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return 'network error';
}

async function send(request: PreparedRequest, signal: AbortSignal | undefined): Promise<void> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'error',
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
        : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new DeliveryError(describeFailure(error));
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return;
  const failure = new DeliveryError(`HTTP ${response.status}`);
  // 408, 429 and 5xx are worth retrying; any other answer (400, 401, 403, 404…) will not change by itself.
  if (response.status === 408 || response.status === 429 || response.status >= 500) throw failure;
  throw new AbortError(failure);
}

/**
 * Sends one delivery with retries (exponential backoff with jitter, p-retry), writing every attempt to the
 * delivery log before the next one. Claims the row first: another sender (another process, or this one
 * after a restart while a live sender still holds it) leaves it alone. Never throws for a failed delivery:
 * the log says how it went.
 */
async function deliverOne(
  notification: Notification,
  delivery: NotificationDelivery,
  channel: Channel,
  context: NotifyContext,
): Promise<NotificationDelivery> {
  const owner = context.owner ?? `${hostname()}:${process.pid}`;
  const claimed = await context.store.claimDelivery(notification.id, channel.name, {
    owner,
    until: new Date(context.now().getTime() + CLAIM_MS).toISOString(),
    now: context.now().toISOString(),
  });
  if (!claimed) return delivery;
  let attempts = delivery.attempts;
  let lastError: string | null = delivery.lastError;
  const backoff = context.backoff ?? DEFAULT_BACKOFF;
  try {
    await pRetry(
      async () => {
        attempts += 1;
        try {
          await send(prepare(channel, notification, context), context.signal);
        } catch (error) {
          const inner = error instanceof AbortError ? error.originalError : error;
          lastError = inner instanceof DeliveryError ? inner.message : describeFailure(inner);
          await context.store.updateDelivery(notification.id, channel.name, {
            status: 'pending',
            attempts,
            lastError,
            updatedAt: context.now().toISOString(),
          });
          throw error;
        }
      },
      {
        retries: context.config.maxAttempts - 1,
        factor: 2,
        minTimeout: backoff.minTimeoutMs,
        maxTimeout: backoff.maxTimeoutMs,
        randomize: true,
        ...(context.signal ? { signal: context.signal } : {}),
      },
    );
    await context.store.updateDelivery(notification.id, channel.name, {
      status: 'delivered',
      attempts,
      lastError,
      updatedAt: context.now().toISOString(),
      release: true,
    });
    return { ...delivery, status: 'delivered', attempts, lastError };
  } catch {
    await context.store.updateDelivery(notification.id, channel.name, {
      status: 'failed',
      attempts,
      lastError,
      updatedAt: context.now().toISOString(),
      release: true,
    });
    return { ...delivery, status: 'failed', attempts, lastError };
  }
}

/**
 * Records a notification in the delivery log (one row per configured channel) and delivers it to every
 * channel that does not have it yet. Recording is idempotent (the notification id is derived from what
 * caused it), so running this twice for the same audit — a restart — sends nothing twice.
 */
export async function sendNotification(
  notification: Notification,
  context: NotifyContext,
): Promise<NotificationDelivery[]> {
  const { channels } = context.config;
  const deliveries = await context.store.recordNotification(
    notification,
    channels.map((channel) => ({ channel: channel.name, channelType: channel.type })),
    context.now().toISOString(),
  );
  const byName = new Map(channels.map((channel) => [channel.name, channel]));
  return Promise.all(
    deliveries.map((delivery) => {
      const channel = byName.get(delivery.channel);
      return delivery.status === 'delivered' || !channel
        ? delivery
        : deliverOne(notification, delivery, channel, context);
    }),
  );
}

/**
 * Delivers again what is still `pending` (a sender that died) or `failed` (the receiver was down for every
 * attempt): run before each audit's own notification, so a receiver that was down gets what it missed.
 */
export async function retryUndeliveredNotifications(context: NotifyContext): Promise<NotificationDelivery[]> {
  const byName = new Map(context.config.channels.map((channel) => [channel.name, channel]));
  const waiting = [
    ...(await context.store.listDeliveries({ status: 'pending' })),
    ...(await context.store.listDeliveries({ status: 'failed' })),
  ].filter((delivery) => byName.has(delivery.channel));
  const results: NotificationDelivery[] = [];
  for (const delivery of waiting) {
    const notification = await context.store.getNotification(delivery.notificationId);
    const channel = byName.get(delivery.channel);
    if (!notification || !channel) continue;
    results.push(await deliverOne(notification, delivery, channel, context));
  }
  return results;
}
