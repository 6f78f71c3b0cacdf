export interface RateLimitOptions {
  /** Sustained requests per minute per token (default 1200). 0 turns the limit off. */
  perMinute?: number;
  /** Requests a token may send at once before the sustained rate applies (default 300). */
  burst?: number;
}

export type RateDecision =
  | { allowed: true; limit: number; remaining: number }
  | { allowed: false; limit: number; retryAfterSeconds: number };

/** A token bucket per key (per API token): `burst` requests at once, refilled at `perMinute`. */
export function createRateLimiter(
  options: RateLimitOptions = {},
  now: () => number = () => performance.now(),
): (key: string) => RateDecision {
  const perMinute = options.perMinute ?? 1200;
  const burst = Math.max(1, options.burst ?? 300);
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return (key) => {
    if (perMinute <= 0) return { allowed: true, limit: 0, remaining: 0 };
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: time };
    bucket.tokens = Math.min(burst, bucket.tokens + (time - bucket.at) * perMs);
    bucket.at = time;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit: burst, remaining: Math.floor(bucket.tokens) };
    }
    return {
      allowed: false,
      limit: burst,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  };
}
