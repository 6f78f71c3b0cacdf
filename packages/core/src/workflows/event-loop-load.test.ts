import type { EventLoopUtilization } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { eventLoopLoad } from './event-loop-load.js';

describe('eventLoopLoad', () => {
  it('reports busy until a window has passed, then each whole window’s utilisation', () => {
    let clock = 0;
    // A loop whose active time grows by `busy` ms per elapsed ms: cumulative readings as Node gives them.
    let busy = 0.5;
    let active = 0;
    let at = 0;
    const advance = (to: number) => {
      active += (to - at) * busy;
      at = to;
      clock = to;
    };
    const reading = (): EventLoopUtilization => ({
      idle: at - active,
      active,
      utilization: active / (at || 1),
    });
    const utilization = (since?: EventLoopUtilization): EventLoopUtilization => {
      const now = reading();
      if (since === undefined) return now;
      const activeDelta = now.active - since.active;
      const idleDelta = now.idle - since.idle;
      return { active: activeDelta, idle: idleDelta, utilization: activeDelta / (activeDelta + idleDelta) };
    };
    const load = eventLoopLoad(250, () => clock, utilization);
    advance(100);
    expect(load()).toBe(1);
    advance(250);
    expect(load()).toBeCloseTo(0.5);
    busy = 0.9;
    advance(400); // within the next window: the last whole window's figure
    expect(load()).toBeCloseTo(0.5);
    advance(500);
    expect(load()).toBeCloseTo(0.9);
  });
});
