import { describe, expect, it } from 'vitest';
import { chooseAccountLookup, parallelSeconds, sequentialSeconds } from './lookup-cost.js';

describe('quota costs', () => {
  it.each([
    // calls, latency, rate, burst, seconds
    [0, 0.03, 5, 8, 0],
    [8, 0.03, 5, 8, 0.03],
    [18, 0.03, 5, 8, 2.03],
    [30, 0.05, 20, 30, 0.05],
  ])('%i parallel calls at %f s under %i/s burst %i take %f s', (calls, latency, rate, burst, seconds) => {
    expect(parallelSeconds(calls, latency, { rate, burst })).toBeCloseTo(seconds, 5);
  });

  it.each([
    [1, 0.03, 8, 12, 0.03],
    [12, 0.03, 8, 12, 0.36],
    // After the burst, one page per 1/8 s (the 30 ms round trip hides inside the wait).
    [500, 0.03, 8, 12, 61.0],
  ])(
    '%i sequential pages at %f s under %i/s burst %i take about %f s',
    (calls, latency, rate, burst, seconds) => {
      expect(sequentialSeconds(calls, latency, { rate, burst })).toBeCloseTo(seconds, 0);
    },
  );
});

describe('chooseAccountLookup', () => {
  it.each([
    // selected, organization size (undefined: unknown), strategy
    [1, undefined, 'describe'],
    [30, undefined, 'describe'],
    [1000, undefined, 'describe'],
    [2000, undefined, 'list'],
    [10_000, undefined, 'list'],
    [1, 20, 'describe'],
    [40, 100, 'list'],
    [100, 10_000, 'describe'],
    [500, 1000, 'list'],
  ] as const)('%i accounts selected in an organization of %s: %s', (selected, organizationSize, strategy) => {
    expect(chooseAccountLookup({ selected, organizationSize }).strategy).toBe(strategy);
  });

  it('costs both strategies', () => {
    const choice = chooseAccountLookup({ selected: 1, latencySeconds: 0.03 });
    expect(choice.describeSeconds).toBeCloseTo(0.03, 5);
    expect(choice.listSeconds).toBeGreaterThan(60);
  });
});
