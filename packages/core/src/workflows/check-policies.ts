import {
  createPolicyReader,
  listPolicyIdsForTargets,
  listTargetsOfPolicy,
  type OrganizationPolicies,
  type PolicyReader,
  readOrganizationPolicies,
} from '../aws/organization-policies.js';
import { type CallHooks, describeAccount } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Account } from '../domain/account.js';
import type { PlanAction, PlanRequest } from '../domain/plan.js';
import type {
  AccountPolicyCheck,
  OrgPolicyType,
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
import { levelsToResolve, policyNeedsTargets, resolutionStrategy } from '../rules/policy-reading.js';
import { listOrganizationAccounts, type Selection } from './inventory.js';
import { PathResolver } from './selection.js';

const DENIED_CODES = new Set(['AWS_ACCESS_DENIED', 'NOT_AUTHORIZED_CALLER']);

type PolicyReading =
  | { available: true; policies: OrganizationPolicies }
  | { available: false; missingPermission: string; message: string };

/**
 * Runs a read of the organization's SCPs and RCPs, or says which permission the caller lacks (an IAM
 * delegated administrator usually may not read them). Any other failure propagates.
 */
async function ifAllowed(read: () => Promise<OrganizationPolicies>): Promise<PolicyReading> {
  try {
    return { available: true, policies: await read() };
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

/**
 * Reads every SCP and RCP, listing the targets only of those that can change an outcome
 * (rules/policy-reading.ts): the AWS-managed FullAWSAccess and RCPFullAWSAccess, attached to every
 * root, OU and account, are never listed. `completeAttachments` then resolves the few levels this
 * leaves open.
 */
function readPoliciesIfAllowed(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<PolicyReading> {
  return ifAllowed(() => readOrganizationPolicies(runtime, hooks, policyNeedsTargets));
}

/**
 * Completes what `readPoliciesIfAllowed` left open for these accounts: a level (root, OU, account on
 * their paths) that carries a listed SCP none of whose allows covers every task action may also carry
 * an unlisted allow-all, so its SCPs are read (ListPoliciesForTarget per such level, or the targets
 * of the unlisted SCPs when `entities`, the organization's size, says that is cheaper). The cost is
 * proportional to those levels (at most the listed SCPs' attachments), never to the accounts.
 */
async function completeAttachments(
  runtime: AwsRuntime,
  policies: OrganizationPolicies,
  accounts: readonly Placed[],
  entities: number | undefined,
  hooks: CallHooks = {},
  /** SCP ids per level already asked of AWS; the refusal explainer keeps one across its accounts. */
  levelCache = new Map<string, Promise<string[]>>(),
): Promise<OrganizationPolicies> {
  const records = policies.policies.map((record) => ({ ...record, targets: [...record.targets] }));
  const byId = new Map(records.map((record) => [record.id, record]));
  const unlisted = new Set(policies.unlisted);
  const unlistedScps = [...unlisted].filter((id) => byId.get(id)?.type === 'SERVICE_CONTROL_POLICY');
  if (!policies.enabledTypes.includes('SERVICE_CONTROL_POLICY') || unlistedScps.length === 0) return policies;
  const listedAt = new Map<string, OrgPolicyRecordLike[]>();
  for (const record of records) {
    if (record.type !== 'SERVICE_CONTROL_POLICY' || unlisted.has(record.id)) continue;
    for (const target of record.targets) {
      const list = listedAt.get(target.id) ?? [];
      list.push(record);
      listedAt.set(target.id, list);
    }
  }
  const levels = levelsToResolve({ attachedTo: (id) => listedAt.get(id) ?? [] }, accounts);
  if (levels.length === 0) return policies;
  if (resolutionStrategy(levels.length, unlistedScps.length, entities) === 'list-unlisted') {
    const targets = await Promise.all(unlistedScps.map((id) => listTargetsOfPolicy(runtime, id, hooks)));
    unlistedScps.forEach((id, i) => {
      const record = byId.get(id);
      if (record) record.targets = targets[i] ?? [];
      unlisted.delete(id);
    });
  } else {
    const found = await listPolicyIdsForTargets(
      runtime,
      levels.map((level) => level.id),
      'SERVICE_CONTROL_POLICY',
      hooks,
      levelCache,
    );
    for (const level of levels) {
      for (const id of found.get(level.id) ?? []) {
        const record = byId.get(id);
        if (record && !record.targets.some((t) => t.id === level.id)) record.targets.push(level);
      }
    }
  }
  return { enabledTypes: policies.enabledTypes, policies: records, unlisted: [...unlisted] };
}

type OrgPolicyRecordLike = { content: string };

function indexPolicies(organizationId: string, policies: OrganizationPolicies): PolicyIndex {
  const types = new Map(policies.policies.map((record) => [record.id, record.type]));
  return new PolicyIndex(
    organizationId,
    new Set(policies.enabledTypes),
    policies.policies,
    policies.unlisted.some((id) => types.get(id) === 'SERVICE_CONTROL_POLICY'),
  );
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
  const [inventory, read] = await Promise.all([
    listOrganizationAccounts(runtime, input.selection, hooks),
    readPoliciesIfAllowed(runtime, hooks),
  ]);
  const checked = inventory.accounts.filter((account) => account.skipReason === undefined);
  // The organization's size is known only when the whole of it was listed.
  const whole = input.selection.accounts.length === 0 && input.selection.ous.length === 0;
  const entities = whole
    ? inventory.accounts.length + new Set(inventory.accounts.flatMap((a) => a.ouPath.map((u) => u.id))).size
    : undefined;
  const reading = read.available
    ? await ifAllowed(() => completeAttachments(runtime, read.policies, checked, entities, hooks))
    : read;
  return buildPolicyCheck(inventory.organizationId, inventory.accounts, reading, input.tasks);
}

type Placed = Pick<Account, 'accountId' | 'name' | 'ouPath' | 'ouPathText'>;

/** RCPs concern only the S3/SQS unlocks (they do not apply to IAM): no need to read them otherwise. */
function policyTypesOf(task: PolicyTask): readonly OrgPolicyType[] {
  return task.startsWith('unlock-')
    ? ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']
    : ['SERVICE_CONTROL_POLICY'];
}

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
  reader: PolicyReader = createPolicyReader(runtime, hooks, policyTypesOf(task)),
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
    policies = await reader.forTargets([...targets.values()]);
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

/**
 * Names of the roots and OUs a plan's warnings name: their policies are read by target
 * (ListPoliciesForTarget, whose PolicySummary carries no target name:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html) on
 * the accounts' paths, and an account's `Path` (DescribeAccount) holds only ids. Named by the selection's PathResolver (ListRoots once, one DescribeOrganizationalUnit per
 * OU); a level whose name cannot be read keeps its id.
 */
async function nameLevels(
  runtime: AwsRuntime,
  targets: readonly PolicyTarget[],
  hooks: CallHooks,
): Promise<ReadonlyMap<string, { name: string }>> {
  const paths = new PathResolver(runtime, hooks);
  const levels = new Set(targets.filter((target) => target.type !== 'ACCOUNT').map((target) => target.id));
  await Promise.allSettled([...levels].map((id) => paths.name([id])));
  return paths.tree.units;
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
 * Names the policy behind an audit's AccessDenied, account by account as AWS refuses them, so the
 * streamed events (CLI jsonl, API SSE, MCP progress) say it as the final report does: the message of
 * a refused account that the organization's policies predict blocked says which policy, target and
 * statement refused it; undefined otherwise (allowed, cannot decide, or the policies cannot be read).
 *
 * The organization's policies are read once per audit, at the first refusal, as `policies check`
 * reads them (the targets of the policies that can change an outcome: a function of the policies, not
 * of the refused accounts). An explicit Deny that applies decides alone; only when none does are the
 * open levels of that account's path resolved (ListPoliciesForTarget, once per level per audit: the
 * accounts an allow-list OU refuses share its read). Reading the policies of
 * every refused account's path instead cost one paced call per account and OU, after the OU walk:
 * 221 calls, 44 s at 5/s, for the 90 refused accounts of a generated 10,000-account organization.
 */
export function createRefusalExplainer(
  runtime: AwsRuntime,
  organizationId: string,
  hooks: CallHooks = {},
): RefusalExplainer {
  let read: Promise<{ reading: PolicyReading; index?: PolicyIndex }> | undefined;
  const readOnce = () => {
    read ??= readPoliciesIfAllowed(runtime, hooks).then((reading) =>
      reading.available ? { reading, index: indexPolicies(organizationId, reading.policies) } : { reading },
    );
    // A failed read is forgotten, so a later refusal may try again.
    read.catch(() => {
      read = undefined;
    });
    return read;
  };
  /** Levels' SCPs read for earlier refusals, so accounts under one OU cost that OU's read once. */
  const levelCache = new Map<string, Promise<string[]>>();
  return {
    prefetch: () => {
      readOnce().catch(() => undefined); // explain() reads again and handles the failure
    },
    explain: async (account) => {
      const { reading, index } = await readOnce();
      if (!reading.available || !index) return undefined;
      const [first] = checkAccount(index, account, ['audit']).tasks;
      const denies = first?.blockers.filter((blocker) => blocker.kind === 'explicit-deny') ?? [];
      if (first?.verdict === 'blocked' && denies.length > 0) return refusalMessage(denies);
      const complete = await completeAttachments(
        runtime,
        reading.policies,
        [account],
        undefined,
        hooks,
        levelCache,
      );
      const [verdict] = checkAccount(indexPolicies(organizationId, complete), account, ['audit']).tasks;
      return verdict?.verdict === 'blocked' ? refusalMessage(verdict.blockers) : undefined;
    },
  };
}

/** Names the SCP or RCP behind an AWS refusal of an account's root session. */
export interface RefusalExplainer {
  /**
   * Starts reading the organization's policies (once per audit). The audit calls it at the first
   * refusal, while the OU walk that `explain` also needs is still running, so the reads overlap it.
   */
  prefetch(): void;
  /** The refusal's cause, when the organization's policies show one. */
  explain(account: Placed): Promise<string | undefined>;
}

/** The message of an account AWS refused and the organization's policies explain. */
function refusalMessage(blockers: readonly PolicyBlocker[]): string {
  return `Refused by the organization's policies: ${blockers.map(describeBlocker).join('; ')}.`;
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
    const warned = accounts.flatMap((account) => {
      const verdict = verdicts?.get(account.accountId);
      return verdict && verdict.verdict !== 'allowed' ? [{ account, verdict }] : [];
    });
    // Only the levels that block are named (not every OU of the planned accounts).
    const levels = await nameLevels(
      runtime,
      warned.flatMap(({ verdict }) => verdict.blockers.map((b) => b.target)),
      hooks,
    );
    const blockers = (verdict: TaskPolicyVerdict) =>
      verdict.blockers
        .map((b) =>
          describeBlocker({
            ...b,
            target: { ...b.target, name: levels.get(b.target.id)?.name ?? b.target.name },
          }),
        )
        .join('; ');
    return warned.map(({ account, verdict }) =>
      verdict.verdict === 'blocked'
        ? `Warning: the organization's policies will refuse ${task} in ${account.accountId} (${account.name}): ${blockers(verdict)}. Fix the policy before applying (rootwarden policies check shows the corrected statement).`
        : `Warning: whether the organization's policies allow ${task} in ${account.accountId} (${account.name}) cannot be decided: ${blockers(verdict)}.`,
    );
  } catch {
    return [];
  }
}
