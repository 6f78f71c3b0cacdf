import {
  DescribePolicyCommand,
  ListPoliciesCommand,
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
  const roots = await allPages((NextToken) =>
    call('ListRoots', () =>
      runtime.organizations.send(new ListRootsCommand({ NextToken }), abortable(hooks.signal)),
    ),
  );
  const enabledTypes = POLICY_TYPES.filter((type) =>
    roots.some((page) =>
      (page.Roots ?? []).some((root) =>
        (root.PolicyTypes ?? []).some((p) => p.Type === type && p.Status === 'ENABLED'),
      ),
    ),
  );
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
