import { Flags } from '@oclif/core';
import { DELETABLE_CREDENTIALS, type Plan } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { accountFlag } from '../../flags.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanDeleteRootCredentialsCommand extends BaseCommand<
  typeof PlanDeleteRootCredentialsCommand
> {
  static override summary = 'Plan the deletion of member accounts’ root credentials (read-only).';
  static override description =
    `Observes the root user of each account with the audit task policy (IAMAuditRootUserCredentials) and plans one action per credential: access keys, signing certificates, the password (login profile), then MFA devices (deactivated last, so a failure never leaves a password without MFA). Makes no change; prints the plan for review and saves it (expires after 1 hour). Apply it with \`rootwarden apply PLAN_ID\`.`;
  static override examples = [
    '<%= config.bin %> plan delete-root-credentials --account 111122223333',
    '<%= config.bin %> plan delete-root-credentials --all-exposed --only access-keys,password',
    '<%= config.bin %> plan delete-root-credentials --account 111122223333 --format markdown > plan.md',
  ];

  static override flags = {
    account: accountFlag('A member account to clean. Repeatable or comma-separated.'),
    'all-exposed': Flags.boolean({
      description: 'Every member account the audit finds with root credentials.',
      exclusive: ['account'],
    }),
    only: Flags.option({
      options: DELETABLE_CREDENTIALS,
      multiple: true,
      delimiter: ',',
      description: 'Delete only these kinds of credential (default: all four).',
    })(),
    format: planFormatFlag,
  };

  async run(): Promise<Plan> {
    const plan = await this.engine.createPlan({
      task: 'delete-root-credentials',
      accounts: this.flags.account ?? [],
      allExposed: this.flags['all-exposed'],
      ...(this.flags.only ? { only: this.flags.only } : {}),
    });
    if (!this.jsonEnabled())
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
    return plan;
  }
}
