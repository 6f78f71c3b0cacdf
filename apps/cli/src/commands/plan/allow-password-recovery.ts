import type { Plan } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { oneAccountFlag } from '../../flags.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanAllowPasswordRecoveryCommand extends BaseCommand<
  typeof PlanAllowPasswordRecoveryCommand
> {
  static override summary = 'Plan "allow password recovery" for one member account’s root user (read-only).';
  static override description =
    `Observes the root user with the audit task policy. The plan creates a login profile without a password (IAMCreateRootUserPassword), so the owner of the root email address can use "Forgot password" for break-glass work; it has nothing to do if the root user already has a password. Delete the password again afterwards with \`rootwarden plan delete-root-credentials --account ID --only password\`.`;
  static override examples = ['<%= config.bin %> plan allow-password-recovery --account 111122223333'];

  static override flags = {
    account: oneAccountFlag('The member account.'),
    format: planFormatFlag,
  };

  async run(): Promise<Plan> {
    const plan = await this.engine.createPlan({
      task: 'allow-password-recovery',
      account: this.flags.account,
    });
    if (!this.jsonEnabled())
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
    return plan;
  }
}
