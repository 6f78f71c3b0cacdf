import type { Plan } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { oneAccountFlag, queueUrlFlag } from '../../flags.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanUnlockSqsQueuePolicyCommand extends BaseCommand<
  typeof PlanUnlockSqsQueuePolicyCommand
> {
  static override summary = 'Plan the removal of a queue policy that locks everyone out (read-only).';
  static override description =
    `Reads the queue's current policy with the account's own SQSUnlockQueuePolicy root session (GetQueueAttributes only). Applying sets the Policy attribute to "" (SetQueueAttributes); the plan keeps the policy byte for byte, and \`rootwarden restore-policy PLAN_ID\` puts it back. Needs root sessions enabled (\`rootwarden org enable --root-sessions\`).`;
  static override examples = [
    '<%= config.bin %> plan unlock-sqs-queue-policy --account 111122223333 --queue-url https://sqs.us-east-1.amazonaws.com/111122223333/orders',
  ];

  static override flags = {
    account: oneAccountFlag('The member account that owns the queue.'),
    'queue-url': queueUrlFlag,
    format: planFormatFlag,
  };

  async run(): Promise<Plan> {
    const plan = await this.engine.createPlan({
      task: 'unlock-sqs-queue-policy',
      account: this.flags.account,
      queueUrl: this.flags['queue-url'],
    });
    if (!this.jsonEnabled())
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
    return plan;
  }
}
