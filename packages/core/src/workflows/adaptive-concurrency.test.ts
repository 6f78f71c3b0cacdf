import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';

describe('AdaptiveConcurrency', () => {
  it('halves on a throttling episode, once per cooldown window', () => {
    let clock = 0;
    const limiter = new AdaptiveConcurrency({ max: 32, cooldownMs: 1000, now: () => clock });
    limiter.onThrottle();
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(16);
    clock = 1500;
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(8);
    expect(limiter.throttles).toBe(3);
  });

  it('never goes below the minimum', () => {
    let clock = 0;
    const limiter = new AdaptiveConcurrency({ max: 4, cooldownMs: 1, now: () => clock });
    for (let i = 0; i < 10; i += 1) {
      clock += 10;
      limiter.onThrottle();
    }
    expect(limiter.concurrency).toBe(1);
  });

  it('recovers by one after each round of successes, up to the ceiling', () => {
    const changes: number[] = [];
    const limiter = new AdaptiveConcurrency({ max: 4, onChange: (value) => changes.push(value) });
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(2);
    for (let i = 0; i < 20; i += 1) limiter.onSuccess();
    expect(limiter.concurrency).toBe(4);
    expect(changes).toEqual([2, 3, 4]);
  });
});
