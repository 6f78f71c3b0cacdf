import type { BreakglassWindow } from '../domain/breakglass.js';
import type { Finding } from '../domain/finding.js';

/**
 * The audit's finding for each break-glass window open on an account (`BREAKGLASS_WINDOW_OPEN`): it
 * names the ticket, who opened it and when it ends, until someone (or its end) closes it. A window
 * past its end that nobody closed yet says so. Pure: the windows come from the history, `now` is the
 * audit's moment. Untrusted text (ticket, user) is neutralised by each report medium, like every message.
 */
export function breakglassFindings(
  windows: readonly BreakglassWindow[],
  accountId: string,
  now: Date,
): Finding[] {
  return windows
    .filter((window) => window.accountId === accountId && window.closedAt === null)
    .map((window) => {
      const overrun = Date.parse(window.until) <= now.getTime();
      const end = overrun ? `ended ${window.until} and is not closed yet` : `open until ${window.until}`;
      return {
        code: 'BREAKGLASS_WINDOW_OPEN' as const,
        severity: 'high' as const,
        message: `Break-glass window (ticket ${window.ticket}, opened by ${window.openedByUser} as ${window.openedBy} at ${window.openedAt}) ${end}: password recovery is allowed; close it with \`rootwarden breakglass close ${window.accountId}\`.`,
        resource: `breakglass:${window.id}`,
      };
    });
}
