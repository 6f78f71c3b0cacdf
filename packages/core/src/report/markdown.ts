import type { AuditReport } from '../domain/audit.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A report for a pull request, a ticket or a wiki page. */
export function renderMarkdown(report: AuditReport): string {
  const { summary } = report;
  const lines: string[] = [
    `# Root credential audit of ${report.organizationId}`,
    '',
    `Audit \`${report.auditId}\` by \`${report.caller.arn}\` (${report.caller.role}), ${report.startedAt} → ${report.finishedAt}${report.complete ? '' : ' — **incomplete: interrupted**'}.`,
    '',
    `| accounts | clean | exposed | unknown | skipped | critical | high | medium | low |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${summary.accounts} | ${summary.clean} | ${summary.exposed} | ${summary.unknown} | ${summary.skipped} | ${summary.findings.critical} | ${summary.findings.high} | ${summary.findings.medium} | ${summary.findings.low} |`,
    '',
    '## Accounts',
    '',
    '| account | name | OU path | status | findings |',
    '|---|---|---|---|---|',
  ];
  for (const result of report.accounts) {
    const detail =
      result.status === 'skipped'
        ? `skipped: ${result.skipDetail ?? result.skipReason ?? ''}`
        : result.status === 'unknown'
          ? `${result.error?.code ?? 'unknown'}: ${result.error?.message ?? ''}`
          : result.findings.map((finding) => `\`${finding.code}\``).join(', ');
    lines.push(
      `| ${result.accountId} | ${escapeCell(result.name)} | ${escapeCell(result.ouPathText)} | ${result.status} | ${escapeCell(detail)} |`,
    );
  }
  const withFindings = report.accounts.filter((result) => result.findings.length > 0);
  if (withFindings.length > 0) {
    lines.push('', '## Findings', '');
    for (const result of withFindings) {
      lines.push(`### ${result.accountId} ${escapeCell(result.name)}`, '');
      for (const finding of result.findings)
        lines.push(`- **${finding.severity}** \`${finding.code}\`: ${escapeCell(finding.message)}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
