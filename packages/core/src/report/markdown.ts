import type { AuditReport } from '../domain/audit.js';
import { explainUnknownAccount } from '../rules/explain-unknown.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A report for a pull request, a ticket or a wiki page. */
export function* markdownChunks(report: AuditReport): Generator<string> {
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
  yield lines.join('\n');
  for (const result of report.accounts) {
    const detail =
      result.status === 'skipped'
        ? `skipped: ${result.skipDetail ?? result.skipReason ?? ''}`
        : result.status === 'unknown'
          ? unknownDetail(result.error?.code ?? 'AWS_ERROR', result.accountId)
          : result.findings.map((finding) => `\`${finding.code}\``).join(', ');
    yield `\n| ${result.accountId} | ${escapeCell(result.name)} | ${escapeCell(result.ouPathText)} | ${result.status} | ${escapeCell(detail)} |`;
  }
  let findings = false;
  for (const result of report.accounts) {
    if (result.findings.length === 0) continue;
    if (!findings) yield '\n\n## Findings\n';
    findings = true;
    yield `\n### ${result.accountId} ${escapeCell(result.name)}\n`;
    for (const finding of result.findings)
      yield `\n- **${finding.severity}** \`${finding.code}\`: ${escapeCell(finding.message)}`;
    yield '\n';
  }
  if (!findings) yield '\n';
}

function unknownDetail(code: string, accountId: string): string {
  const { summary, fix } = explainUnknownAccount(code, accountId);
  return `could not be audited (\`${code}\`): ${summary}. Fix: ${fix}.`;
}
