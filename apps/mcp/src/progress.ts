import type { EngineEvent, EngineEventListener } from '@rootwarden/core';
import type { ToolExtra } from './tool.js';

/** At most this many progress notifications per audit (plus the last one), whatever the org's size. */
const MAX_NOTIFICATIONS = 100;

/**
 * Turns the engine's `account-done` events into `notifications/progress` for the request, when the
 * client asked for progress (it sent `_meta.progressToken`). Progress only ever increases, as the spec
 * requires; for large organizations one notification per 1% keeps the stream small.
 */
export function progressListener(
  extra: ToolExtra,
  noun = 'accounts audited',
): EngineEventListener | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let sent = 0;
  return (event: EngineEvent) => {
    if (event.type !== 'account-done') return;
    const { done, total } = event;
    const step = total ? Math.max(1, Math.floor(total / MAX_NOTIFICATIONS)) : 1;
    if (done <= sent || (done !== total && done - sent < step)) return;
    sent = done;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress: done,
          ...(total ? { total } : {}),
          message: total ? `${done}/${total} ${noun}` : `${done} ${noun}`,
        },
      })
      // A client that went away cannot be told; the audit goes on and its result is saved.
      .catch(() => undefined);
  };
}
