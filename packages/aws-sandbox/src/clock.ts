/**
 * The sandbox clock: wall-clock time plus a settable offset. Session expiry, Expiration values and
 * relative scenario dates use it; SigV4 request-time checks and quota buckets use real time.
 */
export interface Clock {
  now(): number;
  set(time: Date | number | string): void;
  advance(ms: number): void;
  reset(): void;
  offsetMs(): number;
}

export function createClock(): Clock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    set: (time) => {
      const target =
        time instanceof Date ? time.getTime() : typeof time === 'string' ? Date.parse(time) : time;
      if (Number.isNaN(target)) throw new Error(`invalid clock time: ${String(time)}`);
      offset = target - Date.now();
    },
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
    offsetMs: () => offset,
  };
}
