import { describe, expect, it } from 'vitest';
import { Pacer, type PacerClock } from './pacer.js';

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

/** One paced operation at (rate, burst): the times its first `count` calls were let through. */
async function grantTimes(
  quota: readonly [rate: number, burst: number],
  clock: PacerClock & { time: number },
  count: number,
): Promise<number[]> {
  const pacer = new Pacer({ Listing: quota }, clock);
  const times: number[] = [];
  for (let call = 0; call < count; call += 1) {
    await pacer.take('Listing');
    times.push(clock.time);
  }
  return times;
}

describe('Pacer', () => {
  it('lets the burst less half a request through at once, then one request per 1/rate seconds', async () => {
    const clock = lateClock(0);
    const times = await grantTimes([5, 8], clock, 11);
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 100, 300, 500, 700]);
  });

  it('keeps the whole burst of an operation allowed 2 at once (ListRoots, DescribeOrganization)', async () => {
    const clock = lateClock(0);
    expect(await grantTimes([1, 2], clock, 4)).toEqual([0, 0, 1000, 2000]);
  });

  it('keeps the published rate when timers fire late (the lateness is not lost)', async () => {
    const clock = lateClock(30);
    const times = await grantTimes([5, 8], clock, 7 + 33);
    // 7 at once, then 33 paced calls at 5/s from half a token: 6.5 s, plus at most one timer's
    // lateness (a bucket that lost each late timer's delay took 33 × 230 ms = 7.59 s).
    expect(times.at(-1)).toBeGreaterThanOrEqual(6500);
    expect(times.at(-1)).toBeLessThanOrEqual(6530);
  });

  it('never grants more than burst + rate × elapsed, however late the timers', async () => {
    for (const late of [0, 7, 30, 150, 450]) {
      const clock = lateClock(late);
      const times = await grantTimes([5, 8], clock, 60);
      // AWS's bucket (8 at once, 5/s) always holds half a request more than the calls let through.
      times.forEach((time, index) => {
        expect(index + 1).toBeLessThanOrEqual(8 - 0.5 + (time / 1000) * 5 + 1e-9);
      });
    }
  });
});
