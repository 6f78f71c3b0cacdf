import { compileActionPatterns } from './state/credentials.js';
import { createRandom, type Random } from './util/random.js';

export type FaultKind = 'throttle' | 'internal' | 'unavailable' | 'drop' | 'random';

/** Injects a fault into a share of requests, optionally only for some operations. */
export interface FaultRule {
  /** `iam:GetUser`, `organizations:*`, `*` (default). */
  operation?: string;
  /** Probability 0..1 per matching request. */
  rate: number;
  /** `random` picks throttle / internal / unavailable / drop uniformly. */
  kind: FaultKind;
  /** Stop after this many injections. */
  count?: number;
}

export interface LatencyConfig {
  fixedMs: number;
  jitterMs: number;
  /** Overrides per operation (`sts:AssumeRoot`). */
  perOperation?: Record<string, { fixedMs: number; jitterMs: number }>;
}

const KINDS = ['throttle', 'internal', 'unavailable', 'drop'] as const;

/** Latency and faults share one seeded PRNG so a run is reproducible from its seed. */
export class FaultInjector {
  private random: Random;
  private rules: { rule: FaultRule; matches: (api: string) => boolean; fired: number }[] = [];
  latency: LatencyConfig;

  constructor(seed: number, latency: LatencyConfig, faults: FaultRule[]) {
    this.random = createRandom(seed);
    this.latency = latency;
    this.setFaults(faults);
  }

  setFaults(faults: FaultRule[]): void {
    for (const rule of faults) {
      if (!(rule.rate >= 0 && rule.rate <= 1))
        throw new Error(`fault rate must be between 0 and 1 (got ${rule.rate})`);
      if (![...KINDS, 'random'].includes(rule.kind))
        throw new Error(`unknown fault kind ${String(rule.kind)}`);
    }
    this.rules = faults.map((rule) => ({
      rule: { ...rule },
      matches: compileActionPatterns([rule.operation ?? '*']),
      fired: 0,
    }));
  }

  faults(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  reseed(seed: number): void {
    this.random = createRandom(seed);
  }

  /** The fault to inject for this API call, if any. */
  pick(api: string): Exclude<FaultKind, 'random'> | undefined {
    for (const entry of this.rules) {
      if (entry.rule.count !== undefined && entry.fired >= entry.rule.count) continue;
      if (!entry.matches(api)) continue;
      if (this.random.next() >= entry.rule.rate) continue;
      entry.fired += 1;
      return entry.rule.kind === 'random' ? this.random.pick(KINDS) : entry.rule.kind;
    }
    return undefined;
  }

  delayMs(api: string): number {
    const config = this.latency.perOperation?.[api] ?? this.latency;
    if (config.fixedMs <= 0 && config.jitterMs <= 0) return 0;
    return Math.max(0, config.fixedMs + (config.jitterMs > 0 ? this.random.next() * config.jitterMs : 0));
  }
}
