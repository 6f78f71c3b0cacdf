import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { observeRootCredentials } from '../aws/observe-root.js';
import type { CallHooks, OrgAccountRecord } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import { SessionScope } from '../aws/session-scope.js';
import {
  type AccountAuditResult,
  AUDIT_REPORT_SCHEMA_VERSION,
  type AuditReport,
  type AuditSettings,
} from '../domain/audit.js';
import type { BreakglassWindow } from '../domain/breakglass.js';
import type { ReportWarning } from '../domain/common.js';
import type { EngineEventListener } from '../domain/events.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { CoreError, isCoreError, ORGANIZATION_WIDE_CODES } from '../errors.js';
import { breakglassFindings } from '../rules/breakglass-findings.js';
import type { FeaturesAnswer } from '../rules/decide-caller-role.js';
import { evaluateFindings, statusOf } from '../rules/evaluate-findings.js';
import { explainUnknownAccount } from '../rules/explain-unknown.js';
import { compareSeverity } from '../rules/severity.js';
import { type SkipContext, skipReasonFor } from '../rules/skip-reason.js';
import { SummaryCounter, summarizeResults } from '../rules/summarize.js';
import type { AuditCheckpointHeader } from '../store/store.js';
import { AdaptiveConcurrency, GROWTH_INTERVAL_MS } from './adaptive-concurrency.js';
import { createRefusalExplainer } from './check-policies.js';
import { eventLoopLoad } from './event-loop-load.js';
import { checkSelection, ouNamesWarning, toAccount } from './inventory.js';
import { OrgTree } from './org-tree.js';
import { preflightRootAccess, readFeatures } from './preflight.js';
import { selectAccounts } from './selection.js';

export { preflightRootAccess } from './preflight.js';

export interface AuditContext {
  now: () => Date;
  signal?: AbortSignal | undefined;
  onEvent?: EngineEventListener | undefined;
  /** Root session lifetime (AWS allows 0–900 s). */
  sessionDurationSeconds?: number | undefined;
  /** The report's id (default: a new UUID); the HTTP API makes it its job id. */
  auditId?: string | undefined;
  /** Told once the preflight passed: everything a partial report needs besides the accounts (checkpoints). */
  onStarted?: ((header: Omit<AuditCheckpointHeader, 'listed'>) => void) | undefined;
  /**
   * Hand each result out once, as its `account-done` event, and keep none: the returned report's
   * `accounts` is empty (its summary counts them all). Memory then stays flat however large the
   * organization; a caller that needs the results sorted keeps what it needs of each.
   */
  streamResults?: boolean | undefined;
  /** Break-glass windows open in the history: each becomes its account's BREAKGLASS_WINDOW_OPEN finding. */
  breakglassWindows?: readonly BreakglassWindow[] | undefined;
}

/**
 * Rounds of whole-account retries after the per-call retries gave up on throttling, a 5xx or the
 * network: under a storm of faults an account is retried with a fresh session rather than reported
 * unknown.
 */
const ACCOUNT_RETRY_ROUNDS = 4;

function isRetryableLater(error: CoreError): boolean {
  return error.code === 'THROTTLED' || error.code === 'NETWORK' || error.details?.transient === true;
}

/** Results of the backlog handed out between two turns of the event loop. */
const BACKLOG_SLICE = 64;

type Outcome =
  | { kind: 'observed'; credentials: RootCredentials; at: string }
  | { kind: 'failed'; error: CoreError }
  | { kind: 'skipped' };

/**
 * Accounts audited at once at the start; the bound grows towards --concurrency while the queue of
 * listed accounts grows and the process has CPU to spare (AdaptiveConcurrency's `load`). With AWS's
 * latency the loop is mostly idle and the bound reaches the ceiling within a second; against a fast
 * endpoint the CPU is the limit, and tasks beyond what it can serve only held memory (README,
 * "Performance").
 */
export const INITIAL_CONCURRENCY = 8;

/**
 * The org-wide root credential audit. Listing and auditing are pipelined: accounts are audited as
 * their page arrives, within an adaptive concurrency bound. Every selected account ends up in the
 * report exactly once — audited, skipped with its reason, or unknown with its error code.
 */
export async function auditOrganization(
  runtime: AwsRuntime,
  settings: AuditSettings,
  context: AuditContext,
): Promise<AuditReport> {
  checkSelection(settings);
  const startedAt = context.now();
  const stop = new AbortController();
  const signal = context.signal ? AbortSignal.any([context.signal, stop.signal]) : stop.signal;
  // Every in-flight AWS call listens on this signal; thousands may be in flight.
  setMaxListeners(0, signal, stop.signal);
  const limiter = new AdaptiveConcurrency({
    max: settings.concurrency,
    initial: INITIAL_CONCURRENCY,
    load: eventLoopLoad(GROWTH_INTERVAL_MS),
    onChange: (concurrency) => context.onEvent?.({ type: 'concurrency-changed', concurrency }),
  });
  const onThrottle = (operation: string) => {
    limiter.onThrottle();
    context.onEvent?.({ type: 'throttled', operation, concurrency: limiter.concurrency });
  };
  const onAnswer = () => limiter.onAnswer();
  const hooks: CallHooks = { signal, onThrottle, onAnswer };

  const { caller, organization, features } = await preflightRootAccess(runtime, hooks);
  const auditId = context.auditId ?? randomUUID();
  const selection = {
    accounts: [...settings.accounts],
    ous: [...settings.ous],
    exclude: [...settings.exclude],
  };
  context.onStarted?.({
    auditId,
    organizationId: organization.id,
    managementAccountId: organization.managementAccountId,
    caller,
    startedAt: startedAt.toISOString(),
    selection,
    settings: { recentDays: settings.recentDays },
  });
  const selected = selectAccounts(runtime, settings, organization, hooks);
  const tree = selected.tree;
  const warnings: ReportWarning[] = [];
  const confirmOrganizationWide = createOrgWideConfirmation(runtime, hooks, features);
  const skip = { managementAccountId: organization.managementAccountId, exclude: new Set(settings.exclude) };
  const explainByPolicies = createRefusalExplainer(runtime, organization.id, hooks);
  /** Refusals being explained (outside the concurrency slots: an explanation may wait for OU names). */
  const explanations: Promise<void>[] = [];

  const records = new Map<string, OrgAccountRecord>();
  const outcomes = new Map<string, Outcome>();
  const tasks: Promise<void>[] = [];
  let fatal: CoreError | undefined;
  let listed: number | null = null;

  // Results are announced once OU names are known (the tree walk runs alongside the audit); until
  // then finished accounts wait in a backlog.
  let orgTree: OrgTree | undefined;
  let announced = 0;
  const backlog: string[] = [];
  const streamed = new SummaryCounter();
  const emit = (accountId: string, tree: OrgTree) => {
    announced += 1;
    const result = buildResult(
      records.get(accountId) as OrgAccountRecord,
      outcomes.get(accountId),
      tree,
      skip,
      settings.recentDays,
      { windows: context.breakglassWindows ?? [], now: context.now() },
    );
    if (context.streamResults) {
      // Handed out once and forgotten: nothing of this account stays in memory.
      streamed.add(result);
      records.delete(accountId);
      outcomes.delete(accountId);
    }
    context.onEvent?.({ type: 'account-done', result, done: announced, total: listed });
  };
  let finished = 0;
  const announce = (accountId: string) => {
    finished += 1;
    const outcome = outcomes.get(accountId);
    const status =
      outcome?.kind === 'observed'
        ? statusOf(outcome.credentials)
        : outcome?.kind === 'skipped'
          ? 'skipped'
          : 'unknown';
    context.onEvent?.({
      type: 'account-audited',
      accountId,
      status,
      done: finished,
      total: listed,
      ...(outcome?.kind === 'failed'
        ? { error: { code: outcome.error.code, message: outcome.error.message } }
        : {}),
    });
    if (orgTree) emit(accountId, orgTree);
    else waitForNames(accountId);
  };
  /**
   * A finished account is reported as soon as every root and OU of its path is named, usually long
   * before the walk ends: its result is then handed out and forgotten instead of waiting, with
   * thousands of others, for the walk's last page (issue 15). Without a path (no `Paths` from
   * ListAccounts) it waits for the whole tree.
   */
  const growing = selected.growing;
  const waitingForUnit = new Map<string, string[]>();
  const waitForNames = (accountId: string) => {
    const parentIds = records.get(accountId)?.parentIds;
    if (parentIds === undefined) {
      backlog.push(accountId);
      return;
    }
    const unnamed = parentIds.find((id) => !growing.units.has(id));
    if (unnamed === undefined) {
      emit(accountId, growing);
      return;
    }
    const waiting = waitingForUnit.get(unnamed);
    if (waiting) waiting.push(accountId);
    else waitingForUnit.set(unnamed, [accountId]);
  };
  growing.onAdd((unit) => {
    const waiting = waitingForUnit.get(unit.id);
    if (waiting === undefined || orgTree) return;
    waitingForUnit.delete(unit.id);
    for (const accountId of waiting) waitForNames(accountId);
  });
  const treeReady = tree
    .catch((error: unknown) => {
      // OU names are a convenience: without them paths show OU ids. Only the caller's own problems stop the audit.
      if (isCoreError(error) && ORGANIZATION_WIDE_CODES.has(error.code)) throw error;
      if (isCoreError(error) && error.code === 'AWS_ACCESS_DENIED') warnings.push(ouNamesWarning(error));
      return new OrgTree();
    })
    .then(async (loaded) => {
      orgTree = loaded;
      // What still waits (accounts without a path, those in the last OUs named) is handed out in
      // slices, letting the consumers write each slice out before the next, instead of building (and
      // queueing for a report file) thousands of results at once.
      const waiting = [...backlog.splice(0), ...[...waitingForUnit.values()].flat()];
      waitingForUnit.clear();
      for (let index = 0; index < waiting.length; index += 1) {
        emit(waiting[index] as string, loaded);
        if (index % BACKLOG_SLICE === BACKLOG_SLICE - 1) await setImmediate();
      }
      return loaded;
    });
  treeReady.catch(() => undefined); // awaited below

  /** AWS's AccessDenied for one account, with the policy that caused it named when the policies say so. */
  const explainRefusal = async (record: OrgAccountRecord, error: CoreError): Promise<CoreError> => {
    try {
      explainByPolicies.prefetch();
      // The OU names make the message readable; without them (the walk failed) the ids do.
      const names = await treeReady.catch(() => new OrgTree());
      const message = await explainByPolicies.explain(toAccount(record, names, skip));
      if (!message) return error;
      return new CoreError(error.code, message, {
        ...(error.fix === undefined ? {} : { fix: error.fix }),
        ...(error.details === undefined ? {} : { details: error.details }),
      });
    } catch {
      // An explanation is extra: failing to give one never costs the account's result.
      return error;
    }
  };

  const auditOne = async (record: OrgAccountRecord): Promise<void> => {
    if (signal.aborted) return;
    let outcome: Outcome | undefined;
    for (let round = 0; round <= ACCOUNT_RETRY_ROUNDS && !signal.aborted; round += 1) {
      const scope = new SessionScope(runtime, {
        accountId: record.accountId,
        task: 'audit',
        durationSeconds: context.sessionDurationSeconds,
        signal,
        onThrottle,
        onAnswer,
        now: context.now,
      });
      try {
        const credentials = await observeRootCredentials(scope, signal);
        outcome = { kind: 'observed', credentials, at: context.now().toISOString() };
        limiter.onSuccess();
        break;
      } catch (error) {
        const coreError = isCoreError(error) ? error : new CoreError('INTERNAL', String(error));
        if (ORGANIZATION_WIDE_CODES.has(coreError.code)) {
          if (await confirmOrganizationWide(coreError)) {
            fatal ??= coreError;
            stop.abort();
            return;
          }
          outcome = { kind: 'failed', error: accountOnlyRefusal(coreError) };
          break;
        }
        outcome = { kind: 'failed', error: coreError };
        if (!isRetryableLater(coreError)) break;
      }
    }
    if (signal.aborted && outcome?.kind !== 'observed') return; // reported as ABORTED below
    const finish = (final: Outcome) => {
      outcomes.set(record.accountId, final);
      announce(record.accountId);
    };
    if (outcome?.kind === 'failed' && outcome.error.code === 'AWS_ACCESS_DENIED') {
      // Named before the account is announced, so every streamed output says which policy refused it.
      const refused = outcome.error;
      explanations.push(explainRefusal(record, refused).then((error) => finish({ kind: 'failed', error })));
      return;
    }
    finish(outcome ?? { kind: 'failed', error: new CoreError('ABORTED', 'The audit was interrupted.') });
  };

  let listingError: CoreError | undefined;
  try {
    let count = 0;
    for await (const page of selected.batches) {
      for (const record of page) {
        if (records.has(record.accountId)) continue;
        records.set(record.accountId, record);
        count += 1;
        if (skipReasonFor(record, skip)) {
          outcomes.set(record.accountId, { kind: 'skipped' });
          announce(record.accountId);
        } else {
          tasks.push(limiter.limit(auditOne, record));
          limiter.onQueued();
        }
      }
      context.onEvent?.({ type: 'inventory-page', listed: count });
      if (signal.aborted) break;
    }
    listed = count;
    context.onEvent?.({ type: 'inventory-done', total: count });
  } catch (error) {
    listingError = isCoreError(error) ? error : new CoreError('INTERNAL', String(error));
    stop.abort();
  }
  if (signal.aborted) limiter.limit.clearQueue();
  await Promise.allSettled(tasks);
  await Promise.allSettled(explanations);
  if (fatal) throw fatal;
  // Listing failed for a reason other than the user's interruption: the report cannot be complete.
  if (listingError && !(listingError.code === 'ABORTED' && context.signal?.aborted)) throw listingError;

  const finalTree = await treeReady.catch((error: unknown) => {
    if (context.signal?.aborted) return orgTree ?? new OrgTree();
    throw error;
  });
  const complete = !context.signal?.aborted;
  if (context.streamResults) {
    // Accounts listed but never finished (an interruption) are handed out last, as unknown.
    for (const accountId of [...records.keys()].sort()) emit(accountId, finalTree);
  }
  const accounts = [...records.keys()]
    .sort()
    .map((accountId) =>
      buildResult(
        records.get(accountId) as OrgAccountRecord,
        outcomes.get(accountId),
        finalTree,
        skip,
        settings.recentDays,
        { windows: context.breakglassWindows ?? [], now: context.now() },
      ),
    );
  return {
    schemaVersion: AUDIT_REPORT_SCHEMA_VERSION,
    auditId,
    organizationId: organization.id,
    managementAccountId: organization.managementAccountId,
    caller,
    startedAt: startedAt.toISOString(),
    finishedAt: context.now().toISOString(),
    complete,
    selection,
    settings: { recentDays: settings.recentDays },
    summary: context.streamResults ? streamed.summary() : summarizeResults(accounts),
    accounts,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Codes an AssumeRoot may answer for one account that would, if true of the organization, stop everything. */
const FEATURE_CODES: ReadonlySet<string> = new Set([
  'ROOT_ACCESS_NOT_ENABLED',
  'ROOT_SESSIONS_NOT_ENABLED',
  'TRUSTED_ACCESS_NOT_ENABLED',
  'NOT_AUTHORIZED_CALLER',
]);

/**
 * Whether one account's organization-wide-looking answer is true of the whole organization. The
 * caller's own credentials, endpoint, region and partition are by nature (they fail every account the
 * same way). A feature refusal ("Service not enabled for AWS Organizations.") is confirmed only by
 * ListOrganizationsFeatures, read again once: if it reports the feature on, or cannot be read, that
 * account alone is refused and the audit goes on.
 */
function createOrgWideConfirmation(
  runtime: AwsRuntime,
  hooks: CallHooks,
  atStart: FeaturesAnswer,
): (error: CoreError) => Promise<boolean> {
  let reread: Promise<FeaturesAnswer> | undefined;
  return async (error) => {
    if (!FEATURE_CODES.has(error.code)) return true;
    // Confirmed at the start already when it said so; otherwise ask AWS again (the state may have changed).
    reread ??= readFeatures(runtime, hooks).catch(() => atStart);
    const now = await reread;
    switch (error.code) {
      case 'ROOT_ACCESS_NOT_ENABLED':
        return (
          now.kind === 'trusted-access-off' ||
          (now.kind === 'answered' && !now.features.includes('RootCredentialsManagement'))
        );
      case 'ROOT_SESSIONS_NOT_ENABLED':
        return now.kind === 'answered' && !now.features.includes('RootSessions');
      case 'TRUSTED_ACCESS_NOT_ENABLED':
        return now.kind === 'trusted-access-off';
      default:
        return now.kind === 'not-admin';
    }
  };
}

/** The same refusal, said of one account: the organization's features are on (or unknown). */
function accountOnlyRefusal(error: CoreError): CoreError {
  return new CoreError(
    error.code,
    `${error.message} ListOrganizationsFeatures does not confirm this for the organization, so only this account is affected.`,
    {
      fix: 'Check this account in the AWS Organizations console (its state, and whether it recently joined or moved), then audit it again with --account.',
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  );
}

function buildResult(
  record: OrgAccountRecord,
  outcome: Outcome | undefined,
  tree: OrgTree,
  skip: SkipContext,
  recentDays: number,
  breakglass: { windows: readonly BreakglassWindow[]; now: Date },
): AccountAuditResult {
  const { windows } = breakglass;
  const account = toAccount(record, tree, skip);
  if (account.skipReason)
    return { ...account, status: 'skipped', rootCredentials: null, findings: [], auditedAt: null };
  if (outcome?.kind === 'observed') {
    const at = new Date(outcome.at);
    return {
      ...account,
      status: statusOf(outcome.credentials),
      rootCredentials: outcome.credentials,
      findings: [
        ...evaluateFindings(outcome.credentials, { now: at, recentDays }),
        ...breakglassFindings(windows, account.accountId, at),
      ].sort((a, b) => compareSeverity(a.severity, b.severity)),
      auditedAt: outcome.at,
    };
  }
  const error =
    outcome?.kind === 'failed'
      ? outcome.error
      : new CoreError('ABORTED', 'The audit was interrupted before this account was audited.');
  return {
    ...account,
    status: 'unknown',
    error: {
      code: error.code,
      message: error.message,
      ...(typeof error.details?.awsCode === 'string' ? { awsCode: error.details.awsCode } : {}),
      // json and jsonl carry the short message and fix the other formats show, besides AWS's message.
      ...explainUnknownAccount(error.code, account.accountId),
    },
    rootCredentials: null,
    // The window is rootwarden's own record: reported even when AWS could not be read.
    findings: breakglassFindings(windows, account.accountId, breakglass.now),
    auditedAt: null,
  };
}
