import type { EngineEvent } from '@rootwarden/core';
import { describe, expect, it } from 'vitest';
import { progressListener, REFUSALS_TOLD } from './progress.js';
import type { ToolExtra } from './tool.js';

interface Sent {
  progress: number;
  total?: number;
  message: string;
}

/** A listener whose notifications land in `sent`, as the SDK would send them to the client. */
function listen(): { sent: Sent[]; listener: (event: EngineEvent) => void } {
  const sent: Sent[] = [];
  const extra = {
    _meta: { progressToken: 'token' },
    sendNotification: async (notification: { params: Sent }) => {
      sent.push(notification.params);
    },
  } as unknown as ToolExtra;
  const listener = progressListener(extra);
  if (!listener) throw new Error('a progress token makes a listener');
  return { sent, listener };
}

const refusedEvent = (done: number, total: number): EngineEvent => ({
  type: 'account-audited',
  accountId: String(300000000000 + done),
  status: 'unknown',
  done,
  total,
  error: {
    code: 'AWS_ACCESS_DENIED',
    message: `Refused by the organization's policies: SCP "Deny" (${done}).`,
  },
});

describe('progress notifications of refused accounts', () => {
  it(`tells the first ${REFUSALS_TOLD} refused accounts one by one, then counts them`, async () => {
    const { sent, listener } = listen();
    const total = 1000;
    listener({ type: 'inventory-done', total });
    // An SCP on one OU refuses 500 of the 1,000 accounts.
    for (let done = 1; done <= total; done += 1)
      listener(
        done % 2 === 0
          ? refusedEvent(done, total)
          : { type: 'account-audited', accountId: String(300000000000 + done), status: 'clean', done, total },
      );
    await Promise.resolve();
    const named = sent.filter((update) => update.message.includes('AWS_ACCESS_DENIED'));
    expect(named.map((update) => update.progress)).toEqual(
      Array.from({ length: REFUSALS_TOLD }, (_, index) => 2 * (index + 1)),
    );
    // After them, at most the regular cadence (about 100 per audit), each with the count so far.
    expect(sent.length).toBeLessThanOrEqual(REFUSALS_TOLD + 101);
    const last = sent.at(-1);
    expect(last).toMatchObject({ progress: total, total });
    expect(last?.message).toBe(
      `${total}/${total} accounts audited; 500 refused by AWS so far (the report says why for each)`,
    );
    for (const [index, update] of sent.entries())
      if (index > 0) expect(update.progress).toBeGreaterThan(sent[index - 1]?.progress ?? 0);
  });
});
