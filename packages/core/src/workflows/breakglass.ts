import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  BreakglassDurationSchema,
  BreakglassTicketSchema,
  type BreakglassWindow,
  type OpenBreakglassInputSchema,
} from '../domain/breakglass.js';
import { AccountIdSchema, type ReportWarning } from '../domain/common.js';
import type { NotificationConfig, NotificationDelivery } from '../domain/guard.js';
import { parseInput } from '../domain/parse-input.js';
import type { CreatePlanInput, Plan } from '../domain/plan.js';
import { CoreError, isCoreError } from '../errors.js';
import type { Store } from '../store/store.js';
import { breakglassClosedEvent, buildNotification } from './guard.js';
import { type Backoff, sendNotification } from './notify.js';

export type OpenBreakglassInput = z.input<typeof OpenBreakglassInputSchema>;

export interface BreakglassContext {
  store: Store;
  now: () => Date;
  createPlan: (input: CreatePlanInput) => Promise<Plan>;
  config: NotificationConfig;
  env: Readonly<Record<string, string | undefined>>;
  backoff?: Backoff | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * `rootwarden plan allow-password-recovery --account A --for 4h --ticket INC-123`: prepares the plan
 * and records the window (who: the AWS principal and the local user; why: the ticket; when; until). The
 * guard notifies an open window after every audit until it is closed.
 */
export async function openBreakglassWindow(
  input: OpenBreakglassInput,
  localUser: string,
  context: BreakglassContext,
): Promise<{ plan: Plan; window: BreakglassWindow }> {
  const account = parseInput(AccountIdSchema, input.account, 'account');
  const durationMs = parseInput(BreakglassDurationSchema, input.for, 'for');
  const ticket = parseInput(BreakglassTicketSchema, input.ticket, 'ticket');
  const plan = await context.createPlan({ task: 'allow-password-recovery', account });
  const opened = context.now();
  const window: BreakglassWindow = {
    id: randomUUID(),
    accountId: account,
    organizationId: plan.organizationId,
    ticket,
    openedAt: opened.toISOString(),
    until: new Date(opened.getTime() + durationMs).toISOString(),
    openedBy: plan.createdBy.arn,
    openedByUser: localUser,
    planId: plan.planId,
    closedAt: null,
    closedBy: null,
    cleanupPlanId: null,
    cleanupError: null,
  };
  await context.store.openBreakglassWindow(window);
  return { plan, window };
}

export interface ClosedWindow {
  window: BreakglassWindow;
  deliveries: NotificationDelivery[];
}

/**
 * Closes windows (those of `accountId`, or those whose time is up with `expiredOnly`): for each, prepares
 * the delete-root-credentials plan that removes what the recovery created (a person approves it) and
 * notifies. A window is closed once even when a scheduler tick and a person close it at the same time.
 * A plan that cannot be prepared is recorded as the window's `cleanupError` and notified as critical.
 */
export async function closeBreakglassWindows(
  selection: { accountId?: string; expiredOnly?: boolean },
  closedBy: string,
  context: BreakglassContext,
): Promise<ClosedWindow[]> {
  const now = context.now();
  const open = await context.store.listBreakglassWindows({
    open: true,
    ...(selection.accountId ? { accountId: selection.accountId } : {}),
  });
  const due = open.filter((window) => !selection.expiredOnly || Date.parse(window.until) <= now.getTime());
  const closed: ClosedWindow[] = [];
  for (const window of due) {
    if (!(await context.store.closeBreakglassWindow(window.id, { at: now.toISOString(), by: closedBy })))
      continue;
    let cleanup: { planId: string | null; error: string | null };
    try {
      const plan = await context.createPlan({
        task: 'delete-root-credentials',
        accounts: [window.accountId],
      });
      cleanup = { planId: plan.planId, error: null };
    } catch (error) {
      cleanup = { planId: null, error: isCoreError(error) ? error.code : 'INTERNAL' };
    }
    const updated = (await context.store.setBreakglassCleanup(window.id, cleanup)) ?? {
      ...window,
      closedAt: now.toISOString(),
      closedBy,
      cleanupPlanId: cleanup.planId,
      cleanupError: cleanup.error,
    };
    const notification = buildNotification(`breakglass-closed:${window.id}`, {
      organizationId: window.organizationId,
      auditId: null,
      createdAt: now.toISOString(),
      threshold: context.config.threshold,
      events: [breakglassClosedEvent(updated, '')],
    });
    const deliveries = await sendNotification(notification, {
      store: context.store,
      config: context.config,
      env: context.env,
      now: context.now,
      signal: context.signal,
      ...(context.backoff ? { backoff: context.backoff } : {}),
    });
    closed.push({ window: updated, deliveries });
  }
  return closed;
}

/** `rootwarden breakglass close A` with no open window on A: a clear error. */
export function noOpenWindow(accountId: string): CoreError {
  return new CoreError('INVALID_INPUT', `No open break-glass window on account ${accountId}.`, {
    fix: 'See the windows with `rootwarden breakglass list`.',
    details: { field: 'account' },
  });
}

/**
 * What an audit says of a window its start closed because its time was up: the user sees the window
 * ended, and the plan that deletes the recovered credentials (or why none could be prepared).
 */
export function windowClosedWarning(window: BreakglassWindow): ReportWarning {
  return {
    code: 'BREAKGLASS_WINDOW_CLOSED',
    message: `The break-glass window on account ${window.accountId} (ticket ${JSON.stringify(window.ticket)}, quoted: a person typed it) ended at ${window.until} and was closed${window.cleanupPlanId ? `; plan ${window.cleanupPlanId} deletes the recovered root credentials.` : `, but the plan to delete the recovered credentials could not be prepared (${window.cleanupError ?? 'unknown error'}).`}`,
    fix: window.cleanupPlanId
      ? `Review and apply it: rootwarden apply ${window.cleanupPlanId}`
      : `Prepare it by hand: rootwarden plan delete-root-credentials --account ${window.accountId}`,
  };
}
