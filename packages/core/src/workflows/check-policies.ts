import {
  type OrganizationPolicies,
  readOrganizationPolicies,
  readPoliciesForTargets,
} from '../aws/organization-policies.js';
import { type CallHooks, describeAccount } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Account } from '../domain/account.js';
import type { AuditReport } from '../domain/audit.js';
import type { PlanAction, PlanRequest } from '../domain/plan.js';
import type {
  AccountPolicyCheck,
  PolicyBlocker,
  PolicyCheck,
  PolicyTarget,
  PolicyTask,
  TaskPolicyVerdict,
} from '../domain/policy-check.js';
import { isCoreError } from '../errors.js';
import {
  analyzeAccountPolicies,
  groupBlockers,
  PolicyIndex,
  type TaskResources,
} from '../rules/org-policy-analysis.js';
import { listOrganizationAccounts, type Selection } from './inventory.js';

const DENIED_CODES = new Set(['AWS_ACCESS_DENIED', 'NOT_AUTHORIZED_CALLER']);

type PolicyReading =
  | { available: true; policies: OrganizationPolicies }
  | { available: false; missingPermission: string; message: string };

/**
 * Reads the organization's SCPs and RCPs, or says which permission the caller lacks (an IAM
 * delegated administrator usually may not read them). Any other failure propagates.
 */
async function readPoliciesIfAllowed(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<PolicyReading> {
  try {
    return { available: true, policies: await readOrganizationPolicies(runtime, hooks) };
  } catch (error) {
    if (isCoreError(error) && DENIED_CODES.has(error.code)) {
      const operation = String(error.details?.operation ?? 'ListPolicies');
      return {
        available: false,
        missingPermission: `organizations:${operation}`,
        message: `Organization policies not available: missing permission organizations:${operation}.`,
      };
    }
    throw error;
  }
}

function indexPolicies(organizationId: string, policies: OrganizationPolicies): PolicyIndex {
  return new PolicyIndex(organizationId, new Set(policies.enabledTypes), policies.policies);
}

/** One account's verdicts; `parentIds` come from the inventory's OU path (root first). */
function checkAccount(
  index: PolicyIndex,
  account: Pick<Account, 'accountId' | 'name' | 'ouPath' | 'ouPathText'>,
  tasks: readonly PolicyTask[],
  resources?: TaskResources,
): AccountPolicyCheck {
  return {
    accountId: account.accountId,
    name: account.name,
    ouPathText: account.ouPathText,
    tasks: analyzeAccountPolicies(
      index,
      { accountId: account.accountId, parentIds: account.ouPath.map((unit) => unit.id) },
      tasks,
      resources,
    ),
  };
}

/** Assembles the answer of `policies check` from an inventory and what could be read. */
function buildPolicyCheck(
  organizationId: string,
  accounts: readonly Account[],
  reading: PolicyReading,
  tasks: readonly PolicyTask[],
): PolicyCheck {
  if (!reading.available) {
    return {
      organizationId,
      available: false,
      unavailable: { missingPermission: reading.missingPermission, message: reading.message },
      enabledPolicyTypes: [],
      policiesRead: 0,
      tasks: [...tasks],
      summary: [],
      groups: [],
      accounts: [],
    };
  }
  const index = indexPolicies(organizationId, reading.policies);
  const checked = accounts
    .filter((a) => a.skipReason === undefined)
    .map((a) => checkAccount(index, a, tasks));
  return {
    organizationId,
    available: true,
    enabledPolicyTypes: reading.policies.enabledTypes,
    policiesRead: reading.policies.policies.length,
    tasks: [...tasks],
    summary: tasks.map((task) => {
      const verdicts = checked.map((a) => a.tasks.find((t) => t.task === task)?.verdict);
      return {
        task,
        allowed: verdicts.filter((v) => v === 'allowed').length,
        blocked: verdicts.filter((v) => v === 'blocked').length,
        cannotDecide: verdicts.filter((v) => v === 'cannot-decide').length,
      };
    }),
    groups: groupBlockers(checked),
    accounts: checked,
  };
}

/** `policies check`: which member accounts and tasks the organization's SCPs/RCPs will refuse. */
export async function checkOrganizationPolicies(
  runtime: AwsRuntime,
  input: { tasks: readonly PolicyTask[]; selection: Selection },
  hooks: CallHooks = {},
): Promise<PolicyCheck> {
  const [inventory, reading] = await Promise.all([
    listOrganizationAccounts(runtime, input.selection, hooks),
    readPoliciesIfAllowed(runtime, hooks),
  ]);
  return buildPolicyCheck(inventory.organizationId, inventory.accounts, reading, input.tasks);
}

type Placed = Pick<Account, 'accountId' | 'name' | 'ouPath' | 'ouPathText'>;

/**
 * Verdicts for a few accounts (a plan's, an audit's refused ones), reading only the policies attached
 * on their paths. Undefined when the policies cannot be read: the caller then says nothing more.
 */
async function checkFewAccounts(
  runtime: AwsRuntime,
  organizationId: string,
  accounts: readonly Placed[],
  task: PolicyTask,
  resourcesOf: (accountId: string) => TaskResources = () => ({}),
  hooks: CallHooks = {},
): Promise<Map<string, TaskPolicyVerdict> | undefined> {
  const targets = new Map<string, PolicyTarget>();
  for (const account of accounts) {
    for (const unit of account.ouPath)
      targets.set(unit.id, {
        id: unit.id,
        name: unit.name,
        type: unit.id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
      });
    targets.set(account.accountId, { id: account.accountId, name: account.name, type: 'ACCOUNT' });
  }
  let policies: OrganizationPolicies;
  try {
    // RCPs concern only the S3/SQS unlocks (they do not apply to IAM): no need to read them otherwise.
    const types = task.startsWith('unlock-')
      ? (['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] as const)
      : (['SERVICE_CONTROL_POLICY'] as const);
    policies = await readPoliciesForTargets(runtime, [...targets.values()], hooks, types);
  } catch {
    // A prediction is extra information: failing to read the policies never costs the result itself.
    return undefined;
  }
  const index = indexPolicies(organizationId, policies);
  const verdicts = new Map<string, TaskPolicyVerdict>();
  for (const account of accounts) {
    const [verdict] = checkAccount(index, account, [task], resourcesOf(account.accountId)).tasks;
    if (verdict) verdicts.set(account.accountId, verdict);
  }
  return verdicts;
}

const TYPE_LABEL = { SERVICE_CONTROL_POLICY: 'SCP', RESOURCE_CONTROL_POLICY: 'RCP' } as const;

/** One blocker in a sentence: policy, where it is attached, statement and actions. */
function describeBlocker(b: PolicyBlocker): string {
  const where = `${b.target.name} (${b.target.id})`;
  if (b.kind === 'no-allow') return `no SCP attached to ${where} allows ${b.actions.join(', ')}`;
  const statement = b.statement ? `, statement ${b.statement}` : '';
  return `${TYPE_LABEL[b.policyType]} "${b.policy?.name}" (${b.policy?.id}) attached to ${where}${statement} (${b.actions.join(', ')})`;
}

/**
 * Names the policy behind an audit's AccessDenied: accounts AWS refused that the organization's
 * policies predict blocked keep status unknown and code AWS_ACCESS_DENIED, and their message says
 * which policy and statement refused them. Reads only the policies on those accounts' paths.
 */
export async function explainAuditRefusals(
  runtime: AwsRuntime,
  report: AuditReport,
  hooks: CallHooks = {},
): Promise<void> {
  const refused = report.accounts.filter(
    (a) => a.status === 'unknown' && a.error?.code === 'AWS_ACCESS_DENIED',
  );
  if (refused.length === 0) return;
  const verdicts = await checkFewAccounts(runtime, report.organizationId, refused, 'audit', undefined, hooks);
  for (const account of refused) {
    const verdict = verdicts?.get(account.accountId);
    if (verdict?.verdict !== 'blocked' || !account.error) continue;
    account.error.message = `Refused by the organization's policies: ${verdict.blockers.map(describeBlocker).join('; ')}.`;
  }
}

const PLAN_TASKS: Partial<Record<PlanRequest['task'], PolicyTask>> = {
  'delete-root-credentials': 'delete-root-credentials',
  'allow-password-recovery': 'allow-password-recovery',
  'unlock-s3-bucket-policy': 'unlock-s3-bucket-policy',
  'unlock-sqs-queue-policy': 'unlock-sqs-queue-policy',
};

function planResources(request: PlanRequest): TaskResources {
  if (request.task === 'unlock-s3-bucket-policy') return { bucket: request.bucket };
  if (request.task === 'unlock-sqs-queue-policy') {
    // https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
    const url = new URL(request.queueUrl);
    const region = /^sqs\.([^.]+)\./.exec(url.hostname)?.[1];
    const name = url.pathname.split('/').filter(Boolean)[1];
    return region && name ? { queue: { region, name } } : {};
  }
  return {};
}

/**
 * Warnings for a plan's reviewer: accounts whose task the organization's SCPs/RCPs will refuse (or
 * that cannot be decided), before anyone applies. Reads Organizations only; silent when it cannot.
 */
export async function planPolicyWarnings(
  runtime: AwsRuntime,
  organizationId: string,
  request: PlanRequest,
  actions: readonly PlanAction[],
  hooks: CallHooks = {},
): Promise<string[]> {
  const task = PLAN_TASKS[request.task];
  const ids = [...new Set(actions.flatMap((a) => (a.accountId ? [a.accountId] : [])))];
  if (!task || ids.length === 0) return [];
  try {
    const accounts: Placed[] = await Promise.all(
      ids.map(async (id) => {
        const record = await describeAccount(runtime, id, hooks);
        const ouPath = (record.parentIds ?? []).map((unit) => ({ id: unit, name: unit }));
        return { accountId: id, name: record.name, ouPath, ouPathText: '' };
      }),
    );
    const verdicts = await checkFewAccounts(
      runtime,
      organizationId,
      accounts,
      task,
      () => planResources(request),
      hooks,
    );
    const warnings: string[] = [];
    for (const account of accounts) {
      const verdict = verdicts?.get(account.accountId);
      if (verdict?.verdict === 'blocked')
        warnings.push(
          `Warning: the organization's policies will refuse ${task} in ${account.accountId} (${account.name}): ${verdict.blockers.map(describeBlocker).join('; ')}. Fix the policy before applying (rootwarden policies check shows the corrected statement).`,
        );
      else if (verdict?.verdict === 'cannot-decide')
        warnings.push(
          `Warning: whether the organization's policies allow ${task} in ${account.accountId} (${account.name}) cannot be decided: ${verdict.blockers.map(describeBlocker).join('; ')}.`,
        );
    }
    return warnings;
  } catch {
    return [];
  }
}
