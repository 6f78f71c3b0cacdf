import type { AccountAuditResult, AuditSummary, SeverityCounts } from '../domain/audit.js';

/**
 * Counts results one at a time (a streamed audit keeps no results to summarize at the end). A finding
 * an exception accepts counts under `accepted`, not `findings` (what --fail-on reads).
 */
export class SummaryCounter {
  readonly #summary: AuditSummary = {
    accounts: 0,
    clean: 0,
    exposed: 0,
    unknown: 0,
    skipped: 0,
    findings: { critical: 0, high: 0, medium: 0, low: 0 },
  };
  #accepted: SeverityCounts | undefined;

  add(result: Pick<AccountAuditResult, 'status' | 'findings'>): void {
    this.#summary.accounts += 1;
    this.#summary[result.status] += 1;
    for (const finding of result.findings) {
      if (finding.accepted) {
        this.#accepted ??= { critical: 0, high: 0, medium: 0, low: 0 };
        this.#accepted[finding.severity] += 1;
      } else this.#summary.findings[finding.severity] += 1;
    }
  }

  summary(): AuditSummary {
    const summary = structuredClone(this.#summary);
    if (this.#accepted) summary.accepted = { ...this.#accepted };
    return summary;
  }
}

export function summarizeResults(results: readonly AccountAuditResult[]): AuditSummary {
  const counter = new SummaryCounter();
  for (const result of results) counter.add(result);
  return counter.summary();
}
