import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { OrgAccountRecord, OrganizationInfo } from '../aws/organizations.js';
import type { AuditInput } from '../domain/audit.js';
import { AuditInputSchema } from '../domain/audit.js';
import { parseInput } from '../domain/parse-input.js';
import {
  type Plan,
  type PlanAction,
  type PlanRequest,
  PlanSchema,
  type PolicyBackup,
} from '../domain/plan.js';
import { type Observation, ObservationSchema } from '../domain/plan-observation.js';
import { CoreError, isCoreError } from '../errors.js';
import { hasRootCredentials } from '../rules/evaluate-findings.js';
import {
  credentialsObservation,
  fingerprintOf,
  passwordObservation,
  sha256,
} from '../rules/observed-state.js';
import {
  deleteCredentialActions,
  deleteCredentialNotes,
  enableActions,
  enableNotes,
  passwordRecoveryActions,
  passwordRecoveryNotes,
  unlockPolicyActions,
  unlockPolicyNotes,
} from '../rules/plan-actions.js';
import type { StoredPlan } from '../store/store.js';
import { auditOrganization, preflightRootAccess } from './audit.js';
import { createRefusalExplainer, planPolicyWarnings, type RefusalExplainer } from './check-policies.js';
import { toAccount } from './inventory.js';
import {
  type BucketPolicyState,
  hooksOf,
  observeAccountCredentials,
  observeBucketPolicy,
  observeQueuePolicy,
  resolveMemberAccount,
  SessionPool,
  type TaskContext,
} from './observe-targets.js';
import { getOrgStatus } from './org-status.js';
import { OrgTree } from './org-tree.js';

/** How long a plan may be applied after it was made, unless the engine is told otherwise. */
export const DEFAULT_PLAN_TTL_SECONDS = 3600;

/** Accounts observed at once while planning. */
const PLAN_CONCURRENCY = 8;

/** What the store keeps: the plan plus what it observed (its fingerprint is their digest). */
export const StoredPlanBodySchema = PlanSchema.extend({ observations: ObservationSchema.array() });

export interface PlanContext extends TaskContext {
  ttlSeconds: number;
}

interface Planned {
  organizationId: string;
  createdBy: Plan['createdBy'];
  actions: PlanAction[];
  observations: Observation[];
  backups: PolicyBackup[];
  notes: string[];
}

/**
 * Makes a plan for one privileged task. It only reads: IAM tasks observe with the audit task policy,
 * S3/SQS tasks read the current policy with their own task session (Get/List calls only).
 */
export async function createPlan(
  request: PlanRequest,
  context: PlanContext,
): Promise<{ plan: Plan; stored: StoredPlan }> {
  const createdAt = context.now();
  const planId = randomUUID();
  const planned = await planTask(request, planId, context);
  const plan: Plan = {
    planId,
    task: request.task,
    status: 'ready',
    organizationId: planned.organizationId,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + context.ttlSeconds * 1000).toISOString(),
    createdBy: planned.createdBy,
    request,
    actions: planned.actions,
    fingerprint: fingerprintOf(planned.observations),
    backups: planned.backups,
    notes: [
      ...planned.notes,
      ...(await planPolicyWarnings(context.runtime, planned.organizationId, request, planned.actions, {
        signal: context.signal,
      })),
    ],
  };
  const stored: StoredPlan = {
    id: plan.planId,
    createdAt: plan.createdAt,
    expiresAt: plan.expiresAt,
    organizationId: plan.organizationId,
    task: plan.task,
    status: plan.status,
    fingerprint: plan.fingerprint,
    body: { ...plan, observations: planned.observations },
  };
  return { plan, stored };
}

function planTask(request: PlanRequest, planId: string, context: PlanContext): Promise<Planned> {
  switch (request.task) {
    case 'delete-root-credentials':
      return planDeleteCredentials(request, context);
    case 'allow-password-recovery':
      return planPasswordRecovery(request.account, context);
    case 'unlock-s3-bucket-policy':
      return planUnlock(request.account, { bucket: request.bucket }, planId, context);
    case 'unlock-sqs-queue-policy':
      return planUnlock(request.account, { queueUrl: request.queueUrl }, planId, context);
    case 'enable-root-access':
      return planEnable(request.rootSessions, context);
  }
}

async function planDeleteCredentials(
  request: Extract<PlanRequest, { task: 'delete-root-credentials' }>,
  context: PlanContext,
): Promise<Planned> {
  const accounts = [...new Set(request.accounts)];
  if (request.allExposed === accounts.length > 0) {
    throw new CoreError(
      'INVALID_INPUT',
      request.allExposed
        ? 'accounts: give either accounts or allExposed, not both.'
        : 'accounts: name the accounts to clean, or ask for every exposed account (allExposed).',
      {
        fix: 'Use --account ID (repeatable) or --all-exposed.',
        details: { field: 'accounts' },
      },
    );
  }
  const kinds = request.only;
  const actions: PlanAction[] = [];
  const observations: Observation[] = [];
  const notes: string[] = [];

  if (request.allExposed) {
    // The org-wide audit, read-only (audit task policy), not saved to the history.
    const report = await auditOrganization(context.runtime, parseInput(AuditInputSchema, {} as AuditInput), {
      now: context.now,
      signal: context.signal,
      sessionDurationSeconds: context.sessionDurationSeconds,
    });
    for (const result of report.accounts) {
      if (result.status === 'unknown') {
        notes.push(
          `Account ${result.accountId} (${result.name}) could not be audited (${result.error?.code ?? 'unknown'}): not in this plan.`,
        );
        continue;
      }
      if (result.rootCredentials === null || !hasRootCredentials(result.rootCredentials)) continue;
      const accountActions = deleteCredentialActions(result.accountId, result.rootCredentials, kinds);
      if (accountActions.length === 0) continue;
      actions.push(...accountActions);
      observations.push(credentialsObservation(result.accountId, result.rootCredentials, kinds));
      notes.push(
        ...deleteCredentialNotes(result.accountId, result.rootCredentials, kinds).filter(
          (note) => !note.includes('nothing to do'),
        ),
      );
    }
    if (actions.length === 0) notes.push('No member account has root credentials of the selected kinds.');
    return {
      organizationId: report.organizationId,
      createdBy: report.caller,
      actions,
      observations,
      backups: [],
      notes,
    };
  }

  const { caller, organization } = await preflightRootAccess(context.runtime, hooksOf(context));
  const limit = pLimit(PLAN_CONCURRENCY);
  const records = await Promise.all(
    accounts.map((accountId, index) =>
      limit(() =>
        resolveMemberAccount(
          context.runtime,
          accountId,
          organization,
          hooksOf(context),
          `accounts[${index}]`,
        ),
      ),
    ),
  );
  const pool = new SessionPool(context);
  // One explainer for the plan: however many accounts AWS refuses, the policies are read once.
  const explainer = createRefusalExplainer(context.runtime, organization.id, hooksOf(context));
  const observed = await Promise.all(
    records.map((record) =>
      limit(async () => {
        const { accountId } = record;
        try {
          return { accountId, credentials: await observeAccountCredentials(pool, accountId, context.signal) };
        } catch (error) {
          throw await observationFailure(error, record, organization, explainer);
        }
      }),
    ),
  );
  for (const { accountId, credentials } of observed.sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    actions.push(...deleteCredentialActions(accountId, credentials, kinds));
    observations.push(credentialsObservation(accountId, credentials, kinds));
    notes.push(...deleteCredentialNotes(accountId, credentials, kinds));
  }
  return { organizationId: organization.id, createdBy: caller, actions, observations, backups: [], notes };
}

/** An account's observation failed: say which account, keep the code. */
function withAccount(error: unknown, accountId: string): unknown {
  if (!isCoreError(error) || error.message.includes(accountId)) return error;
  return new CoreError(error.code, `Account ${accountId}: ${error.message}`, {
    ...(error.fix === undefined ? {} : { fix: error.fix }),
    details: { ...error.details, accountId },
  });
}

/**
 * An account's observation failed: which account, the same code, and for an AccessDenied the SCP or
 * RCP behind it when the organization's policies show one, in the audit's words (the audit's
 * explainer, given the account as DescribeAccount described it; its path's levels by id, which the
 * policies' own target listings name: ListTargetsForPolicy gives each target's Name,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_PolicyTargetSummary.html).
 */
async function observationFailure(
  error: unknown,
  record: OrgAccountRecord,
  organization: OrganizationInfo,
  explainer: RefusalExplainer,
): Promise<unknown> {
  const { accountId } = record;
  const failure = withAccount(error, accountId);
  if (!isCoreError(failure) || failure.code !== 'AWS_ACCESS_DENIED') return failure;
  const account = toAccount(record, new OrgTree(), {
    managementAccountId: organization.managementAccountId,
    exclude: new Set(),
  });
  // An explanation is extra: failing to give one never hides AWS's own refusal.
  const cause = await explainer.explain(account).catch(() => undefined);
  if (cause === undefined) return failure;
  return new CoreError(failure.code, `Account ${accountId}: ${cause}`, {
    fix: `Change that policy so root sessions may read the account (\`rootwarden policies check --account ${accountId}\` shows the corrected statement), then plan again.`,
    details: { ...failure.details, accountId },
  });
}

async function planPasswordRecovery(accountId: string, context: PlanContext): Promise<Planned> {
  const { caller, organization, warnings } = await preflightRootAccess(
    context.runtime,
    hooksOf(context),
    'password-recovery',
  );
  const record = await resolveMemberAccount(context.runtime, accountId, organization, hooksOf(context));
  const pool = new SessionPool(context);
  const credentials = await observeAccountCredentials(pool, accountId, context.signal).catch(
    async (error) => {
      const explainer = createRefusalExplainer(context.runtime, organization.id, hooksOf(context));
      throw await observationFailure(error, record, organization, explainer);
    },
  );
  const observation = passwordObservation(accountId, credentials);
  return {
    organizationId: organization.id,
    createdBy: caller,
    actions: passwordRecoveryActions(observation),
    observations: [observation],
    backups: [],
    notes: [...warnings, ...passwordRecoveryNotes(observation, credentials)],
  };
}

async function planUnlock(
  accountId: string,
  resource: { bucket: string } | { queueUrl: string },
  planId: string,
  context: PlanContext,
): Promise<Planned> {
  const { caller, organization } = await preflightRootAccess(
    context.runtime,
    hooksOf(context),
    'RootSessions',
  );
  await resolveMemberAccount(context.runtime, accountId, organization, hooksOf(context));
  const pool = new SessionPool(context);
  let state: BucketPolicyState;
  try {
    state =
      'bucket' in resource
        ? await observeBucketPolicy(pool, context, accountId, resource.bucket)
        : await observeQueuePolicy(pool, context, accountId, resource.queueUrl);
  } catch (error) {
    if (isCoreError(error) && error.code === 'RESOURCE_NOT_FOUND' && 'queueUrl' in resource) {
      throw new CoreError(
        'RESOURCE_NOT_FOUND',
        `Queue ${resource.queueUrl} does not exist in account ${accountId}.`,
        {
          fix: 'Check the queue URL (aws sqs list-queues in that account and region).',
          details: { field: 'queueUrl', queueUrl: resource.queueUrl, accountId },
        },
      );
    }
    throw withAccount(error, accountId);
  }
  const { observation, policy } = state;
  const backups: PolicyBackup[] =
    policy === null
      ? []
      : [
          {
            accountId,
            kind: observation.type,
            resource: observation.resource,
            region: observation.region,
            policy,
            sha256: sha256(policy),
          },
        ];
  return {
    organizationId: organization.id,
    createdBy: caller,
    actions: unlockPolicyActions(observation),
    observations: [observation],
    backups,
    notes: unlockPolicyNotes(observation, planId),
  };
}

async function planEnable(rootSessions: boolean, context: PlanContext): Promise<Planned> {
  const status = await getOrgStatus(context.runtime, hooksOf(context));
  if (status.organization === null) {
    throw new CoreError(
      'ORGANIZATION_NOT_FOUND',
      `Account ${status.caller.accountId} is not in an AWS Organization (or may not read it).`,
      { fix: 'Plan with credentials of your organization’s management account.' },
    );
  }
  if (status.caller.role !== 'management') {
    throw new CoreError(
      'NOT_AUTHORIZED_CALLER',
      `Only the management account (${status.organization.managementAccountId}) can enable centralized root access; you are ${status.caller.arn}.`,
      { fix: `Plan with credentials of account ${status.organization.managementAccountId}.` },
    );
  }
  const observation: Observation = {
    type: 'organization',
    organizationId: status.organization.id,
    trustedAccess: status.trustedAccessForIam === true,
    rootCredentialsManagement: status.rootCredentialsManagement === true,
    rootSessions: status.rootSessions === true,
  };
  return {
    organizationId: status.organization.id,
    createdBy: status.caller,
    actions: enableActions(observation, rootSessions),
    observations: [observation],
    backups: [],
    notes: enableNotes(observation, rootSessions),
  };
}
