import type { AccountAuditResult, AuditReport, AuditSummary, SeverityCounts } from '../domain/audit.js';
import { SEVERITIES } from '../domain/common.js';
import type { ExpiredException, FindingException } from '../domain/exception.js';
import type { Acceptance, Finding } from '../domain/finding.js';
import { summarizeResults } from './summarize.js';

/** How an accepted finding is labelled in text reports: `accepted until 2027-03-31 by platform-team: reason`. */
export function describeAcceptance(accepted: Acceptance): string {
  return `accepted until ${accepted.expiresAt.slice(0, 10)} by ${accepted.owner}: ${accepted.reason}`;
}

/** The exception that covers a finding of an account, if any: a finding-specific one wins over an account-wide one. */
function matching(
  exceptions: readonly FindingException[],
  accountId: string,
  finding: Finding,
): FindingException[] {
  return exceptions
    .filter(
      (exception) =>
        exception.accountId === accountId &&
        (exception.findingCode === null || exception.findingCode === finding.code),
    )
    .sort(
      (a, b) =>
        Number(b.findingCode !== null) - Number(a.findingCode !== null) ||
        b.expiresAt.localeCompare(a.expiresAt),
    );
}

export interface AccountAcceptance {
  result: AccountAuditResult;
  /** Exceptions that would have matched a finding but had expired at `now`. */
  expired: ExpiredException[];
  applied: number;
}

/**
 * Marks the findings of one account that an exception accepts at `now`. An expired exception stops
 * applying by itself: the finding counts again and the expired exception is named.
 */
export function acceptFindings(
  result: AccountAuditResult,
  exceptions: readonly FindingException[],
  now: Date,
): AccountAcceptance {
  if (result.findings.length === 0 || exceptions.length === 0) return { result, expired: [], applied: 0 };
  const expired = new Map<string, ExpiredException>();
  let applied = 0;
  const findings = result.findings.map((finding): Finding => {
    const { accepted: _previous, ...plain } = finding;
    const candidates = matching(exceptions, result.accountId, plain);
    const active = candidates.find((exception) => Date.parse(exception.expiresAt) > now.getTime());
    if (!active)
      for (const exception of candidates)
        expired.set(exception.id, {
          exceptionId: exception.id,
          accountId: exception.accountId,
          findingCode: exception.findingCode,
          owner: exception.owner,
          expiresAt: exception.expiresAt,
        });
    if (!active) return plain;
    applied += 1;
    return {
      ...plain,
      accepted: {
        exceptionId: active.id,
        reason: active.reason,
        owner: active.owner,
        expiresAt: active.expiresAt,
        source: active.source,
      },
    };
  });
  return { result: { ...result, findings }, expired: [...expired.values()], applied };
}

/**
 * Accepts findings account by account as results stream, and remembers what it applied: the report's
 * `exceptions` section and the accepted counts (for a streamed report whose summary was counted before
 * acceptance) come from it at the end.
 */
export class ExceptionTracker {
  readonly #exceptions: readonly FindingException[];
  readonly #now: Date;
  readonly #expired = new Map<string, ExpiredException>();
  readonly #accepted: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  #applied = 0;

  constructor(exceptions: readonly FindingException[], now: Date) {
    this.#exceptions = exceptions;
    this.#now = now;
  }

  get active(): boolean {
    return this.#exceptions.length > 0;
  }

  accept(result: AccountAuditResult): AccountAuditResult {
    if (!this.active) return result;
    const outcome = acceptFindings(result, this.#exceptions, this.#now);
    this.#applied += outcome.applied;
    for (const entry of outcome.expired) this.#expired.set(entry.exceptionId, entry);
    for (const finding of outcome.result.findings)
      if (finding.accepted) this.#accepted[finding.severity] += 1;
    return outcome.result;
  }

  /** A summary counted without acceptance, with the accepted findings moved under `accepted`. */
  adjust(summary: AuditSummary): AuditSummary {
    if (this.#applied === 0) return summary;
    const findings = { ...summary.findings };
    for (const severity of SEVERITIES)
      findings[severity] = Math.max(0, findings[severity] - this.#accepted[severity]);
    return { ...summary, findings, accepted: { ...this.#accepted } };
  }

  section(): NonNullable<AuditReport['exceptions']> {
    return { applied: this.#applied, expired: [...this.#expired.values()] };
  }
}

/** The report with every finding an exception accepts marked, the summary recounted, and expired exceptions named. */
export function applyExceptions(
  report: AuditReport,
  exceptions: readonly FindingException[],
  now: Date,
): AuditReport {
  if (exceptions.length === 0) return report;
  const { exceptions: _previous, ...rest } = report;
  const expired = new Map<string, ExpiredException>();
  let applied = 0;
  const accounts = report.accounts.map((account) => {
    const outcome = acceptFindings(account, exceptions, now);
    applied += outcome.applied;
    for (const entry of outcome.expired) expired.set(entry.exceptionId, entry);
    return outcome.result;
  });
  return {
    ...rest,
    summary: summarizeResults(accounts),
    exceptions: { applied, expired: [...expired.values()] },
    accounts,
  };
}
