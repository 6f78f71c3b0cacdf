import { Args } from '@oclif/core';
import type { Plan } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanShowCommand extends HistoryCommand<typeof PlanShowCommand> {
  static override summary = 'Show a saved plan (with its policy backups in json/markdown).';
  static override description = 'Reads the history only; never calls AWS.';
  static override examples = [
    '<%= config.bin %> plan show 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab --format markdown',
  ];

  static override args = {
    planId: Args.string({
      description:
        'The plan id `rootwarden plan …` printed, or a unique prefix of it (at least 4 characters).',
      required: true,
    }),
  };

  static override flags = { format: planFormatFlag };

  async run(): Promise<Plan> {
    const plan = await this.engine.getPlan(await this.engine.resolvePlanId(this.args.planId));
    if (!this.jsonEnabled()) printPlan(plan, this.flags.format, (text) => this.log(text));
    return plan;
  }
}
