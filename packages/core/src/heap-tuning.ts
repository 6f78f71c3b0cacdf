import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * The largest young generation (both semi-spaces) the binaries let V8 grow to. V8 doubles it up to
 * 32 MB (two 16 MB semi-spaces) during start-up and keeps it; 8 MB cut a 1,000-account audit's peak
 * RSS by about 25 MB, 4 MB by about 5 MB more, each for a few percent more CPU and the same wall time
 * (README, "Performance").
 */
export const YOUNG_GENERATION_LIMIT_BYTES = 4 * 1024 * 1024;

/** V8's default `--semi-space-growth-factor`: each growth of the young generation doubles it. */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * The `--semi-space-growth-factor` that keeps the young generation at `limit`: V8's doubling while
 * it is smaller, 1 (no growth) once it has reached the limit. V8 only grows the young generation in
 * whole doublings, so a power-of-two limit is reached exactly.
 */
export function semiSpaceGrowthFactor(
  youngGenerationBytes: number,
  limit = YOUNG_GENERATION_LIMIT_BYTES,
): number {
  return youngGenerationBytes >= limit ? 1 : DEFAULT_GROWTH_FACTOR;
}

let tuned = false;

/**
 * Small-footprint V8 settings for the three binaries, applied once at start-up.
 *
 * - The old generation grows by at most a fifth of what survived the last full collection
 *   (`--heap-growing-percent=20`; V8's default, up to 4x on a machine with RAM to spare, let a
 *   10,000-account audit whose live heap stays near 30 MB reach 250 MB RSS; 50 left a 1,000-account
 *   audit about 4 MB higher than 20).
 * - The young generation stops growing at YOUNG_GENERATION_LIMIT_BYTES. Its real cap,
 *   `--max-semi-space-size`, is read only when the heap is created (a command-line flag, which a
 *   `#!/usr/bin/env node` binary cannot pass); the growth factor is read at every growth, so after
 *   each collection the factor is set to 1 once the limit is reached, back to 2 if V8 shrank it.
 * - No Maglev (`--no-maglev`): hot functions go from the baseline tier straight to TurboFan, as on
 *   Node 20 and 22 (`node --v8-options` of 20.20 and 22.23: `default: --no-maglev`; Node 24 turns
 *   it on). Maglev, V8's mid-tier optimizing compiler, compiles warm functions, at a lower threshold
 *   than TurboFan, on V8's worker threads; their compilation zones land in those threads' malloc
 *   arenas, which keep the memory. heaptrack of a 1,000-account audit: the malloc peak fell from
 *   20.4 MB (10.1 MB of it compiler zones, mostly Maglev jobs) to 14.0 MB (6.1 MB), and peak RSS
 *   from a mean of 119.8 MB to 112.2 MB (8 interleaved runs each), for about 10% more CPU and the
 *   same wall time (README, "Performance"). V8 reads the flag at each tier-up decision, so setting
 *   it before any of our code has run is enough.
 */
export function tuneHeapForSmallFootprint(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--heap-growing-percent=20');
  setFlagsFromString('--no-maglev');
  let factor = DEFAULT_GROWTH_FACTOR;
  const adjust = () => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (!young) return;
    const wanted = semiSpaceGrowthFactor(young.space_size);
    if (wanted === factor) return;
    factor = wanted;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
  };
  // One callback per collection (a scavenge every few MB allocated): cheap beside the collection.
  new PerformanceObserver(adjust).observe({ entryTypes: ['gc'] });
}
