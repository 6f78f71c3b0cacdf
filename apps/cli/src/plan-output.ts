import { Flags } from '@oclif/core';
import { type ApplyResult, PLAN_FORMATS, type Plan, renderApplyResult, renderPlan } from '@rootwarden/core';
import { renderApplyTable, renderPlanTable } from './render/plan.js';

const PLAN_OUTPUT_FORMATS = ['table', ...PLAN_FORMATS] as const;
export type PlanOutputFormat = (typeof PLAN_OUTPUT_FORMATS)[number];

export const planFormatFlag = Flags.option({
  options: PLAN_OUTPUT_FORMATS,
  description: 'Output format (--json is the same as --format json).',
  default: 'table',
})();

/**
 * Prints a plan for review on stdout, in the chosen format. `connection` is the planning command's own
 * connection flags (` --sandbox blog`), so the printed apply command reaches the same AWS.
 */
export function printPlan(
  plan: Plan,
  format: PlanOutputFormat,
  log: (text: string) => void,
  connection = '',
): void {
  if (format === 'table')
    log(`${renderPlanTable(plan)}\n\nReview it, then apply it: rootwarden apply ${plan.planId}${connection}`);
  else process.stdout.write(renderPlan(plan, format));
}

export function printApplyResult(
  result: ApplyResult,
  format: PlanOutputFormat,
  log: (text: string) => void,
  plan?: Plan,
): void {
  if (format === 'table') log(renderApplyTable(result, plan));
  else process.stdout.write(renderApplyResult(result, format));
}
