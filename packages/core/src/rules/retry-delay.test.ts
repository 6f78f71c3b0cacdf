import { describe, expect, it } from 'vitest';
import { mayRetry, RETRY_RULES, retryDelayMs } from './retry-delay.js';

describe('retryDelayMs', () => {
  it.each([
    // kind, retry, random, expected ms
    ['transient', 1, 0.999_999, 49],
    ['transient', 2, 0.5, 50],
    ['transient', 3, 0.5, 100],
    ['transient', 6, 0.999_999, 1_599],
    ['transient', 7, 0.999_999, 1_999],
    ['transient', 30, 0.999_999, 1_999],
    ['transient', 4, 0, 0],
    ['throttle', 1, 0.999_999, 499],
    ['throttle', 2, 0.5, 500],
    ['throttle', 6, 0.999_999, 15_999],
    ['throttle', 7, 0.999_999, 19_999],
    ['throttle', 60, 0.5, 10_000],
  ] as const)('%s retry %i with random %d waits %i ms', (kind, retry, random, expected) => {
    expect(retryDelayMs(kind, retry, random)).toBe(expected);
  });

  it('keeps out-of-range randomness inside [0, cap]', () => {
    expect(retryDelayMs('transient', 40, 7)).toBe(RETRY_RULES.transient.capMs);
    expect(retryDelayMs('throttle', 1, -1)).toBe(0);
  });
});

describe('mayRetry', () => {
  it.each([
    ['transient', 0, undefined, true],
    ['transient', 15, undefined, true],
    ['transient', 16, undefined, false],
    ['throttle', 7, undefined, true],
    ['throttle', 8, undefined, false],
    ['throttle', 0, 0, false],
    ['transient', 2, 3, true],
    ['transient', 3, 3, false],
  ] as const)('%s after %i retries (limit %s): %s', (kind, retries, limit, expected) => {
    expect(mayRetry(kind, retries, limit)).toBe(expected);
  });
});
