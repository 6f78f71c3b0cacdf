import { Args, Flags } from '@oclif/core';
import {
  type ClosedWindow,
  type EngineOptions,
  type NotificationConfig,
  neutralizeForTerminal,
} from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { currentUser } from '../../current-user.js';
import { loadNotifyConfig, notifyConfigFlag } from '../../notify-config.js';

export default class BreakglassCloseCommand extends BaseCommand<typeof BreakglassCloseCommand> {
  static override summary =
    'Close the break-glass window of an account now: prepares (never applies) the plan that deletes the recovered root credentials.';
  static override description =
    "Records who closed the window and when, prepares a delete-root-credentials plan for the account (review it, then `rootwarden apply PLAN_ID`; plans expire after 1 hour, plan again when it has) and notifies the configured channels (--notify-config). A window also closes by itself at its end: at the next saved `rootwarden audit`, or the API scheduler's next tick.";
  static override examples = [
    '<%= config.bin %> breakglass close 111122223333',
    '<%= config.bin %> breakglass close 111122223333 --by alice --notify-config /etc/rootwarden/api.json',
  ];

  static override args = {
    account: Args.string({ description: 'The account whose window to close.', required: true }),
  };

  static override flags = {
    by: Flags.string({ description: 'Who closes it, for the history (default: the current user).' }),
    'notify-config': notifyConfigFlag,
  };

  #notifications: NotificationConfig | undefined;

  protected override engineOptions(): EngineOptions {
    return {
      ...super.engineOptions(),
      ...(this.#notifications ? { notifications: this.#notifications, env: process.env } : {}),
    };
  }

  async run(): Promise<{ windows: ClosedWindow[] }> {
    this.#notifications = await loadNotifyConfig(this.flags['notify-config']);
    const closed = await this.engine.closeBreakglass(
      this.args.account.trim(),
      this.flags.by ?? currentUser(),
    );
    for (const { window, deliveries } of closed) {
      this.log(
        neutralizeForTerminal(
          `Closed the break-glass window on ${window.accountId} (ticket ${window.ticket}, opened by ${window.openedByUser} at ${window.openedAt}).`,
        ),
      );
      if (window.cleanupPlanId)
        this.log(
          `Prepared plan ${window.cleanupPlanId} to delete the recovered root credentials (not applied).\n\nReview it, then apply it: rootwarden apply ${window.cleanupPlanId}${this.connectionArguments()}`,
        );
      else
        this.warnUser({
          code: window.cleanupError ?? 'INTERNAL',
          message: `The plan to delete the recovered credentials of ${window.accountId} could not be prepared.`,
          fix: `Plan it by hand: rootwarden plan delete-root-credentials --account ${window.accountId}${this.connectionArguments()}`,
        });
      for (const delivery of deliveries)
        if (delivery.status === 'delivered') this.logToStderr(`Notified ${delivery.channel}.`);
        else
          this.warnUser({
            code: 'NOTIFICATION_FAILED',
            message: `The notification to channel ${delivery.channel} was not delivered (${delivery.status}${delivery.lastError ? `: ${delivery.lastError}` : ''}).`,
            fix: 'It is sent again after the next saved audit that notifies (rootwarden audit with the same --notify-config, or the API).',
          });
    }
    return { windows: closed };
  }
}
