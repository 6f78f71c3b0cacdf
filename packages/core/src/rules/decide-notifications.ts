import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { BreakglassWindow } from '../domain/breakglass.js';
import { byAccountId, type Severity } from '../domain/common.js';
import type { FindingException } from '../domain/exception.js';
import type { GuardEvent } from '../domain/guard.js';
import { diffRootCredentials } from './diff-audits.js';
import { compareSeverity, meetsThreshold } from './severity.js';

/** An account the inventory diff found: added, removed, or moved to another OU. */
export interface InventoryChange {
  change: 'added' | 'removed' | 'moved';
  account: AccountAuditResult;
  /** moved: the account as the previous audit saw it. */
  before?: AccountAuditResult;
}

function sameSelection(a: AuditReport['selection'], b: AuditReport['selection']): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().every((item, index) => item === [...y].sort()[index]);
  return same(a.accounts, b.accounts) && same(a.ous, b.ous) && same(a.exclude, b.exclude);
}

/**
 * Accounts added, removed or moved between two audits of one organization. Removed accounts are named only
 * when both audits selected the same accounts and the newer one finished (otherwise "missing" may only
 * mean "not selected" or "not reached"). Pure.
 */
export function diffInventory(previous: AuditReport | undefined, current: AuditReport): InventoryChange[] {
  if (!previous || previous.organizationId !== current.organizationId) return [];
  const before = new Map(previous.accounts.map((account) => [account.accountId, account]));
  const now = new Map(current.accounts.map((account) => [account.accountId, account]));
  const changes: InventoryChange[] = [];
  for (const account of current.accounts) {
    const old = before.get(account.accountId);
    if (!old) changes.push({ change: 'added', account });
    else if (old.ouPathText !== account.ouPathText) changes.push({ change: 'moved', account, before: old });
  }
  if (current.complete && sameSelection(previous.selection, current.selection)) {
    for (const account of previous.accounts)
      if (!now.has(account.accountId)) changes.push({ change: 'removed', account });
  }
  return changes;
}

export interface DecideNotificationsInput {
  /** The previous saved audit of the organization (undefined: this audit is the first, the baseline). */
  previous: AuditReport | undefined;
  current: AuditReport;
  /** Live exceptions (stored and file). */
  exceptions: readonly FindingException[];
  /** Break-glass windows not closed yet. */
  openWindows: readonly BreakglassWindow[];
  /** New findings at or above this severity are notified. */
  threshold: Severity;
  /** Exceptions ending within this many days are notified. */
  exceptionWarningDays: number;
  now: Date;
  /** Plans prepared for added exposed accounts, by account id: linked from their events. */
  plans?: ReadonlyMap<string, string>;
}

const DAY_MS = 86_400_000;

function findingKey(code: string, resource: string | undefined): string {
  return `${code}\u0000${resource ?? ''}`;
}

function base(account: AccountAuditResult): Pick<GuardEvent, 'accountId' | 'accountName' | 'ouPath'> {
  return { accountId: account.accountId, accountName: account.name, ouPath: account.ouPathText };
}

/**
 * What needs a person after an audit: new findings at or above the threshold (not accepted by an
 * exception), drift (root credentials that appeared; accounts that went from clean to exposed), accounts
 * added (invited ones flagged: they keep the root credentials they had, see
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management),
 * removed or moved, exceptions that end within `exceptionWarningDays`, break-glass windows still open.
 * An empty list: nothing to notify. Without a previous audit every finding at or above the threshold is
 * new and no inventory change is named (the first audit is the baseline). Pure; sorted by severity,
 * then account, then kind.
 */
export function decideNotifications(input: DecideNotificationsInput): GuardEvent[] {
  const { previous, current, threshold, now } = input;
  const events: GuardEvent[] = [];
  const comparable = previous !== undefined && previous.organizationId === current.organizationId;
  const before = new Map(
    (comparable ? previous.accounts : []).map((account) => [account.accountId, account]),
  );

  for (const account of current.accounts) {
    const old = before.get(account.accountId);
    const known = new Set(old?.findings.map((finding) => findingKey(finding.code, finding.resource)) ?? []);
    // An account the previous audit could not observe (unknown) says nothing about which findings are new.
    const oldObserved = old && (old.status === 'clean' || old.status === 'exposed');
    if (!old || oldObserved || !comparable) {
      for (const finding of account.findings) {
        if (finding.accepted || !meetsThreshold(finding.severity, threshold)) continue;
        if (known.has(findingKey(finding.code, finding.resource))) continue;
        events.push({
          kind: 'new-finding',
          severity: finding.severity,
          ...base(account),
          findingCode: finding.code,
          ...(finding.resource === undefined ? {} : { resource: finding.resource }),
        });
      }
    }
    if (old && oldObserved && (account.status === 'clean' || account.status === 'exposed')) {
      if (old.status === 'clean' && account.status === 'exposed')
        events.push({ kind: 'went-exposed', severity: 'high', ...base(account) });
      for (const change of diffRootCredentials(old.rootCredentials, account.rootCredentials)) {
        if (change.change !== 'appeared' || change.kind === 'mfa-device') continue;
        events.push({
          kind: 'credentials-appeared',
          severity: 'high',
          ...base(account),
          resource: change.id,
        });
      }
    }
  }

  for (const change of diffInventory(comparable ? previous : undefined, current)) {
    const { account } = change;
    if (change.change === 'added') {
      const invited = account.joinedMethod === 'INVITED';
      const planId = input.plans?.get(account.accountId);
      events.push({
        kind: 'account-added',
        // Invited accounts keep their root credentials; created ones start without (aws-facts §1).
        severity: invited || account.status === 'exposed' ? 'high' : 'low',
        ...base(account),
        invited,
        ...(planId ? { planId } : {}),
      });
    } else if (change.change === 'removed') {
      events.push({ kind: 'account-removed', severity: 'low', ...base(account) });
    } else {
      events.push({
        kind: 'account-moved',
        severity: 'low',
        ...base(account),
        ouPathBefore: change.before?.ouPathText ?? '',
      });
    }
  }

  const names = new Map(current.accounts.map((account) => [account.accountId, account]));
  const horizon = now.getTime() + input.exceptionWarningDays * DAY_MS;
  for (const exception of input.exceptions) {
    const ends = Date.parse(exception.expiresAt);
    if (ends <= now.getTime() || ends > horizon) continue;
    const account = names.get(exception.accountId);
    events.push({
      kind: 'exception-expiring',
      severity: 'medium',
      accountId: exception.accountId,
      accountName: account?.name ?? '',
      ...(account ? { ouPath: account.ouPathText } : {}),
      ...(exception.findingCode ? { findingCode: exception.findingCode } : {}),
      exceptionId: exception.id,
      expiresAt: exception.expiresAt,
    });
  }

  for (const window of input.openWindows) {
    if (window.closedAt !== null || window.organizationId !== current.organizationId) continue;
    const account = names.get(window.accountId);
    events.push({
      kind: 'breakglass-open',
      // A window past its end that nobody closed yet matters more than one still running.
      severity: Date.parse(window.until) <= now.getTime() ? 'critical' : 'high',
      accountId: window.accountId,
      accountName: account?.name ?? '',
      ...(account ? { ouPath: account.ouPathText } : {}),
      windowId: window.id,
      until: window.until,
      ticket: window.ticket,
    });
  }

  const order = (kind: GuardEvent['kind']) =>
    [
      'breakglass-open',
      'went-exposed',
      'credentials-appeared',
      'new-finding',
      'account-added',
      'exception-expiring',
      'account-moved',
      'account-removed',
      'breakglass-closed',
    ].indexOf(kind);
  return events.sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      byAccountId(a, b) ||
      order(a.kind) - order(b.kind) ||
      (a.resource ?? '').localeCompare(b.resource ?? ''),
  );
}
