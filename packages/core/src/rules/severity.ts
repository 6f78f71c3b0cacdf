import type { SeverityCounts } from '../domain/audit.js';
import type { FailOn, Severity } from '../domain/common.js';

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[b] - RANK[a];
}

/** True when a finding of `severity` is at or above the `--fail-on` threshold. */
export function meetsThreshold(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && RANK[severity] >= RANK[failOn];
}

/** True when any counted finding is at or above the threshold. */
export function countsMeetThreshold(counts: SeverityCounts, failOn: FailOn): boolean {
  return (Object.keys(RANK) as Severity[]).some(
    (severity) => counts[severity] > 0 && meetsThreshold(severity, failOn),
  );
}
