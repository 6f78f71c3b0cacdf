import type { AccountAuditResult, AuditSummary } from '../domain/audit.js';

export function summarizeResults(results: readonly AccountAuditResult[]): AuditSummary {
  const summary: AuditSummary = {
    accounts: results.length,
    clean: 0,
    exposed: 0,
    unknown: 0,
    skipped: 0,
    findings: { critical: 0, high: 0, medium: 0, low: 0 },
  };
  for (const result of results) {
    summary[result.status] += 1;
    for (const finding of result.findings) summary.findings[finding.severity] += 1;
  }
  return summary;
}
