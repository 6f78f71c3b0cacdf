import { Flags } from '@oclif/core';
import type { Plan } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanEnableRootAccessCommand extends BaseCommand<typeof PlanEnableRootAccessCommand> {
  static override summary = 'Plan the enablement of centralized root access (read-only).';
  static override description =
    `From the management account: plans the switches still off, in the order AWS requires them — trusted access for IAM, RootCredentialsManagement, and with --root-sessions RootSessions. The reviewed-plan alternative to \`rootwarden org enable\`.`;
  static override examples = ['<%= config.bin %> plan enable-root-access --root-sessions'];

  static override flags = {
    'root-sessions': Flags.boolean({
      description: 'Also enable privileged root actions (needed by the S3/SQS unlock tasks).',
      default: false,
    }),
    format: planFormatFlag,
  };

  async run(): Promise<Plan> {
    const plan = await this.engine.createPlan({
      task: 'enable-root-access',
      rootSessions: this.flags['root-sessions'],
    });
    if (!this.jsonEnabled())
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
    return plan;
  }
}
