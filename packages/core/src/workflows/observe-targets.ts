import { observeRootCredentials } from '../aws/observe-root.js';
import {
  type CallHooks,
  describeAccount,
  type OrgAccountRecord,
  type OrganizationInfo,
} from '../aws/organizations.js';
import { findBucket, getBucketPolicy, getQueuePolicy } from '../aws/resource-policies.js';
import type { AwsRuntime } from '../aws/runtime.js';
import { SessionScope } from '../aws/session-scope.js';
import type { RootTask } from '../domain/common.js';
import type { DeletableCredential } from '../domain/plan.js';
import type {
  Observation,
  PolicyObservation,
  RootCredentialsObservation,
} from '../domain/plan-observation.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { CoreError, isCoreError } from '../errors.js';
import { credentialsObservation, sha256 } from '../rules/observed-state.js';
import { queueRegion } from '../rules/queue-region.js';
import { getOrgStatus } from './org-status.js';

export interface TaskContext {
  runtime: AwsRuntime;
  now: () => Date;
  signal?: AbortSignal | undefined;
  onThrottle?: ((operation: string) => void) | undefined;
  sessionDurationSeconds?: number | undefined;
}

/** The caller's signal and throttle listener, as every AWS call of a task takes them. */
export const hooksOf = (context: TaskContext) => ({ signal: context.signal, onThrottle: context.onThrottle });

/**
 * The root sessions of one plan or apply run, one per (account, task), each assumed on first use
 * and re-assumed when it expires. Nothing outlives the run: credentials stay in memory.
 */
export class SessionPool {
  readonly #scopes = new Map<string, SessionScope>();

  constructor(private readonly context: TaskContext) {}

  scope(accountId: string, task: RootTask): SessionScope {
    const key = `${accountId}:${task}`;
    let scope = this.#scopes.get(key);
    if (!scope) {
      scope = new SessionScope(this.context.runtime, {
        accountId,
        task,
        durationSeconds: this.context.sessionDurationSeconds,
        signal: this.context.signal,
        onThrottle: this.context.onThrottle,
        now: this.context.now,
      });
      this.#scopes.set(key, scope);
    }
    return scope;
  }
}

/**
 * Checks that AssumeRoot may target `accountId`: a member of the organization (DescribeAccount),
 * not the management account, ACTIVE
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management).
 * Returns the account as DescribeAccount gave it (its name and path, for explaining a refusal).
 */
export async function resolveMemberAccount(
  runtime: AwsRuntime,
  accountId: string,
  organization: OrganizationInfo,
  hooks: CallHooks,
  field = 'account',
): Promise<OrgAccountRecord> {
  if (accountId === organization.managementAccountId) {
    throw new CoreError(
      'MANAGEMENT_ACCOUNT_TARGET',
      `Account ${accountId} is the management account of organization ${organization.id}: AssumeRoot only targets member accounts.`,
      {
        fix: 'Secure the management account’s root user yourself (sign in as root, delete its access keys, keep MFA on); rootwarden manages member accounts only.',
        details: { field, accountId },
      },
    );
  }
  let record: Awaited<ReturnType<typeof describeAccount>>;
  try {
    record = await describeAccount(runtime, accountId, hooks);
  } catch (error) {
    if (isCoreError(error) && error.code === 'ACCOUNT_NOT_IN_ORG') {
      throw new CoreError(
        'ACCOUNT_NOT_IN_ORG',
        `Account ${accountId} is not a member of organization ${organization.id}.`,
        { fix: 'Check the id with `rootwarden accounts list`.', details: { field, accountId } },
      );
    }
    throw error;
  }
  if (record.state !== 'ACTIVE') {
    throw new CoreError(
      'ACCOUNT_NOT_ACTIVE',
      `Account ${accountId} is ${record.state}: AssumeRoot only targets ACTIVE member accounts.`,
      {
        fix: 'Pick an ACTIVE account (`rootwarden accounts list` shows each account’s state).',
        details: { field, accountId, state: record.state },
      },
    );
  }
  return record;
}

/** Which credential kinds a root-credentials observation covers. */
function observedKinds(observation: RootCredentialsObservation): DeletableCredential[] {
  const kinds: DeletableCredential[] = [];
  if (observation.loginProfile !== undefined) kinds.push('password');
  if (observation.accessKeys !== undefined) kinds.push('access-keys');
  if (observation.signingCertificates !== undefined) kinds.push('signing-certificates');
  if (observation.mfaDevices !== undefined) kinds.push('mfa');
  return kinds;
}

/** The root user's credentials, read with the audit task policy (IAMAuditRootUserCredentials) only. */
export async function observeAccountCredentials(
  pool: SessionPool,
  accountId: string,
  signal?: AbortSignal,
): Promise<RootCredentials> {
  return observeRootCredentials(pool.scope(accountId, 'audit'), signal);
}

export interface BucketPolicyState {
  observation: PolicyObservation;
  policy: string | null;
}

/** A bucket's policy, read with its own S3UnlockBucketPolicy session (the only way past a deny-all policy). */
export async function observeBucketPolicy(
  pool: SessionPool,
  context: TaskContext,
  accountId: string,
  bucket: string,
  knownRegion?: string,
): Promise<BucketPolicyState> {
  const scope = pool.scope(accountId, 'unlock-s3');
  const region =
    knownRegion ?? (await findBucket(scope, bucket, context.runtime.region, context.signal)).region;
  const policy = await getBucketPolicy(scope, bucket, region, context.signal);
  return {
    observation: {
      type: 's3-bucket-policy',
      accountId,
      resource: bucket,
      region,
      policySha256: policy === null ? null : sha256(policy),
    },
    policy,
  };
}

/** A queue's policy, read with its own SQSUnlockQueuePolicy session. */
export async function observeQueuePolicy(
  pool: SessionPool,
  context: TaskContext,
  accountId: string,
  queueUrl: string,
): Promise<BucketPolicyState> {
  const owner = /^\/(\d{12})\//.exec(new URL(queueUrl).pathname)?.[1];
  if (owner !== accountId) {
    throw new CoreError(
      'INVALID_INPUT',
      `queueUrl: the queue ${queueUrl} belongs to account ${owner ?? '(none)'}, not ${accountId}; a root session only unlocks its own account's queues.`,
      {
        fix: `Pass --account ${owner ?? 'ID'} (the account in the queue URL).`,
        details: { field: 'queueUrl' },
      },
    );
  }
  const region = queueRegion(queueUrl) ?? context.runtime.region;
  const policy = await getQueuePolicy(pool.scope(accountId, 'unlock-sqs'), queueUrl, region, context.signal);
  return {
    observation: {
      type: 'sqs-queue-policy',
      accountId,
      resource: queueUrl,
      region,
      policySha256: policy === null ? null : sha256(policy),
    },
    policy,
  };
}

/**
 * Observes again what a plan observed, the same way: the audit session for root credentials, the
 * unlock sessions for policies, the organization's status for enablement.
 */
export async function reobserve(
  observations: readonly Observation[],
  pool: SessionPool,
  context: TaskContext,
  concurrency: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<Observation[]> {
  return Promise.all(
    observations.map((observation) =>
      concurrency(async (): Promise<Observation> => {
        switch (observation.type) {
          case 'root-credentials': {
            const credentials = await observeAccountCredentials(pool, observation.accountId, context.signal);
            return credentialsObservation(observation.accountId, credentials, observedKinds(observation));
          }
          case 's3-bucket-policy':
            return (
              await observeBucketPolicy(
                pool,
                context,
                observation.accountId,
                observation.resource,
                observation.region,
              )
            ).observation;
          case 'sqs-queue-policy':
            return (await observeQueuePolicy(pool, context, observation.accountId, observation.resource))
              .observation;
          case 'organization': {
            const status = await getOrgStatus(context.runtime, {
              signal: context.signal,
              onThrottle: context.onThrottle,
            });
            return {
              type: 'organization',
              organizationId: status.organization?.id ?? observation.organizationId,
              trustedAccess: status.trustedAccessForIam === true,
              rootCredentialsManagement: status.rootCredentialsManagement === true,
              rootSessions: status.rootSessions === true,
            };
          }
        }
      }),
    ),
  );
}
