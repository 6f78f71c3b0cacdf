import { type BreakglassWindow, neutralizeForTerminal } from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

/** open, overrun (its end passed, not closed yet), or who closed it and when. */
function windowState(window: BreakglassWindow, now: Date): string {
  if (window.closedAt !== null)
    return `closed ${window.closedAt} by ${window.closedBy === 'expired' ? 'its end' : neutralizeForTerminal(window.closedBy ?? '?')}`;
  return Date.parse(window.until) <= now.getTime() ? colors.yellow('open, overrun') : colors.red('open');
}

/** `rootwarden breakglass list`: one row per window (ticket and names are untrusted text). */
export function renderBreakglassWindows(windows: readonly BreakglassWindow[], now: Date): string {
  if (windows.length === 0)
    return 'No break-glass windows. Open one with `rootwarden plan allow-password-recovery --account ID --for 4h --ticket INC-123`.';
  return renderTable(
    ['ACCOUNT', 'TICKET', 'OPENED', 'BY', 'UNTIL', 'STATE', 'CLEANUP PLAN'],
    windows.map((window) => [
      window.accountId,
      neutralizeForTerminal(window.ticket),
      window.openedAt,
      neutralizeForTerminal(`${window.openedByUser} (${window.openedBy})`),
      window.until,
      windowState(window, now),
      window.cleanupPlanId ?? (window.cleanupError ? colors.red(`not prepared: ${window.cleanupError}`) : ''),
    ]),
  );
}
