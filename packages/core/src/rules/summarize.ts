import type { AccountAuditResult, AuditSummary, SeverityCounts } from '../domain/audit.js';

/** Counts by status and severity; a finding an exception accepts counts under `accepted`, not `findings`. */
export function summarizeResults(results: readonly AccountAuditResult[]): AuditSummary {
  const summary: AuditSummary = {
    accounts: results.length,
    clean: 0,
    exposed: 0,
    unknown: 0,
    skipped: 0,
    findings: { critical: 0, high: 0, medium: 0, low: 0 },
  };
  let accepted: SeverityCounts | undefined;
  for (const result of results) {
    summary[result.status] += 1;
    for (const finding of result.findings) {
      if (finding.accepted) {
        accepted ??= { critical: 0, high: 0, medium: 0, low: 0 };
        accepted[finding.severity] += 1;
      } else summary.findings[finding.severity] += 1;
    }
  }
  if (accepted) summary.accepted = accepted;
  return summary;
}
