import { describe, expect, it } from 'vitest';
import { type PacerClock, TokenBucket } from './pacer.js';

/** Simulated time: every sleep wakes `lateMs` after it was due, as timers do on a busy event loop. */
function lateClock(lateMs: number): PacerClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms + lateMs;
    },
  };
  return clock;
}

async function grantTimes(bucket: TokenBucket, clock: { time: number }, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let call = 0; call < count; call += 1) {
    await bucket.take();
    times.push(clock.time);
  }
  return times;
}

describe('TokenBucket', () => {
  it('grants the burst at once, then one token per 1/rate seconds', async () => {
    const clock = lateClock(0);
    const times = await grantTimes(new TokenBucket(5, 8, clock), clock, 12);
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 200, 400, 600, 800]);
  });

  it('keeps the published rate when timers fire late (the lateness is not lost)', async () => {
    const clock = lateClock(30);
    const times = await grantTimes(new TokenBucket(5, 8, clock), clock, 8 + 33);
    // 33 paced calls at 5/s: 6.6 s, plus at most one timer's lateness (the old bucket took 7.59 s).
    expect(times.at(-1)).toBeGreaterThanOrEqual(6600);
    expect(times.at(-1)).toBeLessThanOrEqual(6630);
  });

  it('never grants more than burst + rate × elapsed, however late the timers', async () => {
    for (const late of [0, 7, 30, 150, 450]) {
      const clock = lateClock(late);
      const times = await grantTimes(new TokenBucket(5, 8, clock), clock, 60);
      times.forEach((time, index) => {
        expect(index + 1).toBeLessThanOrEqual(8 + (time / 1000) * 5 + 1e-9);
      });
    }
  });
});
