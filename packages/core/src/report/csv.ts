import type { AccountAuditResult, AuditReport } from '../domain/audit.js';

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
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets never evaluate a cell as a formula. */
function cell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

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
    result.findings.map((finding) => finding.code).join(' '),
    result.findings[0]?.severity ?? '',
  ];
}

export const CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

/** One account's line. */
export function csvLine(result: AccountAuditResult): string {
  return `${row(result).map(cell).join(',')}\r\n`;
}

/** One line per account, for spreadsheets, a line at a time. */
export function* csvChunks(report: AuditReport): Generator<string> {
  yield CSV_HEADER;
  for (const result of report.accounts) yield csvLine(result);
}
