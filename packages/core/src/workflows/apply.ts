import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import { enableRootFeature } from '../aws/identity-and-features.js';
import { enableServiceAccess } from '../aws/organizations.js';
import {
  getBucketPolicy,
  getQueuePolicy,
  putBucketPolicy,
  setQueuePolicy,
} from '../aws/resource-policies.js';
import { runMemberAction } from '../aws/root-actions.js';
import type { EngineEventListener } from '../domain/events.js';
import { parseInput } from '../domain/parse-input.js';
import {
  type ApplyResult,
  type Plan,
  type PlanAction,
  PlanIdSchema,
  type PolicyBackup,
  type RestorePolicyInput,
  RestorePolicyInputSchema,
} from '../domain/plan.js';
import type { Observation } from '../domain/plan-observation.js';
import { CoreError, isCoreError, ORGANIZATION_WIDE_CODES } from '../errors.js';
import { finalStatus, journalProgress, startedActions } from '../rules/journal-progress.js';
import {
  ACTION_TASK,
  desiredStateHolds,
  diffObservations,
  observationScope,
  sha256,
  unexplainedChanges,
} from '../rules/plan-actions.js';
import type { JournalEntry, NewJournalEntry, Store } from '../store/store.js';
import { preflightRootAccess } from './audit.js';
import { reobserve, SessionPool, type TaskContext } from './observe-targets.js';
import { getOrgStatus, IAM_SERVICE_PRINCIPAL } from './org-status.js';
import { StoredPlanBodySchema } from './plan.js';

/** Accounts acted on at once during apply, unless the caller asks for another bound. */
export const DEFAULT_APPLY_CONCURRENCY = 4;

export interface ApplyContext extends TaskContext {
  store: Store;
  concurrency: number;
  onEvent?: EngineEventListener | undefined;
}

type Outcome = ApplyResult['actions'][number]['outcome'];
interface ActionResult {
  outcome: Outcome;
  reason?: string;
}

/** How long an apply run's claim on its plan lasts without renewal, and how often it is renewed. */
const CLAIM_SECONDS = 120;
const CLAIM_RENEW_MS = 30_000;

/** The apply runs of this process that are still running (a claim of this process not in here is a dead run's). */
const liveRuns = new Set<string>();

/** `host:pid:run` of a claim holder that is known to be gone: a finished run of this process, or a dead process on this host. */
function isGone(holder: string): boolean {
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid)) return false;
  if (pid === process.pid) return !liveRuns.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * One apply run at a time per plan, across processes: a claim in the store, renewed while the run
 * lasts and given back at its end. A run that died leaves a claim that runs out after 2 minutes, or at
 * once when it was on this host (its process is gone).
 */
async function claimPlan(store: Store, planId: string): Promise<{ release(): Promise<void> }> {
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const claim = () => {
    const now = Date.now();
    return store.claimPlan(planId, {
      owner,
      now: new Date(now).toISOString(),
      until: new Date(now + CLAIM_SECONDS * 1000).toISOString(),
    });
  };
  let result = await claim();
  if (!result.claimed && isGone(result.owner)) {
    const now = Date.now();
    result = await store.claimPlan(planId, {
      owner,
      now: new Date(now).toISOString(),
      until: new Date(now + CLAIM_SECONDS * 1000).toISOString(),
      takeOver: [result.owner],
    });
  }
  if (!result.claimed) {
    throw new CoreError(
      'PLAN_BUSY',
      `Plan ${planId} is being applied by another run (${result.owner.split(':').slice(0, 2).join(' pid ')}), which holds it until ${result.until}.`,
      {
        fix: 'Wait for that apply to finish. If its process is gone, run apply again after that time: it resumes where the other run stopped.',
        details: { planId, until: result.until },
      },
    );
  }
  liveRuns.add(owner);
  const timer = setInterval(() => {
    claim().catch(() => undefined);
  }, CLAIM_RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      liveRuns.delete(owner);
      await store.releasePlan(planId, owner).catch(() => undefined);
    },
  };
}

/** A saved plan with what it observed; PLAN_NOT_FOUND when there is none. */
export async function loadPlan(
  store: Store,
  rawId: unknown,
): Promise<{ plan: Plan; observations: Observation[] }> {
  const planId = parseInput(PlanIdSchema, typeof rawId === 'string' ? rawId.trim() : rawId, 'planId');
  const stored = await store.getPlan(planId.toLowerCase());
  if (!stored) {
    throw new CoreError('PLAN_NOT_FOUND', `No saved plan ${planId}.`, {
      fix: 'Make one with `rootwarden plan <task> …` (it prints the plan id), and apply it from the same ROOTWARDEN_HOME.',
      details: { field: 'planId', planId },
    });
  }
  const parsed = StoredPlanBodySchema.safeParse(stored.body);
  if (!parsed.success) {
    throw new CoreError('STORE_CORRUPT', `Plan ${planId} in the history database is not readable.`, {
      fix: 'Make a new plan.',
      details: { planId },
    });
  }
  const { observations, ...plan } = parsed.data;
  return { plan: { ...plan, status: stored.status }, observations };
}

const hooksOf = (context: TaskContext) => ({ signal: context.signal, onThrottle: context.onThrottle });

/** The caller must still be allowed to run the plan's task, in the plan's organization. */
async function preflightForPlan(plan: Plan, context: TaskContext): Promise<void> {
  let organizationId: string;
  if (plan.task === 'enable-root-access') {
    const status = await getOrgStatus(context.runtime, hooksOf(context));
    organizationId = status.organization?.id ?? '';
    if (status.organization && status.caller.role !== 'management') {
      throw new CoreError(
        'NOT_AUTHORIZED_CALLER',
        `Only the management account (${status.organization.managementAccountId}) can enable centralized root access; you are ${status.caller.arn}.`,
        { fix: `Apply with credentials of account ${status.organization.managementAccountId}.` },
      );
    }
  } else {
    const needs =
      plan.task === 'unlock-s3-bucket-policy' || plan.task === 'unlock-sqs-queue-policy'
        ? 'RootSessions'
        : plan.task === 'allow-password-recovery'
          ? 'password-recovery'
          : 'RootCredentialsManagement';
    organizationId = (await preflightRootAccess(context.runtime, hooksOf(context), needs)).organization.id;
  }
  if (organizationId !== plan.organizationId) {
    throw new CoreError(
      'INVALID_INPUT',
      `Plan ${plan.planId} was made for organization ${plan.organizationId}, but these credentials are in ${organizationId || 'no organization'}.`,
      {
        fix: 'Apply with credentials of the organization the plan was made for.',
        details: { field: 'planId' },
      },
    );
  }
}

function staleError(plan: Plan, changes: string[]): CoreError {
  const shown = changes.slice(0, 10);
  const more = changes.length > shown.length ? ` (and ${changes.length - shown.length} more)` : '';
  return new CoreError(
    'PLAN_STALE',
    `Plan ${plan.planId} is stale: the state changed since it was made: ${shown.join('; ')}${more}.`,
    {
      fix: `Review the change, then make a new plan (\`rootwarden plan ${plan.task} …\`) and apply that one.`,
      details: { planId: plan.planId, changes },
    },
  );
}

/** The observations that succeeded (a failed one leaves its actions unverified). */
function observationsFor(observations: Array<Observation | CoreError>): Observation[] {
  return observations.filter((observation): observation is Observation => !isCoreError(observation));
}

function regionOf(planAction: PlanAction, observations: readonly Observation[]): string | undefined {
  for (const observation of observations)
    if (
      (observation.type === 's3-bucket-policy' || observation.type === 'sqs-queue-policy') &&
      observation.accountId === planAction.accountId &&
      observation.resource === planAction.target
    )
      return observation.region;
  return undefined;
}

function describeError(error: unknown): { reason: string; awsCode?: string; code: string } {
  if (isCoreError(error)) {
    const awsCode = typeof error.details?.awsCode === 'string' ? error.details.awsCode : undefined;
    // The fix travels with the reason: an action AWS refused says what to change before applying again.
    const fix = error.fix === undefined ? '' : ` Fix: ${error.fix}`;
    return {
      reason: `${error.code}: ${error.message}${fix}`,
      code: error.code,
      ...(awsCode ? { awsCode } : {}),
    };
  }
  return { reason: `INTERNAL: ${error instanceof Error ? error.message : String(error)}`, code: 'INTERNAL' };
}

/**
 * Applies a plan: refuses an expired or stale one, journals before and after every AWS action,
 * counts "already gone" as done, verifies by observing again. Re-running it on an interrupted plan
 * finishes the rest: an action journaled as finished is never run again, and one whose AWS call may
 * or may not have happened (a `before` entry without its `after`) is decided by observing.
 */
export async function applyPlan(planId: unknown, context: ApplyContext): Promise<ApplyResult> {
  const startedAt = context.now();
  const { store } = context;
  const { plan: saved } = await loadPlan(store, planId);
  // The claim comes before reading the journal: what another run did up to now is then all in it.
  const claim = saved.status === 'applied' ? undefined : await claimPlan(store, saved.planId);
  try {
    const { plan, observations } = await loadPlan(store, saved.planId);
    const journal = await store.listJournal(plan.planId);
    const progress = journalProgress(plan.actions, journal);
    const alreadyApplied = plan.status === 'applied';
    if (!alreadyApplied && startedAt.getTime() > Date.parse(plan.expiresAt)) {
      throw new CoreError(
        'PLAN_EXPIRED',
        `Plan ${plan.planId} expired at ${plan.expiresAt}; the state it observed may have moved on.`,
        {
          fix: `Make a new plan (\`rootwarden plan ${plan.task} …\`): it observes the current state, including anything an earlier apply already did.`,
          details: { planId: plan.planId, expiresAt: plan.expiresAt },
        },
      );
    }
    return await applyClaimed(plan, observations, journal, progress, alreadyApplied, startedAt, context);
  } finally {
    await claim?.release();
  }
}

async function applyClaimed(
  plan: Plan,
  observations: Observation[],
  journal: JournalEntry[],
  progress: ReturnType<typeof journalProgress>,
  alreadyApplied: boolean,
  startedAt: Date,
  context: ApplyContext,
): Promise<ApplyResult> {
  const { store } = context;
  await preflightForPlan(plan, context);
  const pool = new SessionPool(context);
  const limit = pLimit(Math.max(1, context.concurrency));
  const before = await reobserve(observations, pool, context, limit);
  const changes = unexplainedChanges(
    diffObservations(observations, before),
    startedActions(plan.actions, journal),
  );
  if (changes.length > 0)
    throw staleError(
      plan,
      changes.map((change) => change.description),
    );

  const results = new Map<string, ActionResult>();
  let done = 0;
  const settle = (planAction: PlanAction, result: ActionResult) => {
    results.set(planAction.actionId, result);
    done += 1;
    context.onEvent?.({
      type: 'action-done',
      actionId: planAction.actionId,
      outcome: result.outcome,
      done,
      total: plan.actions.length,
    });
  };

  if (alreadyApplied) {
    // Applied before: nothing runs again; report what the journal recorded, verified now.
    for (const planAction of plan.actions) {
      const state = progress.get(planAction.actionId);
      settle(
        planAction,
        state?.state === 'finished'
          ? { outcome: state.outcome }
          : { outcome: 'skipped', reason: 'not recorded as finished in the journal' },
      );
    }
  } else {
    if (plan.actions.length > 0) await store.setPlanStatus(plan.planId, 'applying');
    await runActions(plan, progress, before, context, pool, limit, settle);
  }

  // Verify: observe again, as when planning.
  const after = await reobserveSettled(observations, pool, context, limit);
  const verifiedState = observationsFor(after);
  const unverifiable = new Map<string, string>();
  observations.forEach((observation, index) => {
    const result = after[index];
    if (isCoreError(result)) unverifiable.set(observationScope(observation), result.message);
  });

  const actions = plan.actions.map((planAction) => {
    const result = results.get(planAction.actionId) ?? { outcome: 'skipped' as const, reason: 'not run' };
    const verified = desiredStateHolds(planAction, verifiedState);
    const scopeProblem = [...unverifiable.entries()].find(([scope]) =>
      planAction.accountId === null ? scope.startsWith('organization') : scope.includes(planAction.accountId),
    );
    const reason =
      result.reason ??
      (!verified && scopeProblem
        ? `could not verify: ${scopeProblem[1]}`
        : !verified && (result.outcome === 'done' || result.outcome === 'already-done')
          ? alreadyApplied
            ? 'applied earlier, but observed again the change is not there any more: make a new plan'
            : 'observed again, the change is not there'
          : undefined);
    return {
      actionId: planAction.actionId,
      outcome: result.outcome,
      ...(reason === undefined ? {} : { reason }),
      verified: verified && !scopeProblem,
    };
  });

  // A plan applied earlier stays applied in the store; the result says whether that still holds.
  const status = finalStatus(actions);
  if (!alreadyApplied) await store.setPlanStatus(plan.planId, status);
  return {
    planId: plan.planId,
    status,
    resumed: journal.length > 0,
    actions,
    startedAt: startedAt.toISOString(),
    finishedAt: context.now().toISOString(),
  };
}

async function reobserveSettled(
  observations: readonly Observation[],
  pool: SessionPool,
  context: TaskContext,
  limit: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<Array<Observation | CoreError>> {
  return Promise.all(
    observations.map(async (observation) => {
      try {
        const [again] = await reobserve([observation], pool, context, limit);
        return again as Observation;
      } catch (error) {
        return isCoreError(error) ? error : new CoreError('INTERNAL', String(error));
      }
    }),
  );
}

async function runActions(
  plan: Plan,
  progress: ReturnType<typeof journalProgress>,
  current: readonly Observation[],
  context: ApplyContext,
  pool: SessionPool,
  limit: <T>(run: () => Promise<T>) => Promise<T>,
  settle: (planAction: PlanAction, result: ActionResult) => void,
): Promise<void> {
  const { store } = context;
  // One group per account (and one for the organization): in order inside a group, groups in parallel.
  const groups = new Map<string, PlanAction[]>();
  for (const planAction of plan.actions) {
    const key = planAction.accountId ?? 'organization';
    groups.set(key, [...(groups.get(key) ?? []), planAction]);
  }
  // A journal that cannot be written, or a problem of the whole organization/caller, stops every group.
  let halted: { reason: string; error?: unknown } | undefined;

  const journal = (
    planAction: PlanAction,
    phase: JournalEntry['phase'],
    outcome: JournalEntry['outcome'],
    extra: Record<string, unknown> = {},
  ): Promise<JournalEntry> => {
    const entry: NewJournalEntry = {
      planId: plan.planId,
      actionId: planAction.actionId,
      phase,
      outcome,
      at: context.now().toISOString(),
      detail: {
        accountId: planAction.accountId,
        kind: planAction.kind,
        target: planAction.target,
        taskPolicy: planAction.taskPolicy,
        ...extra,
      },
    };
    return store.appendJournal(entry).catch((error: unknown) => {
      halted ??= { reason: 'the apply journal could not be written', error };
      throw error;
    });
  };

  const perform = async (planAction: PlanAction): Promise<'done' | 'already-done'> => {
    switch (planAction.kind) {
      case 'enable-trusted-access':
        await enableServiceAccess(context.runtime, IAM_SERVICE_PRINCIPAL, hooksOf(context));
        return 'done';
      case 'enable-root-credentials-management':
        await enableRootFeature(context.runtime, 'RootCredentialsManagement', hooksOf(context));
        return 'done';
      case 'enable-root-sessions':
        await enableRootFeature(context.runtime, 'RootSessions', hooksOf(context));
        return 'done';
      default: {
        const task = ACTION_TASK[planAction.kind];
        if (task === null || planAction.accountId === null)
          throw new CoreError('INTERNAL', `Action ${planAction.actionId} has no account or task.`);
        const region = regionOf(planAction, current);
        return runMemberAction(pool.scope(planAction.accountId, task), planAction, {
          ...(region === undefined ? {} : { region }),
          signal: context.signal,
        });
      }
    }
  };

  const runGroup = async (actions: PlanAction[]): Promise<void> => {
    let passwordKept = false;
    for (const planAction of actions) {
      const state = progress.get(planAction.actionId) ?? { state: 'not-started' as const };
      if (state.state === 'finished') {
        settle(planAction, { outcome: state.outcome });
        continue;
      }
      if (halted || context.signal?.aborted) {
        settle(planAction, {
          outcome: 'skipped',
          reason: `not attempted: ${halted?.reason ?? 'the apply was interrupted'}`,
        });
        continue;
      }
      if (planAction.kind === 'deactivate-mfa-device' && passwordKept) {
        const reason =
          'not attempted: the root password is still there, and deactivating its MFA would leave a password without MFA';
        await journal(planAction, 'after', 'skipped', { reason });
        settle(planAction, { outcome: 'skipped', reason });
        continue;
      }
      if (state.state !== 'not-started' && desiredStateHolds(planAction, current)) {
        // An earlier run stopped around this action: observing shows it took effect, so it is not repeated.
        await journal(planAction, 'after', 'already-done', { via: 'observation' });
        settle(planAction, { outcome: 'already-done' });
        continue;
      }
      await journal(planAction, 'before', 'pending');
      let outcome: 'done' | 'already-done';
      try {
        outcome = await perform(planAction);
      } catch (error) {
        const described = describeError(error);
        if (isCoreError(error) && (ORGANIZATION_WIDE_CODES.has(error.code) || error.code === 'ABORTED'))
          halted ??= { reason: described.reason };
        await journal(planAction, 'after', 'failed', {
          reason: described.reason,
          code: described.code,
          ...(described.awsCode ? { awsCode: described.awsCode } : {}),
        });
        if (planAction.kind === 'delete-login-profile') passwordKept = true;
        settle(planAction, { outcome: 'failed', reason: described.reason });
        continue;
      }
      await journal(planAction, 'after', outcome);
      settle(planAction, { outcome });
    }
  };

  const runs = [...groups.values()].map((actions) => limit(() => runGroup(actions)));
  const settled = await Promise.allSettled(runs);
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw halted?.error ?? failure.reason;
}

/**
 * Puts back S3/SQS policies a plan backed up, byte for byte, with the unlock task's session
 * (PutBucketPolicy / SetQueueAttributes are in S3UnlockBucketPolicy / SQSUnlockQueuePolicy). A
 * resource that has a different policy by now is left alone (failed, with the reason): restoring
 * would overwrite someone's newer policy.
 */
export async function restorePolicies(
  input: RestorePolicyInput,
  context: ApplyContext,
): Promise<ApplyResult> {
  const startedAt = context.now();
  const request = parseInput(RestorePolicyInputSchema, input);
  const { plan } = await loadPlan(context.store, request.planId);
  const backups = plan.backups.filter(
    (backup) => request.resource === undefined || backup.resource === request.resource,
  );
  if (backups.length === 0) {
    throw new CoreError(
      'RESOURCE_NOT_FOUND',
      plan.backups.length === 0
        ? `Plan ${plan.planId} backed up no policy (only unlock-s3-bucket-policy and unlock-sqs-queue-policy plans do).`
        : `Plan ${plan.planId} has no backup of ${request.resource}; it has: ${plan.backups.map((backup) => backup.resource).join(', ')}.`,
      {
        fix: 'Pass the plan id of the unlock plan, and --resource as the plan shows it (or leave it out).',
        details: { field: request.resource === undefined ? 'planId' : 'resource' },
      },
    );
  }
  await preflightRootAccess(context.runtime, hooksOf(context), 'RootSessions');
  const pool = new SessionPool(context);
  const results: ApplyResult['actions'] = [];

  for (const backup of backups) {
    const actionId = `${backup.accountId}:restore-${backup.kind}:${backup.resource}`;
    const detail = { accountId: backup.accountId, kind: `restore-${backup.kind}`, target: backup.resource };
    const journal = (phase: JournalEntry['phase'], outcome: JournalEntry['outcome'], extra = {}) =>
      context.store.appendJournal({
        planId: plan.planId,
        actionId,
        phase,
        outcome,
        at: context.now().toISOString(),
        detail: { ...detail, ...extra },
      });
    const read = () => settleAws(readPolicy(pool, backup, context.signal));
    let outcome: Outcome;
    let reason: string | undefined;
    const current = await read();
    if ('error' in current) {
      outcome = 'failed';
      reason = describeError(current.error).reason;
      await journal('after', 'failed', { reason });
    } else if (current.value === backup.policy) {
      outcome = 'already-done';
      await journal('after', 'already-done', { via: 'observation' });
    } else if (current.value !== null) {
      outcome = 'failed';
      reason = `${backup.resource} has another policy now (sha256 ${sha256(current.value).slice(0, 12)}…); restoring would overwrite it. Remove that policy first if the backup should win.`;
      await journal('after', 'failed', { reason });
    } else {
      await journal('before', 'pending');
      const written = await settleAws(writePolicy(pool, backup, context.signal));
      if ('error' in written) {
        outcome = 'failed';
        reason = describeError(written.error).reason;
        await journal('after', 'failed', { reason });
      } else {
        outcome = 'done';
        await journal('after', 'done');
      }
    }
    const again = await read();
    const verified = !('error' in again) && again.value === backup.policy;
    if ('error' in again) reason ??= `could not verify: ${describeError(again.error).reason}`;
    results.push({ actionId, outcome, ...(reason === undefined ? {} : { reason }), verified });
    context.onEvent?.({
      type: 'action-done',
      actionId,
      outcome,
      done: results.length,
      total: backups.length,
    });
  }

  return {
    planId: plan.planId,
    status: finalStatus(results),
    resumed: false,
    actions: results,
    startedAt: startedAt.toISOString(),
    finishedAt: context.now().toISOString(),
  };
}

/** AWS calls reject with CoreErrors; anything else (a bug, a journal failure) still throws. */
async function settleAws<T>(call: Promise<T>): Promise<{ value: T } | { error: CoreError }> {
  try {
    return { value: await call };
  } catch (error) {
    if (isCoreError(error)) return { error };
    throw error;
  }
}

function readPolicy(pool: SessionPool, backup: PolicyBackup, signal?: AbortSignal): Promise<string | null> {
  return backup.kind === 's3-bucket-policy'
    ? getBucketPolicy(pool.scope(backup.accountId, 'unlock-s3'), backup.resource, backup.region, signal)
    : getQueuePolicy(pool.scope(backup.accountId, 'unlock-sqs'), backup.resource, backup.region, signal);
}

function writePolicy(pool: SessionPool, backup: PolicyBackup, signal?: AbortSignal): Promise<void> {
  return backup.kind === 's3-bucket-policy'
    ? putBucketPolicy(
        pool.scope(backup.accountId, 'unlock-s3'),
        backup.resource,
        backup.policy,
        backup.region,
        signal,
      )
    : setQueuePolicy(
        pool.scope(backup.accountId, 'unlock-sqs'),
        backup.resource,
        backup.policy,
        backup.region,
        signal,
      );
}
