import {
  type ApplyResult,
  describeApplyResult,
  neutralizeStringsForTerminal,
  type Plan,
} from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

function until(expiresAt: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(expiresAt) - now) / 60_000);
  return minutes > 0 ? `expires ${expiresAt} (in ${minutes} min)` : colors.red(`expired at ${expiresAt}`);
}

/** A plan for review in a terminal: what will change, where, with which task policy. */
export function renderPlanTable(untrustedPlan: Plan): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const plan = neutralizeStringsForTerminal(untrustedPlan);
  const lines = [
    `Plan ${colors.bold(plan.planId)} · ${plan.task} · organization ${plan.organizationId} · ${plan.status} · ${until(plan.expiresAt)}`,
    `Made by ${plan.createdBy.arn} at ${plan.createdAt} · fingerprint ${plan.fingerprint}`,
    '',
  ];
  if (plan.actions.length === 0) lines.push('No actions: nothing to change.');
  else
    lines.push(
      renderTable(
        ['#', 'ACCOUNT', 'ACTION', 'TASK POLICY'],
        plan.actions.map((action, index) => [
          String(index + 1),
          action.accountId ?? 'organization',
          action.description,
          action.taskPolicy ?? '-',
        ]),
      ),
    );
  for (const backup of plan.backups)
    lines.push(
      '',
      `Backup of the ${backup.kind === 's3-bucket-policy' ? 'bucket' : 'queue'} policy of ${backup.resource} (${backup.policy.length} characters, sha256 ${backup.sha256.slice(0, 12)}…): --format json or markdown shows it.`,
    );
  if (plan.notes.length > 0) lines.push('', 'Notes:', ...plan.notes.map((note) => `  - ${note}`));
  return lines.join('\n');
}

function outcome(text: string): string {
  if (text === 'done') return colors.green(text);
  if (text === 'already-done') return colors.cyan(text);
  if (text === 'failed') return colors.red(text);
  return colors.yellow(text);
}

/** What apply (or restore-policy) did, per action, and whether observing again confirmed it. */
export function renderApplyTable(untrustedResult: ApplyResult, untrustedPlan?: Plan): string {
  const result = neutralizeStringsForTerminal(untrustedResult);
  const plan = untrustedPlan && neutralizeStringsForTerminal(untrustedPlan);
  const described = new Map(plan?.actions.map((action) => [action.actionId, action.description]));
  const rows = result.actions.map((action) => [
    described.get(action.actionId) ?? action.actionId,
    outcome(action.outcome),
    action.verified ? colors.green('yes') : colors.red('no'),
    action.reason ?? '',
  ]);
  const table =
    rows.length > 0 ? renderTable(['ACTION', 'OUTCOME', 'VERIFIED', 'REASON'], rows) : 'No actions.';
  return `${table}\n\n${describeApplyResult(result)}`;
}
