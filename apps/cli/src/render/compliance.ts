import {
  type ComplianceReport,
  escapeMarkdown,
  neutralizeStringsForTerminal,
  type Verdict,
} from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

const COMPLIANCE_FORMATS = ['table', 'json', 'markdown'] as const;
export type ComplianceFormat = (typeof COMPLIANCE_FORMATS)[number];

const COLOR: Record<Verdict, (text: string) => string> = {
  PASS: colors.green,
  FAIL: colors.red,
  NOT_APPLICABLE: colors.dim,
  UNKNOWN: colors.yellow,
};

/** At most this many accounts are named per verdict in the terminal table (all are in --json). */
const NAMED = 5;

function accountsBehind(control: ComplianceReport['controls'][number], verdict: Verdict): string {
  const ids = control.accounts
    .filter((account) => account.verdict === verdict)
    .map((account) => account.accountId);
  if (ids.length === 0) return '';
  return `${ids.slice(0, NAMED).join(', ')}${ids.length > NAMED ? ` +${ids.length - NAMED} more` : ''}`;
}

/** The per-control table: verdict, counts, the failing accounts, and why MFA controls do not apply. */
export function renderComplianceTable(untrustedReport: ComplianceReport): string {
  // Names, reasons and exception owners are untrusted: no control character reaches the terminal.
  const report = neutralizeStringsForTerminal(untrustedReport);
  const rows = report.controls.map((control) => [
    control.id,
    control.title,
    COLOR[control.verdict](control.verdict),
    `${control.counts.pass} pass, ${control.counts.fail} fail, ${control.counts.notApplicable} n/a, ${control.counts.unknown} unknown`,
    accountsBehind(control, 'FAIL') || accountsBehind(control, 'UNKNOWN') || '-',
  ]);
  const lines = [
    `${report.framework.name} — audit ${report.auditId} of ${report.organizationId} (${report.auditedAt})`,
    '',
    renderTable(['CONTROL', 'TITLE', 'VERDICT', 'ACCOUNTS', 'FAILING (OR UNKNOWN)'], rows),
  ];
  const notes = new Set<string>();
  for (const control of report.controls) {
    if (control.organization)
      notes.add(
        `${control.id}: organization: ${control.organization.verdict} — ${control.organization.reason}`,
      );
    const notApplicable = control.accounts.find((account) => account.verdict === 'NOT_APPLICABLE');
    if (notApplicable)
      notes.add(`${control.id}: ${control.counts.notApplicable} account(s) ${notApplicable.reason}`);
    const accepted = control.accounts.filter((account) => account.accepted);
    if (accepted.length > 0)
      notes.add(
        `${control.id}: ${accepted.length} failing account(s) have an accepted exception (${accepted
          .slice(0, NAMED)
          .map(
            (account) =>
              `${account.accountId} until ${account.accepted?.expiresAt.slice(0, 10)}, owner ${account.accepted?.owner}`,
          )
          .join('; ')}).`,
      );
  }
  if (notes.size > 0) lines.push('', 'Notes:', ...[...notes].map((note) => `  ${note}`));
  if (report.notEvaluated.length > 0)
    lines.push(
      '',
      `Not evaluated (skipped by the audit): ${report.notEvaluated.map((entry) => `${entry.accountId} (${entry.reason})`).join(', ')}.`,
    );
  lines.push('', `Source: ${report.framework.source}`);
  return `${lines.join('\n')}\n`;
}

/** Names, reasons and owners come from AWS or an exceptions file: escaped so nothing renders as markup. */
const cell = escapeMarkdown;

/** The same as a Markdown document for an auditor's ticket (names escaped so nothing renders as markup). */
export function renderComplianceMarkdown(report: ComplianceReport): string {
  const lines = [
    `# ${cell(report.framework.name)}: audit \`${report.auditId}\``,
    '',
    `Organization \`${report.organizationId}\`, audited ${report.auditedAt}.`,
    '',
    '| control | title | verdict | pass | fail | n/a | unknown |',
    '|---|---|---|---:|---:|---:|---:|',
    ...report.controls.map(
      (control) =>
        `| ${cell(control.id)} | ${cell(control.title)} | **${control.verdict}** | ${control.counts.pass} | ${control.counts.fail} | ${control.counts.notApplicable} | ${control.counts.unknown} |`,
    ),
  ];
  for (const control of report.controls) {
    lines.push('', `## ${cell(control.id)} ${cell(control.title)}: ${control.verdict}`, '');
    if (control.organization)
      lines.push(`- Organization: ${control.organization.verdict}: ${cell(control.organization.reason)}`);
    for (const account of control.accounts)
      lines.push(
        `- \`${account.accountId}\` ${cell(account.name)}: ${account.verdict}: ${cell(account.reason)}${account.accepted ? ` (accepted until ${account.accepted.expiresAt.slice(0, 10)}, owner ${cell(account.accepted.owner)}: ${cell(account.accepted.reason)})` : ''}`,
      );
  }
  lines.push('', `Source: ${cell(report.framework.source)}`);
  return `${lines.join('\n')}\n`;
}
