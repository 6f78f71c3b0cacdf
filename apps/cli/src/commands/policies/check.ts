import { Flags } from '@oclif/core';
import { POLICY_TASKS, type PolicyCheck } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { accountFlag, ouFlag } from '../../flags.js';
import { renderPolicyCheck } from '../../render/policies.js';

export default class PoliciesCheckCommand extends BaseCommand<typeof PoliciesCheckCommand> {
  static override summary =
    'Predict which accounts and root-session tasks the organization’s SCPs and RCPs will refuse (reads only).';
  static override description =
    'Reads every SCP and RCP with its targets (a few calls per policy, never one per account) and evaluates each task of each member account: allowed, blocked (naming policy, statement and the corrected statement) or cannot decide.';
  static override examples = [
    '<%= config.bin %> policies check --sandbox exposed',
    '<%= config.bin %> policies check --task audit --ou ou-ab12-11111111 --format markdown',
  ];

  static override flags = {
    task: Flags.option({
      options: POLICY_TASKS,
      multiple: true,
      description: 'Only this task. Repeatable.',
    })(),
    account: accountFlag('Only this member account. Repeatable.'),
    ou: ouFlag('Only accounts under this OU or root (recursively). Repeatable.'),
    format: Flags.option({
      options: ['table', 'json', 'markdown'] as const,
      default: 'table',
      description: 'Output format.',
    })(),
  };

  async run(): Promise<PolicyCheck> {
    const { flags } = this;
    const check = await this.engine.checkPolicies({
      ...(flags.task ? { tasks: flags.task } : {}),
      accounts: flags.account ?? [],
      ous: flags.ou ?? [],
    });
    if (this.jsonEnabled()) return check;
    if (flags.format === 'json') this.log(JSON.stringify(check, null, 2));
    else this.log(renderPolicyCheck(check, flags.format));
    return check;
  }
}
