/**
 * How long to wait before retrying an AWS call, the way the AWS SDKs' standard retry mode does it:
 * exponential backoff with full jitter, a longer base delay for throttling answers than for transient
 * failures (5xx, dropped connections), and a cap
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html; base delays from
 * smithy-typescript's `DEFAULT_RETRY_DELAY_BASE` 100 ms and `THROTTLING_RETRY_DELAY_BASE` 500 ms;
 * full jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * Transient failures are not a sign of load, so their cap is short: under a storm of random 5xx and
 * dropped connections, a call that needs many attempts must not sleep for seconds between them.
 */
export type RetryKind = 'throttle' | 'transient';

export interface RetryRule {
  baseMs: number;
  capMs: number;
  /** Retries after the first attempt before giving up. */
  retries: number;
}

export const RETRY_RULES: Readonly<Record<RetryKind, RetryRule>> = {
  // 8 retries: about 40 s of backoff at most, as before.
  throttle: { baseMs: 500, capMs: 20_000, retries: 8 },
  // 16 retries of at most 2 s each: a call fails only after 17 failures in a row (2^-17 at a 50% fault
  // rate), and never waits more than ~30 s in all.
  transient: { baseMs: 50, capMs: 2_000, retries: 16 },
};

/** The delay before retry number `retry` (1 = the first retry); `random` is uniform in [0, 1). */
export function retryDelayMs(kind: RetryKind, retry: number, random: number): number {
  const rule = RETRY_RULES[kind];
  const ceiling = Math.min(rule.capMs, rule.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(Math.min(Math.max(random, 0), 1) * ceiling);
}

/** Whether another retry of this kind is allowed after `retriesSoFar` of them. */
export function mayRetry(kind: RetryKind, retriesSoFar: number, limit?: number): boolean {
  return retriesSoFar < (limit ?? RETRY_RULES[kind].retries);
}
