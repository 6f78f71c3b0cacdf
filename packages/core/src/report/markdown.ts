import type { AccountAuditResult, AuditReport } from '../domain/audit.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The report's head: title, summary table, accounts table header. */
export function markdownHead(report: Omit<AuditReport, 'accounts'>): string {
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
  return lines.join('\n');
}

/** One account's row of the accounts table. */
export function markdownRow(result: AccountAuditResult): string {
  const detail =
    result.status === 'skipped'
      ? `skipped: ${result.skipDetail ?? result.skipReason ?? ''}`
      : result.status === 'unknown'
        ? `${result.error?.code ?? 'unknown'}: ${result.error?.message ?? ''}`
        : result.findings.map((finding) => `\`${finding.code}\``).join(', ');
  return `\n| ${result.accountId} | ${escapeCell(result.name)} | ${escapeCell(result.ouPathText)} | ${result.status} | ${escapeCell(detail)} |`;
}

/** One account's section of the findings (undefined without findings). */
export function markdownFindings(result: AccountAuditResult): string | undefined {
  if (result.findings.length === 0) return undefined;
  const lines = [`\n### ${result.accountId} ${escapeCell(result.name)}\n`];
  for (const finding of result.findings)
    lines.push(`\n- **${finding.severity}** \`${finding.code}\`: ${escapeCell(finding.message)}`);
  lines.push('\n');
  return lines.join('');
}

/** The markdown report from its head and, per account in order, its row and findings section. */
export function* markdownFromParts(
  head: string,
  accounts: Iterable<{ row: string; findings: string | undefined }>,
): Generator<string> {
  yield head;
  const sections: string[] = [];
  for (const account of accounts) {
    yield account.row;
    if (account.findings !== undefined) sections.push(account.findings);
  }
  if (sections.length === 0) {
    yield '\n';
    return;
  }
  yield '\n\n## Findings\n';
  yield* sections;
}

/** A report for a pull request, a ticket or a wiki page. */
export function* markdownChunks(report: AuditReport): Generator<string> {
  yield* markdownFromParts(
    markdownHead(report),
    report.accounts.map((result) => ({ row: markdownRow(result), findings: markdownFindings(result) })),
  );
}
