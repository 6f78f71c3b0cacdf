import pLimit from 'p-limit';
import { enableRootFeature } from '../aws/identity-and-features.js';
import { enableServiceAccess } from '../aws/organizations.js';
import { runMemberAction } from '../aws/root-actions.js';
import type { EngineEventListener } from '../domain/events.js';
import type { ApplyResult, Plan, PlanAction } from '../domain/plan.js';
import type { Observation } from '../domain/plan-observation.js';
import { CoreError, isCoreError, ORGANIZATION_WIDE_CODES } from '../errors.js';
import { describeActionError } from '../rules/describe-action-error.js';
import { finalStatus, journalProgress, startedActions } from '../rules/journal-progress.js';
import { desiredStateHolds, diffObservations, unexplainedChanges } from '../rules/observed-state.js';
import { ACTION_TASK } from '../rules/plan-actions.js';
import { type ActionRun, type Reobservation, verifyActions } from '../rules/verify-actions.js';
import type { JournalEntry, NewJournalEntry, Store } from '../store/store.js';
import { preflightRootAccess } from './audit.js';
import { hooksOf, reobserve, SessionPool, type TaskContext } from './observe-targets.js';
import { getOrgStatus, IAM_SERVICE_PRINCIPAL } from './org-status.js';
import { claimPlan } from './plan-claim.js';
import { loadPlan } from './saved-plan.js';

/** Accounts acted on at once during apply, unless the caller asks for another bound. */
export const DEFAULT_APPLY_CONCURRENCY = 4;

export interface ApplyContext extends TaskContext {
  store: Store;
  concurrency: number;
  onEvent?: EngineEventListener | undefined;
}

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

  const results = new Map<string, ActionRun>();
  let done = 0;
  const settle = (planAction: PlanAction, result: ActionRun) => {
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
  const actions = verifyActions({
    actions: plan.actions,
    runs: results,
    reobserved: observations.map((planned, index): Reobservation => {
      const again = after[index] as Observation | CoreError;
      return isCoreError(again) ? { planned, failure: again.message } : { planned, now: again };
    }),
    appliedEarlier: alreadyApplied,
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
  settle: (planAction: PlanAction, result: ActionRun) => void,
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
        const described = describeActionError(error);
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
