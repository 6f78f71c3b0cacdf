import {
  type AuditDiff,
  type AuditListEntry,
  describeCredentialChange,
  describeDrift,
  describeStatusChange,
  neutralizeStringsForTerminal,
} from '@rootwarden/core';
import { colorStatus, colors } from './colors.js';
import { renderTable } from './table.js';

function when(timestamp: string): string {
  return timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `audits list`: one row per saved audit, newest first. */
export function renderAuditList(untrustedAudits: readonly AuditListEntry[], database: string): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const audits = neutralizeStringsForTerminal(untrustedAudits);
  if (audits.length === 0)
    return `No saved audits in ${database}.\nRun \`rootwarden audit\` to audit the organization and save the report.`;
  const rows = audits.map((audit) => {
    const f = audit.summary.findings;
    return [
      audit.auditId,
      when(audit.startedAt),
      audit.organizationId,
      String(audit.summary.accounts),
      audit.summary.exposed > 0 ? colors.red(String(audit.summary.exposed)) : '0',
      String(audit.summary.unknown),
      `${f.critical}/${f.high}/${f.medium}/${f.low}`,
      audit.complete ? 'yes' : colors.yellow('no (interrupted)'),
    ];
  });
  return [
    renderTable(
      ['AUDIT', 'STARTED', 'ORGANIZATION', 'ACCOUNTS', 'EXPOSED', 'UNKNOWN', 'FINDINGS C/H/M/L', 'COMPLETE'],
      rows,
    ),
    '',
    `${audits.length} audit${audits.length === 1 ? '' : 's'} (newest first) in ${database}.`,
  ].join('\n');
}

function status(text: string): string {
  return text.replace(/\b(clean|exposed|unknown|skipped)\b/g, (word) => colorStatus(word));
}

/** `audits diff`: the two audits, one row per changed account, then the verdict. */
export function renderAuditDiffTable(untrustedDiff: AuditDiff): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const diff = neutralizeStringsForTerminal(untrustedDiff);
  const lines = [
    `Organization ${diff.organizationId}: audit ${diff.before.auditId} (${when(diff.before.startedAt)}) → ${diff.after.auditId} (${when(diff.after.startedAt)})`,
    '',
  ];
  if (diff.accounts.length > 0) {
    const rows = diff.accounts.map((account) => [
      account.accountId,
      account.name,
      status(describeStatusChange(account)),
      account.credentials.map(describeCredentialChange).join('\n') || '-',
    ]);
    lines.push(renderTable(['ACCOUNT', 'NAME', 'STATUS', 'CREDENTIALS'], rows), '');
  }
  lines.push(diff.drift ? colors.red(describeDrift(diff)) : colors.green(describeDrift(diff)));
  for (const warning of diff.warnings) lines.push(colors.yellow(`warning: ${warning}`));
  return lines.join('\n');
}
