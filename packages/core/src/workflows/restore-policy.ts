import {
  getBucketPolicy,
  getQueuePolicy,
  putBucketPolicy,
  setQueuePolicy,
} from '../aws/resource-policies.js';
import { parseInput } from '../domain/parse-input.js';
import {
  type ActionOutcome,
  type ApplyResult,
  type PolicyBackup,
  type RestorePolicyInput,
  RestorePolicyInputSchema,
} from '../domain/plan.js';
import { CoreError, isCoreError } from '../errors.js';
import { describeActionError } from '../rules/describe-action-error.js';
import { finalStatus } from '../rules/journal-progress.js';
import { sha256 } from '../rules/observed-state.js';
import type { JournalEntry } from '../store/store.js';
import type { ApplyContext } from './apply.js';
import { preflightRootAccess } from './audit.js';
import { hooksOf, SessionPool } from './observe-targets.js';
import { loadPlan } from './saved-plan.js';

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
    let outcome: ActionOutcome;
    let reason: string | undefined;
    const current = await read();
    if ('error' in current) {
      outcome = 'failed';
      reason = describeActionError(current.error).reason;
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
        reason = describeActionError(written.error).reason;
        await journal('after', 'failed', { reason });
      } else {
        outcome = 'done';
        await journal('after', 'done');
      }
    }
    const again = await read();
    const verified = !('error' in again) && again.value === backup.policy;
    if ('error' in again) reason ??= `could not verify: ${describeActionError(again.error).reason}`;
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
