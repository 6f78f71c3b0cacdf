import { Flags } from '@oclif/core';
import type { BreakglassWindow } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { renderBreakglassWindows } from '../../render/breakglass.js';

/** Closed windows this recent are listed besides the open ones (--all lists every window). */
const RECENT_DAYS = 7;

export default class BreakglassListCommand extends HistoryCommand<typeof BreakglassListCommand> {
  static override summary =
    `List the break-glass windows: open ones and those closed in the last ${RECENT_DAYS} days (--all: every one).`;
  static override description =
    'A window is opened by `rootwarden plan allow-password-recovery --account ID --for 4h --ticket INC-123` and closed by its end or `rootwarden breakglass close ID`; closing prepares the plan that deletes the recovered root credentials. Shows who opened each window, why (the ticket), when, until when, and who closed it with which plan.';
  static override examples = [
    '<%= config.bin %> breakglass list',
    '<%= config.bin %> breakglass list --all --json',
  ];

  static override flags = {
    all: Flags.boolean({ description: 'Every window in the history, however long ago it closed.' }),
  };

  async run(): Promise<{ windows: BreakglassWindow[] }> {
    const now = new Date();
    const since = now.getTime() - RECENT_DAYS * 86_400_000;
    const windows = (await this.engine.listBreakglassWindows()).filter(
      (window) => this.flags.all || window.closedAt === null || Date.parse(window.closedAt) >= since,
    );
    this.log(renderBreakglassWindows(windows, now));
    return { windows };
  }
}
