import { describe, expect, it } from 'vitest';
import {
  AdaptiveConcurrency,
  BUSY_LOAD,
  GROWTH_INTERVAL_MS,
  IDLE_LOAD,
  STUCK_WINDOW_MS,
} from './adaptive-concurrency.js';

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

describe('AdaptiveConcurrency with a load: growth on demand', () => {
  /** p-limit starts queued tasks in microtasks: let them run. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  /** A limiter (ceiling 8) whose tasks never finish: `add(n)` queues n more. */
  function limiterUnder(options: { initial: number; load: () => number; clock: () => number }) {
    const changes: number[] = [];
    const limiter = new AdaptiveConcurrency({
      max: 8,
      initial: options.initial,
      load: options.load,
      now: options.clock,
      cooldownMs: 0,
      throttleShare: 0,
      onChange: (value) => changes.push(value),
    });
    const add = async (count: number) => {
      for (let i = 0; i < count; i += 1) void limiter.limit(() => new Promise<void>(() => undefined));
      await settle();
    };
    return { limiter, changes, add };
  }

  /** Between IDLE_LOAD and BUSY_LOAD: busy, but with room. */
  const SOME_LOAD = (IDLE_LOAD + BUSY_LOAD) / 2;

  it('mostly waiting for AWS: doubles once accounts have waited a whole interval, up to the ceiling', async () => {
    let clock = 0;
    const { limiter, changes, add } = limiterUnder({
      initial: 2,
      load: () => IDLE_LOAD - 0.01,
      clock: () => clock,
    });
    await add(6); // 2 in flight, 4 waiting
    limiter.onQueued(); // a backlog from 0: before any task has ended
    clock = GROWTH_INTERVAL_MS - 1;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(2);
    clock = GROWTH_INTERVAL_MS;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(4);
    await add(10);
    clock = 2 * GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    clock = 3 * GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    expect(changes).toEqual([4, 8]); // never past the ceiling
  });

  it('busier: grows by half only when the queue grew by more than a tenth over the interval', async () => {
    let clock = 0;
    const { limiter, changes, add } = limiterUnder({ initial: 2, load: () => SOME_LOAD, clock: () => clock });
    await add(12); // 2 in flight, 10 waiting
    limiter.onQueued();
    await add(1); // 11 waiting: a tenth more, not more than a tenth
    clock = GROWTH_INTERVAL_MS;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(2);
    await add(2); // 13 waiting
    clock = 2 * GROWTH_INTERVAL_MS;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(3);
    await settle(); // one more in flight, 12 waiting
    await add(2); // 14 waiting: grew from the 13 measured, by less than a tenth
    clock = 3 * GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    expect(limiter.concurrency).toBe(3);
    await add(5); // 19 waiting
    clock = 4 * GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    expect(changes).toEqual([3, 5]);
  });

  it('a queue that holds or drains is no reason to grow (a listing page’s burst, drained by the slots)', async () => {
    let clock = 0;
    const { limiter, add } = limiterUnder({ initial: 2, load: () => SOME_LOAD, clock: () => clock });
    await add(20);
    limiter.onSuccess();
    for (clock = 0; clock <= 10 * GROWTH_INTERVAL_MS; clock += 50) limiter.onSuccess();
    expect(limiter.concurrency).toBe(2);
  });

  it('does not grow while the event loop is at least BUSY_LOAD busy, and grows once it has room', async () => {
    let clock = 0;
    let load = BUSY_LOAD;
    const { limiter, add } = limiterUnder({ initial: 2, load: () => load, clock: () => clock });
    await add(4);
    limiter.onQueued();
    for (clock = GROWTH_INTERVAL_MS; clock < STUCK_WINDOW_MS; clock += GROWTH_INTERVAL_MS) {
      await add(4);
      limiter.onQueued();
    }
    expect(limiter.concurrency).toBe(2);
    load = BUSY_LOAD - 0.01;
    await add(4);
    limiter.onQueued();
    expect(limiter.concurrency).toBe(3);
  });

  it('a queue that grew by a tenth over STUCK_WINDOW_MS grows the bound however busy the loop', async () => {
    let clock = 0;
    const { limiter, changes, add } = limiterUnder({ initial: 2, load: () => 0.99, clock: () => clock });
    await add(12); // 10 waiting
    limiter.onQueued();
    // Bursts and drains in between (a listing's pages): over the window, 10 → 12 waiting.
    clock = GROWTH_INTERVAL_MS;
    await add(6);
    limiter.onQueued();
    clock = STUCK_WINDOW_MS - GROWTH_INTERVAL_MS;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(2);
    clock = STUCK_WINDOW_MS;
    limiter.onQueued(); // 16 waiting against 10 a window ago
    expect(changes).toEqual([3]);
    // A queue that held over the next window: no step.
    await settle();
    clock = 2 * STUCK_WINDOW_MS;
    limiter.onQueued();
    expect(changes).toEqual([3]);
  });

  it('a backlog is at least half as many waiting as there are slots, for a whole interval', async () => {
    let clock = 0;
    const { limiter, add } = limiterUnder({ initial: 4, load: () => 0, clock: () => clock });
    await add(5); // 1 waiting for 4 slots: no backlog
    limiter.onQueued();
    clock = 100;
    await add(1); // 2 waiting: a backlog from 100
    limiter.onQueued();
    clock = 100 + GROWTH_INTERVAL_MS - 1;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(4);
    clock = 100 + GROWTH_INTERVAL_MS;
    limiter.onQueued();
    expect(limiter.concurrency).toBe(8);
  });

  it('after a throttle, grows by one slot per interval of backlog, however idle', async () => {
    let clock = 0;
    const { limiter, add } = limiterUnder({ initial: 4, load: () => 0, clock: () => clock });
    await add(12); // 4 in flight, 8 waiting
    limiter.onThrottle();
    expect(limiter.concurrency).toBe(2);
    limiter.onSuccess();
    clock = GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    expect(limiter.concurrency).toBe(3);
    clock = 2 * GROWTH_INTERVAL_MS;
    limiter.onSuccess();
    expect(limiter.concurrency).toBe(4);
  });

  it('without a load, queueing alone changes nothing (plain AIMD)', async () => {
    const limiter = new AdaptiveConcurrency({ max: 8, initial: 2 });
    for (let i = 0; i < 10; i += 1) void limiter.limit(() => new Promise<void>(() => undefined));
    limiter.onQueued();
    expect(limiter.concurrency).toBe(2);
  });
});
