import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type PolicyTargetSummary,
} from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import type { OrgPolicyType, PolicyTarget } from '../domain/policy-check.js';
import type { OrgPolicyRecord } from '../rules/org-policy-analysis.js';
import { abortable, callAws } from './call-aws.js';
import type { CallHooks } from './organizations.js';
import type { AwsRuntime } from './runtime.js';

export interface OrganizationPolicies {
  enabledTypes: OrgPolicyType[];
  /** Each policy with its content and the targets it is known to be attached to. */
  policies: OrgPolicyRecord[];
  /**
   * Policies whose targets were not listed (their `targets` are only those found attached to a
   * resolved level): the reader judged that they cannot change an outcome. Empty when every
   * policy's attachments on the read targets are complete.
   */
  unlisted: string[];
}

const POLICY_TYPES: readonly OrgPolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

async function allPages<Page extends { NextToken?: string | undefined }>(
  fetchPage: (token: string | undefined) => Promise<Page>,
): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    pages.push(page);
    token = page.NextToken;
  } while (token);
  return pages;
}

const toTarget = (t: PolicyTargetSummary): PolicyTarget => ({
  id: t.TargetId ?? '',
  name: t.Name ?? '',
  type: (t.Type ?? 'ACCOUNT') as PolicyTarget['type'],
});

/** The policy types enabled on the root (ListRoots `PolicyTypes`): only those are enforced. */
async function readEnabledPolicyTypes(runtime: AwsRuntime, hooks: CallHooks): Promise<OrgPolicyType[]> {
  const roots = await allPages((NextToken) =>
    callAws(() => runtime.organizations.send(new ListRootsCommand({ NextToken }), abortable(hooks.signal)), {
      operation: 'ListRoots',
      pacer: runtime.pacer,
      ...hooks,
    }),
  );
  return POLICY_TYPES.filter((type) =>
    roots.some((page) =>
      (page.Roots ?? []).some((root) =>
        (root.PolicyTypes ?? []).some((p) => p.Type === type && p.Status === 'ENABLED'),
      ),
    ),
  );
}

/** Reads the policies attached to targets, each target's attachments and each policy's document once. */
export interface PolicyReader {
  /** The SCPs/RCPs attached to these targets; each policy lists only the given targets it is attached to. */
  forTargets(targets: readonly PolicyTarget[]): Promise<OrganizationPolicies>;
}

interface Attachment {
  policyId: string;
  name: string;
  type: OrgPolicyType;
}

/** Each answer kept under its key; a failed read is forgotten, so a later one may succeed. */
function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let found = cache.get(key);
  if (!found) {
    const reading = read();
    found = reading;
    cache.set(key, reading);
    reading.catch(() => {
      if (cache.get(key) === reading) cache.delete(key);
    });
  }
  return found;
}

/** The policies of one type attached directly to a target (ListPoliciesForTarget, every page). */
async function policiesAttachedTo(
  runtime: AwsRuntime,
  targetId: string,
  type: OrgPolicyType,
  hooks: CallHooks,
): Promise<Attachment[]> {
  const pages = await allPages((NextToken) =>
    callAws(
      () =>
        runtime.organizations.send(
          new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: type, NextToken, MaxResults: 20 }),
          abortable(hooks.signal),
        ),
      { operation: 'ListPoliciesForTarget', pacer: runtime.pacer, ...hooks },
    ),
  );
  return pages.flatMap((page) =>
    (page.Policies ?? []).map((p) => ({ policyId: p.Id ?? '', name: p.Name ?? p.Id ?? '', type })),
  );
}

/**
 * The SCPs and RCPs attached to a few targets (the root, OUs and accounts on the paths of the accounts
 * a plan or an audit refusal concerns): ListPoliciesForTarget per target and DescribePolicy per
 * distinct policy, cheaper than reading every policy's targets when only a few accounts matter.
 * Answers are kept for the reader's life: an audit explaining many refusals under the same OU reads
 * that OU's and the root's policies once. A failed read is forgotten, so a later one may succeed.
 */
export function createPolicyReader(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
  types: readonly OrgPolicyType[] = POLICY_TYPES,
): PolicyReader {
  const call = <T>(operation: string, send: () => Promise<T>) =>
    callAws(send, { operation, pacer: runtime.pacer, ...hooks });
  const limit = pLimit(4);
  const enabled = new Map<string, Promise<OrgPolicyType[]>>();
  const attachedTo = new Map<string, Promise<Attachment[]>>();
  const documents = new Map<string, Promise<string>>();

  const attachmentsOf = (targetId: string, enabledTypes: readonly OrgPolicyType[]) =>
    once(attachedTo, targetId, async () => {
      const lists = await Promise.all(
        enabledTypes.map((type) => limit(() => policiesAttachedTo(runtime, targetId, type, hooks))),
      );
      return lists.flat();
    });
  const documentOf = (policyId: string) =>
    once(documents, policyId, () =>
      limit(() =>
        call('DescribePolicy', () =>
          runtime.organizations.send(
            new DescribePolicyCommand({ PolicyId: policyId }),
            abortable(hooks.signal),
          ),
        ),
      ).then((described) => described.Policy?.Content ?? ''),
    );

  return {
    async forTargets(targets) {
      const enabledTypes = (await once(enabled, '', () => readEnabledPolicyTypes(runtime, hooks))).filter(
        (type) => types.includes(type),
      );
      const distinct = [...new Map(targets.map((target) => [target.id, target])).values()];
      const byTarget = await Promise.all(
        distinct.map(async (target) => ({
          target,
          attachments: await attachmentsOf(target.id, enabledTypes),
        })),
      );
      const byId = new Map<string, OrgPolicyRecord>();
      for (const { target, attachments } of byTarget) {
        for (const a of attachments) {
          const record = byId.get(a.policyId) ?? {
            id: a.policyId,
            name: a.name,
            type: a.type,
            content: '',
            targets: [],
          };
          record.targets.push(target);
          byId.set(a.policyId, record);
        }
      }
      await Promise.all(
        [...byId.values()].map(async (record) => {
          record.content = await documentOf(record.id);
        }),
      );
      return { enabledTypes, policies: [...byId.values()], unlisted: [] };
    },
  };
}

/**
 * Every SCP and RCP with its content: ListRoots (which types are enforced), then per type ListPolicies,
 * DescribePolicy per policy, and ListTargetsForPolicy only for the policies `needsTargets` picks (the
 * caller's rule: those that can change an outcome). The others come back with no targets and their
 * ids in `unlisted`. The cost grows with the number of policies and their listed attachments, never
 * one call per account
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html).
 */
export async function readOrganizationPolicies(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
  needsTargets: (type: OrgPolicyType, content: string) => boolean = () => true,
): Promise<OrganizationPolicies> {
  const call = <T>(operation: string, send: () => Promise<T>) =>
    callAws(send, { operation, pacer: runtime.pacer, ...hooks });
  const enabledTypes = await readEnabledPolicyTypes(runtime, hooks);
  const summaries = [];
  for (const type of enabledTypes) {
    const pages = await allPages((NextToken) =>
      call('ListPolicies', () =>
        runtime.organizations.send(
          new ListPoliciesCommand({ Filter: type, NextToken, MaxResults: 20 }),
          abortable(hooks.signal),
        ),
      ),
    );
    for (const page of pages) for (const p of page.Policies ?? []) summaries.push({ ...p, type });
  }
  const limit = pLimit(4);
  const unlisted: string[] = [];
  const policies = await Promise.all(
    summaries.map((summary) =>
      limit(async (): Promise<OrgPolicyRecord> => {
        const PolicyId = summary.Id ?? '';
        const described = await call('DescribePolicy', () =>
          runtime.organizations.send(new DescribePolicyCommand({ PolicyId }), abortable(hooks.signal)),
        );
        const content = described.Policy?.Content ?? '';
        const record = { id: PolicyId, name: summary.Name ?? PolicyId, type: summary.type, content };
        if (!needsTargets(summary.type, content)) {
          unlisted.push(PolicyId);
          return { ...record, targets: [] };
        }
        return { ...record, targets: await listTargetsOfPolicy(runtime, PolicyId, hooks) };
      }),
    ),
  );
  return { enabledTypes, policies, unlisted };
}

/** Every target of one policy (ListTargetsForPolicy, 20 a page). */
export async function listTargetsOfPolicy(
  runtime: AwsRuntime,
  PolicyId: string,
  hooks: CallHooks = {},
): Promise<PolicyTarget[]> {
  const pages = await allPages((NextToken) =>
    callAws(
      () =>
        runtime.organizations.send(
          new ListTargetsForPolicyCommand({ PolicyId, NextToken, MaxResults: 20 }),
          abortable(hooks.signal),
        ),
      { operation: 'ListTargetsForPolicy', pacer: runtime.pacer, ...hooks },
    ),
  );
  return pages.flatMap((page) => (page.Targets ?? []).map(toTarget));
}

/**
 * The ids of the policies of one type attached directly to each target (ListPoliciesForTarget), each
 * target asked once for the life of `cache`: the refusal explainer keeps one across its accounts, so
 * accounts refused under one OU share that OU's read.
 */
export async function listPolicyIdsForTargets(
  runtime: AwsRuntime,
  targetIds: readonly string[],
  type: OrgPolicyType,
  hooks: CallHooks = {},
  cache = new Map<string, Promise<string[]>>(),
): Promise<Map<string, string[]>> {
  const limit = pLimit(4);
  const lists = await Promise.all(
    targetIds.map((targetId) =>
      once(cache, targetId, () =>
        limit(() => policiesAttachedTo(runtime, targetId, type, hooks)).then((attached) =>
          attached.flatMap((a) => (a.policyId ? [a.policyId] : [])),
        ),
      ),
    ),
  );
  return new Map(targetIds.map((targetId, index) => [targetId, lists[index] ?? []]));
}
