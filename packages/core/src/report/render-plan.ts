import { z } from 'zod';
import type { ApplyResult, Plan } from '../domain/plan.js';

export const PLAN_FORMATS = ['json', 'markdown'] as const;
export const PlanFormatSchema = z.enum(PLAN_FORMATS);
export type PlanFormat = z.infer<typeof PlanFormatSchema>;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** One line: what the plan does, where, until when. */
export function describePlan(plan: Plan): string {
  const accounts = new Set(plan.actions.map((action) => action.accountId).filter((id) => id !== null));
  const where = accounts.size > 0 ? ` in ${accounts.size} account(s)` : '';
  return `Plan ${plan.planId} (${plan.task}): ${plan.actions.length} action(s)${where}; ${plan.status}; expires ${plan.expiresAt}.`;
}

/** One line: how an apply (or a restore) went. */
export function describeApplyResult(result: ApplyResult): string {
  const count = (outcome: string) => result.actions.filter((action) => action.outcome === outcome).length;
  const unverified = result.actions.filter((action) => !action.verified).length;
  return `Plan ${result.planId} ${result.status}${result.resumed ? ' (resumed)' : ''}: ${count('done')} done, ${count('already-done')} already done, ${count('failed')} failed, ${count('skipped')} skipped; ${result.actions.length - unverified} of ${result.actions.length} verified.`;
}

function planMarkdown(plan: Plan): string {
  const lines = [
    `# rootwarden plan \`${plan.planId}\``,
    '',
    `Task **${plan.task}** in organization ${plan.organizationId}, made by ${plan.createdBy.arn} at ${plan.createdAt}; status **${plan.status}**, expires ${plan.expiresAt}.`,
    '',
    `Fingerprint of the observed state: \`${plan.fingerprint}\``,
    '',
  ];
  if (plan.actions.length === 0) lines.push('No actions: nothing to change.', '');
  else {
    lines.push('| # | account | action | target | task policy |', '|---:|---|---|---|---|');
    plan.actions.forEach((action, index) => {
      lines.push(
        `| ${index + 1} | ${action.accountId ?? 'organization'} | ${escapeCell(action.description)} | \`${escapeCell(action.target)}\` | ${action.taskPolicy ?? '—'} |`,
      );
    });
    lines.push('');
  }
  for (const backup of plan.backups) {
    lines.push(
      `Backup of the ${backup.kind === 's3-bucket-policy' ? 'bucket' : 'queue'} policy of \`${backup.resource}\` (account ${backup.accountId}, ${backup.region}, sha256 \`${backup.sha256}\`):`,
      '',
      '```json',
      backup.policy,
      '```',
      '',
    );
  }
  if (plan.notes.length > 0) {
    lines.push('## Notes', '', ...plan.notes.map((note) => `- ${escapeCell(note)}`), '');
  }
  lines.push(`Apply it with \`rootwarden apply ${plan.planId}\`.`, '');
  return lines.join('\n');
}

function applyMarkdown(result: ApplyResult): string {
  const lines = [`# rootwarden apply \`${result.planId}\``, '', describeApplyResult(result), ''];
  lines.push('| action | outcome | verified | reason |', '|---|---|---|---|');
  for (const action of result.actions)
    lines.push(
      `| \`${escapeCell(action.actionId)}\` | ${action.outcome} | ${action.verified ? 'yes' : '**no**'} | ${escapeCell(action.reason ?? '')} |`,
    );
  lines.push('');
  return lines.join('\n');
}

/** A plan for review: JSON (the PlanSchema shape) or Markdown (for tickets and chat). */
export function renderPlan(plan: Plan, format: PlanFormat): string {
  return format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : planMarkdown(plan);
}

/** An apply or restore result: JSON (the ApplyResultSchema shape) or Markdown. */
export function renderApplyResult(result: ApplyResult, format: PlanFormat): string {
  return format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : applyMarkdown(result);
}
