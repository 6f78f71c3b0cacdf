import {
  type AccountAuditResult,
  type AuditReport,
  byAccountId,
  describeAcceptance,
  explainUnknownAccount,
  neutralizeStringsForTerminal,
  REPORT_FORMATS,
  type ReportExtras,
  reportChunks,
} from '@rootwarden/core';
import { colorSeverity, colorStatus, colors } from './colors.js';
import { tableLines } from './table.js';

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

/**
 * Between the fields of a compact row, and between the findings of one account: the text they join
 * is either ours or neutralized for the terminal, which leaves no C0 control character in it.
 */
const FIELD = '\u0000';
const ENTRY = '\u0001';

interface TableAccount {
  accountId: string;
  /** The row's cells, joined by FIELD. */
  row: string;
  /** Each finding as severity, code and message joined by FIELD; findings joined by ENTRY ('' for none). */
  findings: string;
  /** Why it could not be audited, and the fix (unknown accounts only). */
  notAudited?: string;
}

/** Lines of the table output handed to the writer at a time. */
const LINES_PER_CHUNK = 256;

/**
 * The terminal table built from results as they stream in: one compact row (its cells and its
 * findings as two strings) per account, never the full results, and rendered line by line, never as
 * one string: a 10,000-account table costs about what the jsonl report costs (issue 17).
 */
export class AuditTable {
  readonly #accounts: TableAccount[] = [];
  #codeWidth = 0;

  add(untrustedResult: AccountAuditResult): void {
    // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
    const result = neutralizeStringsForTerminal(untrustedResult);
    for (const finding of result.findings) this.#codeWidth = Math.max(this.#codeWidth, finding.code.length);
    this.#accounts.push({
      accountId: result.accountId,
      row: [
        result.accountId,
        result.name,
        result.ouPathText || '-',
        colorStatus(result.status),
        password(result),
        keys(result),
        result.rootCredentials ? String(result.rootCredentials.signingCertificates.length) : '-',
        mfa(result),
        findings(result),
      ].join(FIELD),
      findings: result.findings
        .map(({ severity, code, message, accepted }) =>
          [severity, code, accepted ? `${message} (${describeAcceptance(accepted)})` : message].join(FIELD),
        )
        .join(ENTRY),
      ...(result.status === 'unknown' ? { notAudited: notAudited(result) } : {}),
    });
  }

  /**
   * One row per account (sorted by id, like the report), the summary, then each finding and each
   * account not audited: the output in chunks of lines, each line ending in a newline.
   */
  *render(report: Omit<AuditReport, 'accounts'>): Generator<string> {
    this.#accounts.sort(byAccountId);
    let chunk: string[] = [];
    for (const line of this.#lines(report)) {
      chunk.push(line);
      if (chunk.length === LINES_PER_CHUNK) {
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
  }

  *#lines(report: Omit<AuditReport, 'accounts'>): Generator<string> {
    const accounts = this.#accounts;
    yield* tableLines(
      ['ACCOUNT', 'NAME', 'OU PATH', 'STATUS', 'PASSWORD', 'KEYS', 'CERTS', 'MFA', 'FINDINGS'],
      function* () {
        for (const account of accounts) yield account.row.split(FIELD);
      },
    );
    yield '';
    yield summaryLine(report);
    if (accounts.some((account) => account.findings !== '')) {
      yield '';
      yield 'Findings:';
      for (const account of accounts) {
        if (account.findings === '') continue;
        for (const entry of account.findings.split(ENTRY)) {
          const [severity = '', code = '', message = ''] = entry.split(FIELD);
          yield `  ${account.accountId}  ${colorSeverity(severity)}${' '.repeat(8 - severity.length)}  ${code.padEnd(this.#codeWidth)}  ${message}`;
        }
      }
    }
    if (accounts.some((account) => account.notAudited !== undefined)) {
      yield '';
      yield 'Not audited:';
      for (const account of accounts) if (account.notAudited !== undefined) yield account.notAudited;
    }
  }
}

/** The default terminal view: one row per account, the summary, then each finding. */
function renderAuditTable(report: AuditReport): Iterable<string> {
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
  return format === 'table' ? renderAuditTable(report) : reportChunks(report, format, toolVersion, extras);
}
