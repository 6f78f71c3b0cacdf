import type { AccountAuditResult, AuditSummary } from '../domain/audit.js';

/** Counts results one at a time (a streamed audit keeps no results to summarize at the end). */
export class SummaryCounter {
  readonly #summary: AuditSummary = {
    accounts: 0,
    clean: 0,
    exposed: 0,
    unknown: 0,
    skipped: 0,
    findings: { critical: 0, high: 0, medium: 0, low: 0 },
  };

  add(result: Pick<AccountAuditResult, 'status' | 'findings'>): void {
    this.#summary.accounts += 1;
    this.#summary[result.status] += 1;
    for (const finding of result.findings) this.#summary.findings[finding.severity] += 1;
  }

  summary(): AuditSummary {
    return structuredClone(this.#summary);
  }
}

export function summarizeResults(results: readonly AccountAuditResult[]): AuditSummary {
  const counter = new SummaryCounter();
  for (const result of results) counter.add(result);
  return counter.summary();
}
