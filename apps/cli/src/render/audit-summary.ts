import {
  type AccountAuditResult,
  type AuditReport,
  byAccountId,
  compareRisk,
  countOpenFindings,
  explainUnknownAccount,
  neutralizeForTerminal,
  type Severity,
  type SeverityCounts,
} from '@rootwarden/core';
import { summaryLine } from './audit.js';
import { colorSeverity, colors } from './colors.js';
import { renderTable } from './table.js';

/** How many of the worst accounts `audit --summary` lists. */
export const WORST_ACCOUNTS = 10;

interface Ranked {
  accountId: string;
  name: string;
  ouPath: string;
  counts: SeverityCounts;
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * `audit --summary`, for organizations too large to read row by row: the counts, each finding code with
 * how many accounts have it, the worst accounts and the reasons accounts could not be audited. Results
 * stream in and only the worst few are kept, so memory stays flat however large the organization.
 */
export class AuditSummaryView {
  readonly #worst: Ranked[] = [];
  readonly #byCode = new Map<string, { severity: Severity; accounts: number }>();
  readonly #unknownByCode = new Map<string, number>();

  add(result: AccountAuditResult): void {
    if (result.status === 'unknown') {
      const code = result.error?.code ?? 'AWS_ERROR';
      this.#unknownByCode.set(code, (this.#unknownByCode.get(code) ?? 0) + 1);
      return;
    }
    const open = result.findings.filter((finding) => finding.accepted === undefined);
    for (const code of new Set(open.map((finding) => finding.code))) {
      const severity = open.find((finding) => finding.code === code)?.severity as Severity;
      const entry = this.#byCode.get(code) ?? { severity, accounts: 0 };
      entry.accounts += 1;
      this.#byCode.set(code, entry);
    }
    if (open.length === 0) return;
    const ranked: Ranked = {
      accountId: result.accountId,
      name: neutralizeForTerminal(result.name),
      ouPath: neutralizeForTerminal(result.ouPathText || '-'),
      counts: countOpenFindings(open),
    };
    const at = this.#worst.findIndex((other) => byRiskThenId(ranked, other) < 0);
    this.#worst.splice(at === -1 ? this.#worst.length : at, 0, ranked);
    if (this.#worst.length > WORST_ACCOUNTS) this.#worst.pop();
  }

  render(report: Omit<AuditReport, 'accounts'>): string {
    const lines = [summaryLine(report)];
    if (this.#byCode.size > 0) {
      const codes = [...this.#byCode].sort(
        ([codeA, a], [codeB, b]) =>
          SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
          b.accounts - a.accounts ||
          (codeA < codeB ? -1 : 1),
      );
      lines.push(
        '',
        'Findings by code:',
        renderTable(
          ['SEVERITY', 'CODE', 'ACCOUNTS'],
          codes.map(([code, { severity, accounts }]) => [colorSeverity(severity), code, String(accounts)]),
        ),
      );
    }
    if (this.#worst.length > 0) {
      lines.push(
        '',
        `Worst ${this.#worst.length} account${this.#worst.length === 1 ? '' : 's'}:`,
        renderTable(
          ['ACCOUNT', 'NAME', 'OU PATH', ...SEVERITIES.map((severity) => severity.toUpperCase())],
          this.#worst.map((account) => [
            account.accountId,
            account.name,
            account.ouPath,
            ...SEVERITIES.map((severity) => String(account.counts[severity])),
          ]),
        ),
      );
    }
    if (this.#unknownByCode.size > 0) {
      lines.push('', 'Not audited:');
      for (const [code, count] of this.#unknownByCode) {
        // The fix names one account in the full views; here it stands for all of them.
        const { summary } = explainUnknownAccount(code, 'ACCOUNT_ID');
        lines.push(`  ${count} account${count === 1 ? '' : 's'}  ${colors.yellow(code)}  ${summary}`);
      }
    }
    lines.push(
      '',
      'Every account and finding: the same audit without --summary, or `rootwarden audits show ID --format csv`.',
    );
    return lines.join('\n');
  }
}

function byRiskThenId(a: Ranked, b: Ranked): number {
  return compareRisk(a.counts, b.counts) || byAccountId(a, b);
}
