import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import { describeAcceptance } from '../rules/apply-exceptions.js';
import { explainUnknownAccount } from '../rules/explain-unknown.js';
import { escapeMarkdown } from './neutralize.js';

/**
 * The report's head: title, summary table, accounts table header. An unsaved report (`--no-save`)
 * cites no audit id: nothing could look it up.
 */
export function markdownHead(report: Omit<AuditReport, 'accounts'>, saved = true): string {
  const { summary } = report;
  const lines: string[] = [
    `# Root credential audit of ${report.organizationId}`,
    '',
    `${saved ? `Audit \`${report.auditId}\`` : 'Audit (not saved)'} by \`${report.caller.arn}\` (${report.caller.role}), ${report.startedAt} → ${report.finishedAt}${report.complete ? '' : ' — **incomplete: interrupted**'}.`,
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
      ? `skipped: ${escapeMarkdown(result.skipDetail ?? result.skipReason ?? '')}`
      : result.status === 'unknown'
        ? unknownDetail(result.error?.code ?? 'AWS_ERROR', result.accountId)
        : result.findings.map((finding) => `\`${finding.code}\``).join(', ');
  // Names, OU paths and AWS messages are untrusted: escaped so none renders as markup (neutralize.ts).
  // Joined rather than concatenated: one flat string, where a template literal leaves a tree of
  // string pieces, about three times larger, in each row a 10,000-account report keeps until the end.
  const cells = [
    result.accountId,
    escapeMarkdown(result.name),
    escapeMarkdown(result.ouPathText),
    result.status,
    detail,
  ];
  return ['\n| ', cells.join(' | '), ' |'].join('');
}

/** One account's section of the findings (undefined without findings). */
export function markdownFindings(result: AccountAuditResult): string | undefined {
  if (result.findings.length === 0) return undefined;
  const lines = [`\n### ${result.accountId} ${escapeMarkdown(result.name)}\n`];
  for (const finding of result.findings)
    lines.push(
      `\n- **${finding.severity}** \`${finding.code}\`: ${escapeMarkdown(finding.message)}${finding.accepted ? ` (${escapeMarkdown(describeAcceptance(finding.accepted))})` : ''}`,
    );
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
export function* markdownChunks(report: AuditReport, saved = true): Generator<string> {
  yield* markdownFromParts(
    markdownHead(report, saved),
    report.accounts.map((result) => ({ row: markdownRow(result), findings: markdownFindings(result) })),
  );
}

function unknownDetail(code: string, accountId: string): string {
  const { summary, fix } = explainUnknownAccount(code, accountId);
  return `could not be audited (\`${code}\`): ${summary}. Fix: ${fix}.`;
}
