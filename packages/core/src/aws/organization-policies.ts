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
  policies: OrgPolicyRecord[];
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

/**
 * The SCPs and RCPs attached to a few targets (the root, OUs and accounts on the paths of the accounts
 * a plan or an audit refusal concerns): ListPoliciesForTarget per target and DescribePolicy per
 * distinct policy, cheaper than reading every policy's targets when only a few accounts matter.
 * Each returned policy lists only the given targets it is attached to.
 */
export async function readPoliciesForTargets(
  runtime: AwsRuntime,
  targets: readonly PolicyTarget[],
  hooks: CallHooks = {},
  types: readonly OrgPolicyType[] = POLICY_TYPES,
): Promise<OrganizationPolicies> {
  const call = <T>(operation: string, send: () => Promise<T>) =>
    callAws(send, { operation, pacer: runtime.pacer, ...hooks });
  const enabledTypes = (await readEnabledPolicyTypes(runtime, hooks)).filter((type) => types.includes(type));
  const byId = new Map<string, OrgPolicyRecord>();
  const limit = pLimit(4);
  const attachments: { target: PolicyTarget; policyId: string; name: string; type: OrgPolicyType }[] = [];
  await Promise.all(
    targets.flatMap((target) =>
      enabledTypes.map((type) =>
        limit(async () => {
          const pages = await allPages((NextToken) =>
            call('ListPoliciesForTarget', () =>
              runtime.organizations.send(
                new ListPoliciesForTargetCommand({
                  TargetId: target.id,
                  Filter: type,
                  NextToken,
                  MaxResults: 20,
                }),
                abortable(hooks.signal),
              ),
            ),
          );
          for (const page of pages)
            for (const p of page.Policies ?? [])
              attachments.push({ target, policyId: p.Id ?? '', name: p.Name ?? p.Id ?? '', type });
        }),
      ),
    ),
  );
  const distinct = [...new Map(attachments.map((a) => [a.policyId, a])).values()];
  await Promise.all(
    distinct.map((a) =>
      limit(async () => {
        const described = await call('DescribePolicy', () =>
          runtime.organizations.send(
            new DescribePolicyCommand({ PolicyId: a.policyId }),
            abortable(hooks.signal),
          ),
        );
        byId.set(a.policyId, {
          id: a.policyId,
          name: a.name,
          type: a.type,
          content: described.Policy?.Content ?? '',
          targets: [],
        });
      }),
    ),
  );
  for (const a of attachments) byId.get(a.policyId)?.targets.push(a.target);
  return { enabledTypes, policies: [...byId.values()] };
}

/**
 * Every SCP and RCP with its content and targets: ListRoots (which types are enforced), then per type
 * ListPolicies, and per policy DescribePolicy + ListTargetsForPolicy. The cost grows with the number
 * of policies and attachments, never one call per account
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html).
 */
export async function readOrganizationPolicies(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
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
  const policies = await Promise.all(
    summaries.map((summary) =>
      limit(async (): Promise<OrgPolicyRecord> => {
        const PolicyId = summary.Id ?? '';
        const described = await call('DescribePolicy', () =>
          runtime.organizations.send(new DescribePolicyCommand({ PolicyId }), abortable(hooks.signal)),
        );
        const targets = await allPages((NextToken) =>
          call('ListTargetsForPolicy', () =>
            runtime.organizations.send(
              new ListTargetsForPolicyCommand({ PolicyId, NextToken, MaxResults: 20 }),
              abortable(hooks.signal),
            ),
          ),
        );
        return {
          id: PolicyId,
          name: summary.Name ?? PolicyId,
          type: summary.type,
          content: described.Policy?.Content ?? '',
          targets: targets.flatMap((page) => (page.Targets ?? []).map(toTarget)),
        };
      }),
    ),
  );
  return { enabledTypes, policies };
}
