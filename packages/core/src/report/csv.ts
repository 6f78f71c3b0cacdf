import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import { explainUnknownAccount } from '../rules/explain-unknown.js';
import { neutralizeCsvField } from './neutralize.js';

const COLUMNS = [
  'account_id',
  'account_name',
  'ou_path',
  'state',
  'status',
  'skip_reason',
  'error_code',
  'password',
  'password_last_used',
  'active_access_keys',
  'inactive_access_keys',
  'access_key_ids',
  'signing_certificates',
  'mfa_devices',
  'findings',
  'highest_severity',
  // Appended (spreadsheets address columns by position): why an unknown account was not audited.
  'error',
  'fix',
] as const;

function row(result: AccountAuditResult): string[] {
  const credentials = result.rootCredentials;
  const keys = credentials?.accessKeys ?? [];
  return [
    result.accountId,
    result.name,
    result.ouPathText,
    result.state,
    result.status,
    result.skipReason ?? '',
    result.error?.code ?? '',
    credentials ? (credentials.loginProfile ? 'yes' : 'no') : '',
    credentials?.loginProfile ? (credentials.passwordLastUsed ?? '') : '',
    credentials ? String(keys.filter((key) => key.status === 'Active').length) : '',
    credentials ? String(keys.filter((key) => key.status !== 'Active').length) : '',
    keys.map((key) => key.accessKeyId).join(' '),
    credentials ? String(credentials.signingCertificates.length) : '',
    (credentials?.mfaDevices ?? []).map((device) => device.kind).join(' '),
    // An accepted finding stays listed, marked with the last day its exception applies.
    result.findings
      .map((finding) =>
        finding.accepted
          ? `${finding.code}[accepted-until-${finding.accepted.expiresAt.slice(0, 10)}]`
          : finding.code,
      )
      .join(' '),
    result.findings[0]?.severity ?? '',
    ...unknownColumns(result),
  ];
}

export const CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

/** One account's line. */
export function csvLine(result: AccountAuditResult): string {
  return `${row(result).map(neutralizeCsvField).join(',')}\r\n`;
}

function unknownColumns(result: AccountAuditResult): [string, string] {
  if (result.status !== 'unknown') return ['', ''];
  const { summary, fix } = explainUnknownAccount(result.error?.code ?? 'AWS_ERROR', result.accountId);
  return [summary, fix];
}

/** One line per account, for spreadsheets, a line at a time. */
export function* csvChunks(report: AuditReport): Generator<string> {
  yield CSV_HEADER;
  for (const result of report.accounts) yield csvLine(result);
}
