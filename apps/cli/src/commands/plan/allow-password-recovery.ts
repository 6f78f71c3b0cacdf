import { Flags } from '@oclif/core';
import {
  type BreakglassWindow,
  MAX_BREAKGLASS_HOURS,
  neutralizeForTerminal,
  type Plan,
} from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { currentUser } from '../../current-user.js';
import { EXIT } from '../../exit-codes.js';
import { oneAccountFlag } from '../../flags.js';
import { planFormatFlag, printPlan } from '../../plan-output.js';

export default class PlanAllowPasswordRecoveryCommand extends BaseCommand<
  typeof PlanAllowPasswordRecoveryCommand
> {
  static override summary = 'Plan "allow password recovery" for one member account’s root user (read-only).';
  static override description =
    `Observes the root user with the audit task policy. The plan creates a login profile without a password (IAMCreateRootUserPassword), so the owner of the root email address can use "Forgot password" for break-glass work; it has nothing to do if the root user already has a password. Delete the password again afterwards with \`rootwarden plan delete-root-credentials --account ID --only password\`.`;
  static override examples = [
    '<%= config.bin %> plan allow-password-recovery --account 111122223333',
    '<%= config.bin %> plan allow-password-recovery --account 111122223333 --for 4h --ticket INC-123',
  ];

  static override flags = {
    account: oneAccountFlag('The member account.'),
    format: planFormatFlag,
    for: Flags.string({
      description: `Time-box it: record a break-glass window this long (90m, 4h, 1d; at most ${MAX_BREAKGLASS_HOURS}h). Audits report it as BREAKGLASS_WINDOW_OPEN until \`rootwarden breakglass close\` or its end closes it and prepares the plan that deletes the recovered credentials. Needs --ticket.`,
      helpGroup: 'BREAK-GLASS',
    }),
    ticket: Flags.string({
      description: 'With --for: the ticket that justifies the recovery (e.g. INC-123), kept in the history.',
      helpGroup: 'BREAK-GLASS',
    }),
    by: Flags.string({
      description: 'With --for: who opens the window, for the history (default: the current user).',
      helpGroup: 'BREAK-GLASS',
    }),
  };

  async run(): Promise<Plan | { plan: Plan; window: BreakglassWindow }> {
    const { account, for: duration, ticket, by } = this.flags;
    if ((duration === undefined) !== (ticket === undefined) || (by !== undefined && duration === undefined))
      this.error(
        duration === undefined && ticket === undefined
          ? '--by names who opens a break-glass window: it needs --for and --ticket.'
          : duration === undefined
            ? '--ticket records a break-glass window: it needs --for (how long, e.g. 4h).'
            : '--for records a break-glass window: it needs --ticket (why, e.g. INC-123).',
        {
          exit: EXIT.USAGE,
          suggestions: [
            'Give both (plan allow-password-recovery --account ID --for 4h --ticket INC-123), or neither for a plan without a window.',
          ],
        },
      );
    if (duration === undefined || ticket === undefined) {
      const plan = await this.engine.createPlan({ task: 'allow-password-recovery', account });
      if (!this.jsonEnabled())
        printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
      return plan;
    }
    const { plan, window } = await this.engine.openBreakglass(
      { account, for: duration, ticket },
      by ?? currentUser(),
    );
    if (!this.jsonEnabled()) {
      printPlan(plan, this.flags.format, (text) => this.log(text), this.connectionArguments());
      this.logToStderr(
        neutralizeForTerminal(
          `Break-glass window open on ${window.accountId} until ${window.until} (ticket ${window.ticket}, opened by ${window.openedByUser}). Close it when done: rootwarden breakglass close ${window.accountId}${this.connectionArguments()}`,
        ),
      );
    }
    return { plan, window };
  }
}
