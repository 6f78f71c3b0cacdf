import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The header that signs a webhook body: `Rootwarden-Signature: t=<unix seconds>,v1=<hex>` where `v1` is
 * HMAC-SHA256, keyed with the channel's secret, over `<t>.<raw body>`. The timestamp is inside the signed
 * text so a captured request cannot be replayed later with a new time (the scheme Stripe documents:
 * https://docs.stripe.com/webhooks#verify-manually; Slack's request signing is the same idea:
 * https://docs.slack.dev/authentication/verifying-requests-from-slack).
 */
export const SIGNATURE_HEADER = 'rootwarden-signature';
/** The notification id, the same on every attempt: a receiver drops a request whose key it has seen. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Receivers should refuse a signature older than this (a replay). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `Rootwarden-Signature` value for `body` sent at `timestamp` (unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * What a receiver does (exported for receivers written in TypeScript, and the tests): true when the
 * header carries a `v1` signature of this body made with `secret` within `toleranceSeconds` of `now`.
 * Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const signature = parts.get('v1');
  if (!Number.isInteger(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS))
    return false;
  return timingSafeEqual(Buffer.from(signature, 'hex'), Buffer.from(hmac(secret, timestamp, body), 'hex'));
}
