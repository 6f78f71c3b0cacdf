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

describe('AdaptiveConcurrency under scattered throttles', () => {
  /** A deterministic answer stream: `throttles` of every `of` answers are throttles, spread evenly. */
  function feed(
    limiter: AdaptiveConcurrency,
    answers: number,
    throttles: number,
    of: number,
    tick: () => void,
  ) {
    for (let index = 0; index < answers; index += 1) {
      tick();
      if (index % of < throttles) limiter.onThrottle();
      else limiter.onAnswer();
    }
  }

  it.each([
    // share of throttles among answers, whether concurrency stays at the ceiling
    [1, 8, true], // 12.5%: a 50% random fault storm (a quarter of its faults are throttles)
    [1, 5, true], // 20%
    [1, 2, false], // 50%: sending too fast
    [3, 4, false], // 75%
  ] as const)('%i throttles in every %i answers: stays at the ceiling = %s', (throttles, of, stays) => {
    let clock = 0;
    const limiter = new AdaptiveConcurrency({ max: 32, cooldownMs: 1000, now: () => clock });
    // Warm up with clean answers, as an audit starts.
    feed(limiter, 200, 0, 1, () => undefined);
    feed(limiter, 2_000, throttles, of, () => {
      clock += 10;
    });
    expect(limiter.concurrency === 32).toBe(stays);
    expect(limiter.throttles).toBe((2_000 / of) * throttles);
  });

  it('a caller that reports only throttles gets plain AIMD', () => {
    let clock = 0;
    const limiter = new AdaptiveConcurrency({ max: 32, cooldownMs: 1000, now: () => clock });
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(16);
    clock = 2000;
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(8);
  });
});
