import type { EngineEvent, EngineEventListener } from '@rootwarden/core';
import { data } from './render.js';
import type { ToolExtra } from './tool.js';

/** About this many progress notifications per audit, whatever the organization's size. */
const TARGET_NOTIFICATIONS = 100;
/** And never more often than this: while accounts are still being listed the final size is unknown. */
const MIN_INTERVAL_MS = 100;
/**
 * Refused accounts told one by one, each in its own notification. An SCP on a large OU refuses
 * thousands: past this many, the regular notifications count them instead of flooding the client
 * (and a model's context) with one message each; the report names every one.
 */
export const REFUSALS_TOLD = 20;

/**
 * Turns the engine's `account-audited` (audit) and `action-done` (apply) events into `notifications/progress` for the request, when the
 * client asked for progress (it sent `_meta.progressToken`). Progress only ever increases, as the spec
 * requires. One notification per ~1% of the accounts, at most one per 100 ms (while the inventory is
 * still being listed the total is unknown, and the number listed so far sets the step), and always the last.
 * An account AWS refused (AWS_ACCESS_DENIED) is told at once, its message naming the account and why (the
 * policy, target and statement when the organization's policies explain it), as the final report does;
 * the first REFUSALS_TOLD of them, then only their count.
 */
export function progressListener(
  extra: ToolExtra,
  noun = 'accounts audited',
): EngineEventListener | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let sent = 0;
  let sentAt = Number.NEGATIVE_INFINITY;
  let done = 0;
  let listed = 0;
  let total: number | null = null;
  let refused = 0;
  /** `refusal`: an account AWS refused, said at once with why (the policy that refused it, when known). */
  const maybeSend = (refusal?: { accountId: string; error: { code: string; message: string } }) => {
    const step = Math.max(1, Math.floor((total ?? Math.max(listed, done)) / TARGET_NOTIFICATIONS));
    const last = done === total;
    if (
      done <= sent ||
      (!last && !refusal && (done - sent < step || performance.now() - sentAt < MIN_INTERVAL_MS))
    )
      return;
    sent = done;
    sentAt = performance.now();
    const progressed = total ? `${done}/${total} ${noun}` : `${done} ${noun}`;
    const count =
      refused > REFUSALS_TOLD
        ? `${progressed}; ${refused} refused by AWS so far (the report says why for each)`
        : progressed;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress: done,
          ...(total ? { total } : {}),
          message: refusal
            ? // The message names policies, OUs and statements, all set in AWS: quoted data (render.ts).
              `${count}; ${refusal.accountId} unknown, ${refusal.error.code}: ${data(refusal.error.message)}`
            : count,
        },
      })
      // A client that went away cannot be told; the audit goes on and its result is saved.
      .catch(() => undefined);
  };
  return (event: EngineEvent) => {
    if (event.type === 'inventory-page') listed = event.listed;
    else if (event.type === 'inventory-done') {
      total = event.total;
      maybeSend();
    } else if (event.type === 'account-audited') {
      done = event.done;
      total = event.total ?? total;
      // A refused account is told at once, with the same explanation as the final report.
      if (event.error?.code === 'AWS_ACCESS_DENIED') refused += 1;
      maybeSend(
        event.error?.code === 'AWS_ACCESS_DENIED' && refused <= REFUSALS_TOLD
          ? { accountId: event.accountId, error: event.error }
          : undefined,
      );
    } else if (event.type === 'action-done') {
      done = event.done;
      total = event.total ?? total;
      maybeSend();
    }
  };
}
