import { createHash } from 'node:crypto';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { BreakglassWindow } from '../domain/breakglass.js';
import {
  type GuardEvent,
  NOTIFICATION_SCHEMA_ID,
  type Notification,
  type NotificationConfig,
  type NotificationDelivery,
} from '../domain/guard.js';
import type { CreatePlanInput, Plan } from '../domain/plan.js';
import { isCoreError } from '../errors.js';
import { decideNotifications, diffInventory } from '../rules/decide-notifications.js';
import type { Store } from '../store/store.js';
import { type Backoff, retryUndeliveredNotifications, sendNotification } from './notify.js';

/** The notification id (its idempotency key), derived from what caused it: the same cause, the same id. */
export function notificationId(cause: string): string {
  return `rwn-${createHash('sha256').update(cause).digest('hex').slice(0, 32)}`;
}

export interface GuardResult {
  /** What was notified (undefined: nothing needed a person). */
  notification: Notification | undefined;
  deliveries: NotificationDelivery[];
  /** Plans prepared for added accounts found exposed, by account id (never applied by rootwarden). */
  plans: Record<string, string>;
  /** Added accounts that could not be audited or planned, with the error code. */
  problems: { accountId: string; code: string }[];
}

export interface GuardContext {
  store: Store;
  config: NotificationConfig;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  createPlan: (input: CreatePlanInput) => Promise<Plan>;
  /** Audits these accounts now (not saved): for added accounts the audit that found them did not reach. */
  auditAccounts: (accountIds: string[]) => Promise<AuditReport>;
  backoff?: Backoff;
  signal?: AbortSignal | undefined;
}

/** The previous saved audit of the same organization that started before `report`. */
async function previousAudit(store: Store, report: AuditReport): Promise<AuditReport | undefined> {
  const recent = await store.listAudits({ organizationId: report.organizationId, limit: 5 });
  const older = recent.find(
    (entry) =>
      entry.auditId !== report.auditId && Date.parse(entry.startedAt) <= Date.parse(report.startedAt),
  );
  return older ? store.getAudit(older.auditId) : undefined;
}

/**
 * After an audit: for each account that joined since the previous audit, audit it at once when the audit
 * that found it did not reach it, and when it is exposed PREPARE a delete-root-credentials plan (a person
 * approves it: rootwarden never applies it by itself); then decide what needs a person and deliver it to
 * every configured channel (first re-sending what earlier notifications could not deliver). A failure to
 * prepare one plan never costs the notification.
 */
export async function guardAfterAudit(report: AuditReport, context: GuardContext): Promise<GuardResult> {
  const { store } = context;
  const notifyContext = { ...context, store };
  if (context.config.channels.length > 0) await retryUndeliveredNotifications(notifyContext);
  const cause = `audit:${report.organizationId}:${report.auditId}`;
  // The hook ran for this audit already (a restart, a second caller): deliver what is left, decide nothing twice.
  const done = await store.getNotification(notificationId(cause));
  if (done) {
    const deliveries = await sendNotification(done, notifyContext);
    const plans = Object.fromEntries(
      done.events.flatMap((event) =>
        event.kind === 'account-added' && event.planId ? [[event.accountId, event.planId]] : [],
      ),
    );
    return { notification: done, deliveries, plans, problems: [] };
  }
  const previous = await previousAudit(store, report);
  const plans: Record<string, string> = {};
  const problems: GuardResult['problems'] = [];
  let current = report;
  const added = diffInventory(previous, report)
    .filter((change) => change.change === 'added')
    .map((change) => change.account);
  const unreached = added
    .filter((account) => account.status === 'unknown')
    .map((account) => account.accountId);
  if (unreached.length > 0) {
    try {
      const fresh = await context.auditAccounts(unreached);
      const byId = new Map<string, AccountAuditResult>(
        fresh.accounts.map((account) => [account.accountId, account]),
      );
      current = {
        ...report,
        accounts: report.accounts.map((account) => {
          const again = byId.get(account.accountId);
          // Keep the inventory's view (OU path, join method); take the fresh observation.
          return again && again.status !== 'unknown'
            ? { ...account, ...again, ouPathText: account.ouPathText }
            : account;
        }),
      };
    } catch (error) {
      for (const accountId of unreached)
        problems.push({ accountId, code: isCoreError(error) ? error.code : 'INTERNAL' });
    }
  }
  for (const account of current.accounts) {
    if (!added.some((entry) => entry.accountId === account.accountId) || account.status !== 'exposed')
      continue;
    try {
      const plan = await context.createPlan({
        task: 'delete-root-credentials',
        accounts: [account.accountId],
      });
      plans[account.accountId] = plan.planId;
    } catch (error) {
      problems.push({ accountId: account.accountId, code: isCoreError(error) ? error.code : 'INTERNAL' });
    }
  }
  const events = decideNotifications({
    previous,
    current,
    exceptions: await store.listExceptions(),
    openWindows: await store.listBreakglassWindows({ open: true }),
    threshold: context.config.threshold,
    exceptionWarningDays: context.config.exceptionWarningDays,
    now: context.now(),
    plans: new Map(Object.entries(plans)),
  });
  if (events.length === 0) return { notification: undefined, deliveries: [], plans, problems };
  const notification = buildNotification(cause, {
    organizationId: report.organizationId,
    auditId: report.auditId,
    createdAt: context.now().toISOString(),
    threshold: context.config.threshold,
    events,
  });
  const deliveries = await sendNotification(notification, notifyContext);
  return { notification, deliveries, plans, problems };
}

export function buildNotification(cause: string, fields: Omit<Notification, '$schema' | 'id'>): Notification {
  return { $schema: NOTIFICATION_SCHEMA_ID, id: notificationId(cause), ...fields };
}

/** The event a closed break-glass window is notified with. */
export function breakglassClosedEvent(window: BreakglassWindow, accountName: string): GuardEvent {
  return {
    kind: 'breakglass-closed',
    severity: window.cleanupPlanId ? 'high' : 'critical',
    accountId: window.accountId,
    accountName,
    windowId: window.id,
    until: window.until,
    ticket: window.ticket,
    ...(window.cleanupPlanId ? { planId: window.cleanupPlanId } : {}),
  };
}
