import { Args, Flags } from '@oclif/core';
import { PlanIdSchema, parseInput } from '@rootwarden/core';
import { BaseCommand } from '../base-command.js';
import { confirmOrRefuse } from '../confirm.js';
import { EXIT } from '../exit-codes.js';
import { planFormatFlag, printApplyResult } from '../plan-output.js';

export default class RestorePolicyCommand extends BaseCommand<typeof RestorePolicyCommand> {
  static override summary = 'Put back an S3 bucket or SQS queue policy an unlock plan backed up.';
  static override description =
    `Puts the policy the plan saved back, byte for byte, with the account's S3UnlockBucketPolicy / SQSUnlockQueuePolicy root session (PutBucketPolicy / SetQueueAttributes), and reads it back to verify. A resource that already has that policy is left as is (already-done); one that has a different policy by now is left alone (failed, with the reason). Asks for confirmation on a terminal; refuses without one unless --yes.`;
  static override examples = [
    '<%= config.bin %> restore-policy 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab',
    '<%= config.bin %> restore-policy 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab --resource my-locked-bucket --yes',
  ];

  static override args = {
    planId: Args.string({
      description: 'The id of the unlock plan that backed the policy up.',
      required: true,
    }),
  };

  static override flags = {
    resource: Flags.string({
      description: 'Only this bucket name or queue URL (default: every backup of the plan).',
    }),
    yes: Flags.boolean({
      char: 'y',
      description: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
    format: planFormatFlag,
  };

  async run(): Promise<void> {
    const planId = parseInput(PlanIdSchema, this.args.planId.trim(), 'planId');
    const plan = await this.engine.getPlan(planId);
    const backups = plan.backups.filter(
      (backup) => this.flags.resource === undefined || backup.resource === this.flags.resource,
    );
    if (backups.length > 0) {
      this.logToStderr(
        `This will put back the policy of:\n${backups.map((backup) => `  ${backup.resource} (account ${backup.accountId}, sha256 ${backup.sha256.slice(0, 12)}…)`).join('\n')}`,
      );
      const confirmed = await confirmOrRefuse('Restore?', {
        yes: this.flags.yes,
        action: 'restore policies',
      });
      if (!confirmed) {
        this.logToStderr('Cancelled; nothing was changed.');
        this.exit(EXIT.ERROR);
      }
    }
    const result = await this.engine.restorePolicy({
      planId: plan.planId,
      ...(this.flags.resource === undefined ? {} : { resource: this.flags.resource }),
    });
    if (this.jsonEnabled()) this.logJson(result);
    else printApplyResult(result, this.flags.format, (text) => this.log(text));
    if (result.status !== 'applied') this.exit(EXIT.ERROR);
  }
}
