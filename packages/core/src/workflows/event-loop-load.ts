import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** Node's `performance.eventLoopUtilization`: since the start, or since a given earlier reading. */
type Utilization = (since?: EventLoopUtilization) => EventLoopUtilization;

/**
 * The event loop's utilisation over the last whole window, 0..1: the share of the time the loop spent
 * running callbacks rather than waiting for I/O (Node's `performance.eventLoopUtilization`,
 * https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2).
 * Until a first window has passed it reports 1 (busy): start-up, while modules compile and code is
 * not yet optimised, is the busiest moment of a run.
 */
export function eventLoopLoad(
  windowMs = 125,
  clock: () => number = () => performance.now(),
  utilization: Utilization = (since) => performance.eventLoopUtilization(since),
): () => number {
  let mark = utilization();
  let markedAt = clock();
  let load = 1;
  return () => {
    const now = clock();
    if (now - markedAt < windowMs) return load;
    load = utilization(mark).utilization;
    mark = utilization();
    markedAt = now;
    return load;
  };
}
