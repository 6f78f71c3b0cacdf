import { z } from 'zod';
import type { AccountDiff, AuditDiff, CredentialChange, CredentialKind } from '../domain/audit-diff.js';
import { escapeMarkdown } from './neutralize.js';

export const DIFF_FORMATS = ['json', 'markdown'] as const;
export const DiffFormatSchema = z.enum(DIFF_FORMATS);
export type DiffFormat = z.infer<typeof DiffFormatSchema>;

const KIND_LABELS: Record<CredentialKind, string> = {
  password: 'password',
  'access-key': 'access key',
  'signing-certificate': 'signing certificate',
  'mfa-device': 'MFA device',
};

/** One credential change as a short phrase: `+ access key AKIA… (Active)`, `password re-created`. */
export function describeCredentialChange(change: CredentialChange): string {
  const what = change.kind === 'password' ? 'password' : `${KIND_LABELS[change.kind]} ${change.id}`;
  switch (change.change) {
    case 'appeared':
      return change.kind === 'password' ? '+ password' : `+ ${what} (${change.to})`;
    case 'disappeared':
      return change.kind === 'password' ? '- password' : `- ${what} (${change.from})`;
    case 'status-changed':
      return `${what} ${change.from} → ${change.to}`;
    case 'replaced':
      return `password re-created (${change.to})`;
  }
}

/** `clean → exposed`, `exposed` (unchanged), `+ exposed` (added), `- clean` (removed). */
export function describeStatusChange(account: AccountDiff): string {
  if (account.change === 'added') return `(new) ${account.statusAfter}`;
  if (account.change === 'removed') return `${account.statusBefore} (gone)`;
  return account.statusBefore === account.statusAfter
    ? String(account.statusAfter)
    : `${account.statusBefore} → ${account.statusAfter}`;
}

/** One line saying whether anything drifted, and how much. */
export function describeDrift(diff: AuditDiff): string {
  if (!diff.drift) return `No drift: ${diff.summary.accountsCompared} account(s) unchanged.`;
  const s = diff.summary;
  return `Drift: ${s.accountsChanged} account(s) changed (${s.statusChanges} status change(s)), ${s.accountsAdded} added, ${s.accountsRemoved} removed · credentials: ${s.credentialsAppeared} appeared, ${s.credentialsDisappeared} disappeared, ${s.credentialsChanged} changed.`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function renderMarkdown(diff: AuditDiff): string {
  const s = diff.summary;
  const lines = [
    `# Root credential drift in ${diff.organizationId}`,
    '',
    `Audit \`${diff.before.auditId}\` (${diff.before.startedAt}) → audit \`${diff.after.auditId}\` (${diff.after.startedAt}): ${diff.drift ? '**drift**' : '**no drift**'}.`,
    '',
    '| compared | changed | status changes | added | removed | credentials appeared | disappeared | changed |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.accountsCompared} | ${s.accountsChanged} | ${s.statusChanges} | ${s.accountsAdded} | ${s.accountsRemoved} | ${s.credentialsAppeared} | ${s.credentialsDisappeared} | ${s.credentialsChanged} |`,
  ];
  if (diff.accounts.length > 0) {
    lines.push('', '## Changes', '', '| account | name | status | credentials |', '|---|---|---|---|');
    for (const account of diff.accounts) {
      const credentials =
        account.credentials.map((change) => escapeCell(describeCredentialChange(change))).join('<br>') || '-';
      lines.push(
        `| ${account.accountId} | ${escapeMarkdown(account.name)} | ${escapeCell(describeStatusChange(account))} | ${credentials} |`,
      );
    }
  }
  if (diff.warnings.length > 0) {
    lines.push('', '## Warnings', '');
    for (const warning of diff.warnings) lines.push(`- ${escapeMarkdown(warning)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders an audit diff in a file format shared by the CLI (`--format`), the API and MCP. */
export function renderAuditDiff(diff: AuditDiff, format: DiffFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(diff, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(diff);
  }
}
