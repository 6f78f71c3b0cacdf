import type { AuditReport } from '../domain/audit.js';
import { escapeMarkdown } from './neutralize.js';

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
        ? `skipped: ${escapeMarkdown(result.skipDetail ?? result.skipReason ?? '')}`
        : result.status === 'unknown'
          ? `${result.error?.code ?? 'unknown'}: ${escapeMarkdown(result.error?.message ?? '')}`
          : result.findings.map((finding) => `\`${finding.code}\``).join(', ');
    // Names, OU paths and AWS messages are untrusted: escaped so none renders as markup (neutralize.ts).
    yield `\n| ${result.accountId} | ${escapeMarkdown(result.name)} | ${escapeMarkdown(result.ouPathText)} | ${result.status} | ${detail} |`;
  }
  let findings = false;
  for (const result of report.accounts) {
    if (result.findings.length === 0) continue;
    if (!findings) yield '\n\n## Findings\n';
    findings = true;
    yield `\n### ${result.accountId} ${escapeMarkdown(result.name)}\n`;
    for (const finding of result.findings)
      yield `\n- **${finding.severity}** \`${finding.code}\`: ${escapeMarkdown(finding.message)}`;
    yield '\n';
  }
  if (!findings) yield '\n';
}
