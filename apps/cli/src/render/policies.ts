import type { PolicyCheck, PolicyGroup, TaskPolicyVerdict } from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

const VERDICT: Record<TaskPolicyVerdict['verdict'], (text: string) => string> = {
  allowed: colors.green,
  blocked: colors.red,
  'cannot-decide': colors.yellow,
};

const policyName = (group: Pick<PolicyGroup, 'kind' | 'policy' | 'target'>) =>
  group.kind === 'no-allow' ? `(no allowing SCP at ${group.target.name})` : (group.policy?.name ?? '-');

/** Accounts blocked per task, grouped by policy: the `org status` section and the check's header. */
export function renderPolicyGroups(check: PolicyCheck): string {
  if (!check.available)
    return colors.yellow(check.unavailable?.message ?? 'Organization policies not available.');
  const summary = check.summary
    .map(
      (s) =>
        `${s.task}: ${s.blocked > 0 ? colors.red(`${s.blocked} blocked`) : '0 blocked'}, ${s.cannotDecide} cannot decide, ${s.allowed} allowed`,
    )
    .join('\n');
  if (check.groups.length === 0)
    return `${summary}\nNo SCP or RCP blocks a root-session task (${check.policiesRead} policies read).`;
  const rows = check.groups.map((g) => [
    g.task,
    policyName(g),
    g.policy?.id ?? '-',
    `${g.target.name} (${g.target.id})`,
    g.statement ?? '-',
    String(g.accounts),
  ]);
  return `${summary}\n${renderTable(['TASK', 'POLICY', 'ID', 'ATTACHED TO', 'STATEMENT', 'ACCOUNTS'], rows)}`;
}

/** The full analysis: per account and task, with each blocker and its corrected statement. */
export function renderPolicyCheck(check: PolicyCheck, format: 'table' | 'markdown'): string {
  if (format === 'markdown') return renderMarkdown(check);
  if (!check.available) return renderPolicyGroups(check);
  const rows = check.accounts.map((account) => [
    account.accountId,
    account.name,
    ...check.tasks.map((task) => {
      const verdict = account.tasks.find((t) => t.task === task)?.verdict ?? 'allowed';
      return VERDICT[verdict](verdict);
    }),
  ]);
  const lines = [renderTable(['ACCOUNT', 'NAME', ...check.tasks.map((t) => t.toUpperCase())], rows), ''];
  lines.push(renderPolicyGroups(check));
  const fixes = new Map<string, string>();
  for (const account of check.accounts)
    for (const task of account.tasks)
      for (const b of task.blockers)
        if (b.suggestedStatement)
          fixes.set(
            `${b.policy?.name ?? `level ${b.target.name}`} ${b.statement ?? ''}`.trim(),
            b.suggestedStatement,
          );
  if (fixes.size > 0) {
    lines.push('', 'Suggested statements:');
    for (const [where, statement] of fixes) lines.push(`  ${where}: ${statement}`);
  }
  return lines.join('\n');
}

function renderMarkdown(check: PolicyCheck): string {
  if (!check.available)
    return `# Organization policies\n\n${check.unavailable?.message ?? 'Not available.'}\n`;
  const escapeCell = (text: string) => text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const lines = ['# Organization policies and root sessions', ''];
  lines.push(
    `| account | name | ${check.tasks.join(' | ')} |`,
    `|---|---|${check.tasks.map(() => '---').join('|')}|`,
  );
  for (const a of check.accounts)
    lines.push(
      `| ${a.accountId} | ${escapeCell(a.name)} | ${check.tasks.map((t) => a.tasks.find((v) => v.task === t)?.verdict ?? '').join(' | ')} |`,
    );
  if (check.groups.length > 0) {
    lines.push(
      '',
      '## Blocking policies',
      '',
      '| task | policy | attached to | statement | accounts |',
      '|---|---|---|---|---|',
    );
    for (const g of check.groups)
      lines.push(
        `| ${g.task} | ${escapeCell(policyName(g))} | ${escapeCell(g.target.name)} (${g.target.id}) | ${escapeCell(g.statement ?? '-')} | ${g.accounts} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
