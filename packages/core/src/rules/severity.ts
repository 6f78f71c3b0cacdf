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

/** Findings per severity, accepted ones (exceptions) left out: they no longer count against an account. */
export function countOpenFindings(
  findings: readonly { severity: Severity; accepted?: unknown }[],
): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) if (finding.accepted === undefined) counts[finding.severity] += 1;
  return counts;
}

/**
 * Which of two accounts is worse, for "the worst accounts" (`audit --summary`): more critical findings
 * first, then more high, medium, low. Negative when `a` is worse; 0 when alike.
 */
export function compareRisk(a: SeverityCounts, b: SeverityCounts): number {
  for (const severity of ['critical', 'high', 'medium', 'low'] as const)
    if (a[severity] !== b[severity]) return b[severity] - a[severity];
  return 0;
}
