import {
  type AccountAuditResult,
  type AuditReport,
  describeAcceptance,
  explainUnknownAccount,
  type Finding,
  neutralizeStringsForTerminal,
  REPORT_FORMATS,
  type ReportExtras,
  reportChunks,
} from '@rootwarden/core';
import { colorSeverity, colorStatus, colors } from './colors.js';
import { renderTable } from './table.js';

function day(timestamp: string | null): string {
  return timestamp ? timestamp.slice(0, 10) : 'never';
}

function password(result: AccountAuditResult): string {
  const credentials = result.rootCredentials;
  if (!credentials) return '-';
  if (!credentials.loginProfile) return 'no';
  return `yes (used ${day(credentials.passwordLastUsed)})`;
}

function keys(result: AccountAuditResult): string {
  const list = result.rootCredentials?.accessKeys;
  if (!list) return '-';
  if (list.length === 0) return '0';
  const active = list.filter((key) => key.status === 'Active').length;
  const parts = [
    active > 0 ? `${active} active` : '',
    list.length - active > 0 ? `${list.length - active} inactive` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function mfa(result: AccountAuditResult): string {
  const devices = result.rootCredentials?.mfaDevices;
  if (!devices) return '-';
  return devices.length === 0 ? 'none' : devices.map((device) => device.kind).join(', ');
}

function findings(result: AccountAuditResult): string {
  if (result.status === 'skipped') return colors.dim(result.skipDetail ?? result.skipReason ?? 'skipped');
  if (result.status === 'unknown') {
    const code = result.error?.code ?? 'AWS_ERROR';
    return colors.yellow(`${code}: ${explainUnknownAccount(code, result.accountId).summary}`);
  }
  if (result.findings.length === 0) return '-';
  const counts = new Map<string, number>();
  for (const finding of result.findings)
    counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  return [...counts].map(([severity, count]) => `${count} ${colorSeverity(severity)}`).join(', ');
}

function notAudited(result: AccountAuditResult): string {
  const code = result.error?.code ?? 'AWS_ERROR';
  const { summary, fix } = explainUnknownAccount(code, result.accountId);
  return `  ${result.accountId}  ${colors.yellow(code)}  ${summary}. Fix: ${fix}.`;
}

interface TableAccount {
  accountId: string;
  cells: string[];
  findings: Pick<Finding, 'severity' | 'code' | 'message'>[];
  /** Why it could not be audited, and the fix (unknown accounts only). */
  notAudited?: string;
}

/**
 * The terminal table built from results as they stream in: one compact row (its cells as text) and
 * its finding lines per account, never the full results.
 */
export class AuditTable {
  readonly #accounts: TableAccount[] = [];

  add(untrustedResult: AccountAuditResult): void {
    // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
    const result = neutralizeStringsForTerminal(untrustedResult);
    this.#accounts.push({
      accountId: result.accountId,
      cells: [
        result.accountId,
        result.name,
        result.ouPathText || '-',
        colorStatus(result.status),
        password(result),
        keys(result),
        result.rootCredentials ? String(result.rootCredentials.signingCertificates.length) : '-',
        mfa(result),
        findings(result),
      ],
      findings: result.findings.map(({ severity, code, message, accepted }) => ({
        severity,
        code,
        message: accepted ? `${message} (${describeAcceptance(accepted)})` : message,
      })),
      ...(result.status === 'unknown' ? { notAudited: notAudited(result) } : {}),
    });
  }

  /** One row per account (sorted by id, like the report), the summary, then each finding. */
  render(report: Omit<AuditReport, 'accounts'>): string {
    const accounts = this.#accounts.sort((a, b) =>
      a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
    );
    const lines = [
      renderTable(
        ['ACCOUNT', 'NAME', 'OU PATH', 'STATUS', 'PASSWORD', 'KEYS', 'CERTS', 'MFA', 'FINDINGS'],
        accounts.map((account) => account.cells),
      ),
      '',
      summaryLine(report),
    ];
    const codeWidth = Math.max(
      0,
      ...accounts.flatMap((a) => a.findings.map((finding) => finding.code.length)),
    );
    const findingLines = accounts.flatMap((account) =>
      account.findings.map(
        (finding) =>
          `  ${account.accountId}  ${colorSeverity(finding.severity)}${' '.repeat(8 - finding.severity.length)}  ${finding.code.padEnd(codeWidth)}  ${finding.message}`,
      ),
    );
    if (findingLines.length > 0) lines.push('', 'Findings:', ...findingLines);
    const notAuditedLines = accounts.flatMap((account) => (account.notAudited ? [account.notAudited] : []));
    if (notAuditedLines.length > 0) lines.push('', 'Not audited:', ...notAuditedLines);
    return lines.join('\n');
  }
}

/** The default terminal view: one row per account, the summary, then each finding. */
function renderAuditTable(report: AuditReport): string {
  const table = new AuditTable();
  for (const result of report.accounts) table.add(result);
  return table.render(report);
}

export function summaryLine(report: Pick<AuditReport, 'summary' | 'complete'>): string {
  const { summary } = report;
  const f = summary.findings;
  const head = `${summary.accounts} account${summary.accounts === 1 ? '' : 's'}: ${summary.exposed} exposed, ${summary.clean} clean, ${summary.unknown} unknown, ${summary.skipped} skipped`;
  const tail = `findings: ${f.critical} critical, ${f.high} high, ${f.medium} medium, ${f.low} low`;
  return `${head} · ${tail}${report.complete ? '' : colors.yellow(' · INCOMPLETE (interrupted)')}`;
}

/** The formats of a whole report, on a terminal (`table`) or as a file format (`audit`, `audits show`). */
export const AUDIT_OUTPUT_FORMATS = ['table', ...REPORT_FORMATS] as const;
export type AuditOutputFormat = (typeof AUDIT_OUTPUT_FORMATS)[number];

/** The report in `format`, in chunks to stream (see writeOutput). */
export function renderAuditReport(
  report: AuditReport,
  format: AuditOutputFormat,
  toolVersion: string,
  extras: ReportExtras = {},
): Iterable<string> {
  return format === 'table'
    ? [`${renderAuditTable(report)}\n`]
    : reportChunks(report, format, toolVersion, extras);
}
