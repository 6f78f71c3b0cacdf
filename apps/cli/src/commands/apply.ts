import { Args, Flags } from '@oclif/core';
import type { Plan } from '@rootwarden/core';
import { BaseCommand } from '../base-command.js';
import { confirmOrRefuse } from '../confirm.js';
import { EXIT } from '../exit-codes.js';
import { planFormatFlag, printApplyResult } from '../plan-output.js';
import { renderPlanTable } from '../render/plan.js';

export default class ApplyCommand extends BaseCommand<typeof ApplyCommand> {
  static override summary = 'Apply a reviewed plan: journaled, verified, resumable.';
  static override description =
    `Refuses an expired plan (plans last 1 hour) and a stale one (the state changed since planning; the error says what changed). Shows the plan and asks for confirmation on a terminal; without a terminal it refuses unless --yes. Each action runs in a root session with the narrowest task policy (IAMDeleteRootUserCredentials, IAMCreateRootUserPassword, S3UnlockBucketPolicy, SQSUnlockQueuePolicy), with a journal entry before and after it; "already gone" counts as done. Afterwards everything is observed again and each action is reported as done / already-done / failed / skipped, verified or not.

Interrupted (Ctrl-C, a crash, a lost connection)? Run the same command again: it finishes the rest and never repeats a finished action. An applied plan re-applied changes nothing.

Exit codes: 0 applied and verified; 1 an action failed or could not be verified, or the plan is stale/expired; 2 usage (no terminal and no --yes, unknown or malformed plan id).`;
  static override examples = [
    '<%= config.bin %> apply 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab',
    '<%= config.bin %> apply 3f2a9c4e --sandbox blog   # a unique prefix of the id',
    '<%= config.bin %> apply 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab --yes --json   # in automation, after review',
  ];

  static override args = {
    planId: Args.string({
      description:
        'The plan id `rootwarden plan …` printed, or a unique prefix of it (at least 4 characters).',
      required: true,
    }),
  };

  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
    concurrency: Flags.integer({
      description: 'Accounts acted on at once (actions inside one account run in order).',
      default: 4,
      min: 1,
      max: 32,
    }),
    format: planFormatFlag,
  };

  async run(): Promise<void> {
    const planId = await this.engine.resolvePlanId(this.args.planId);
    const plan: Plan = await this.engine.getPlan(planId);
    // Nothing to consent to when nothing can change: an applied plan (re-verified), an empty one, or an
    // expired one (the engine refuses it before any AWS call).
    const expired = Date.parse(plan.expiresAt) < Date.now();
    if (plan.status !== 'applied' && plan.actions.length > 0 && !expired) {
      // What is about to change, where a person can see it (not in automation's logs with --yes).
      if (!this.flags.yes || process.stderr.isTTY) this.logToStderr(`${renderPlanTable(plan)}\n`);
      const confirmed = await confirmOrRefuse(`Apply these ${plan.actions.length} action(s)?`, {
        yes: this.flags.yes,
        action: `apply plan ${plan.planId}`,
      });
      if (!confirmed) {
        this.logToStderr('Cancelled; nothing was changed.');
        this.exit(EXIT.ERROR);
      }
    }
    const result = await this.engine.applyPlan(plan.planId, { concurrency: this.flags.concurrency });
    if (this.jsonEnabled()) this.logJson(result);
    else printApplyResult(result, this.flags.format, (text) => this.log(text), plan);
    if (result.status !== 'applied') {
      this.logToStderr(
        plan.status === 'applied'
          ? 'Exit 1: this plan was applied earlier, but observing again shows part of its change undone: make a new plan.'
          : `Exit 1: not every action is done and verified. Fix the reason shown, then run \`rootwarden apply ${plan.planId}${this.connectionArguments()}\` again to finish.`,
      );
      this.exit(EXIT.ERROR);
    }
  }
}
