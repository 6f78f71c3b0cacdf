import type { Scenario } from '../scenarios/schema.js';

export type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** One SCP or RCP as Organizations stores it (`Policy`: `PolicySummary` + `Content`). */
export interface OrgPolicyState {
  id: string;
  arn: string;
  name: string;
  description: string;
  type: OrgPolicyType;
  awsManaged: boolean;
  content: string;
}

/** Policies and their attachments; attachments keep insertion order so list calls page stably. */
export interface OrgPoliciesState {
  enabledTypes: Set<OrgPolicyType>;
  policies: Map<string, OrgPolicyState>;
  /** policy id → target ids (root, OU, account) in attachment order. */
  targets: Map<string, string[]>;
  /** target id → policy ids, the index request evaluation reads. */
  byTarget: Map<string, string[]>;
}

export function attachPolicy(state: OrgPoliciesState, policyId: string, targetId: string): void {
  // Membership is checked on the target's short policy list: a policy may have 10,000 targets.
  const policies = state.byTarget.get(targetId) ?? [];
  if (policies.includes(policyId)) return;
  state.byTarget.set(targetId, policies);
  policies.push(policyId);
  const targets = state.targets.get(policyId) ?? [];
  state.targets.set(policyId, targets);
  targets.push(targetId);
}

export function detachPolicy(state: OrgPoliciesState, policyId: string, targetId: string): void {
  const targets = state.targets.get(policyId);
  if (targets)
    state.targets.set(
      policyId,
      targets.filter((id) => id !== targetId),
    );
  const policies = state.byTarget.get(targetId);
  if (policies)
    state.byTarget.set(
      targetId,
      policies.filter((id) => id !== policyId),
    );
}

/**
 * The AWS-managed policies Organizations attaches to every root, OU and account when a policy type is
 * enabled: FullAWSAccess for SCPs, RCPFullAWSAccess for RCPs (which cannot be detached)
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 */
export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
export const RCP_FULL_AWS_ACCESS_ID = 'p-RCPFullAWSAccess';
const ALLOW_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const RCP_ALLOW_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
});

/**
 * What `scpDeniesRootSession` attaches: AWS's sample "deny root" SCP
 * (aws-samples/service-control-policy-examples, Privileged-access-controls/Prevent-root-credentials-
 * management-in-member-accounts-in-AWS-Organizations.json) without its `Null aws:AssumedRoot`
 * exemption, i.e. the guardrail that breaks root sessions.
 */
export const DENY_ROOT_USER_ID = 'p-denyrootuser';
const DENY_ROOT_USER_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyRootUser',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } },
    },
  ],
});

const typePath = (type: OrgPolicyType) =>
  type === 'SERVICE_CONTROL_POLICY' ? 'service_control_policy' : 'resource_control_policy';

export function buildOrgPolicies(
  scenario: Scenario,
  targetIds: readonly string[],
  denyRootAccounts: readonly string[],
): OrgPoliciesState {
  const o = scenario.organization;
  const state: OrgPoliciesState = {
    enabledTypes: new Set(o.enabledPolicyTypes),
    policies: new Map(),
    targets: new Map(),
    byTarget: new Map(),
  };
  const managed = (id: string, name: string, type: OrgPolicyType, content: string, description: string) => {
    state.policies.set(id, {
      id,
      arn: `arn:aws:organizations::aws:policy/${typePath(type)}/${id}`,
      name,
      description,
      type,
      awsManaged: true,
      content,
    });
  };
  managed(
    FULL_AWS_ACCESS_ID,
    'FullAWSAccess',
    'SERVICE_CONTROL_POLICY',
    ALLOW_ALL,
    'Allows access to every operation',
  );
  managed(
    RCP_FULL_AWS_ACCESS_ID,
    'RCPFullAWSAccess',
    'RESOURCE_CONTROL_POLICY',
    RCP_ALLOW_ALL,
    'Allows access to every operation',
  );
  const detached = new Set(o.fullAwsAccessDetachedFrom);
  for (const id of targetIds) {
    if (!detached.has(id)) attachPolicy(state, FULL_AWS_ACCESS_ID, id);
    attachPolicy(state, RCP_FULL_AWS_ACCESS_ID, id);
  }
  const customer = (id: string, name: string, type: OrgPolicyType, content: string, description: string) =>
    state.policies.set(id, {
      id,
      arn: `arn:aws:organizations::${o.managementAccountId}:policy/${o.id}/${typePath(type)}/${id}`,
      name,
      description,
      type,
      awsManaged: false,
      content,
    });
  for (const p of o.policies) {
    customer(
      p.id,
      p.name,
      p.type,
      typeof p.content === 'string' ? p.content : JSON.stringify(p.content),
      p.description,
    );
    state.targets.set(p.id, []);
    for (const target of p.targets) attachPolicy(state, p.id, target);
  }
  if (denyRootAccounts.length > 0) {
    ensureDenyRootPolicy(state, scenario);
    for (const account of denyRootAccounts) attachPolicy(state, DENY_ROOT_USER_ID, account);
  }
  return state;
}

/** Creates the sandbox's DenyRootUser SCP (no attachments) when it does not exist yet. */
export function ensureDenyRootPolicy(state: OrgPoliciesState, scenario: Scenario): void {
  if (state.policies.has(DENY_ROOT_USER_ID)) return;
  const o = scenario.organization;
  state.policies.set(DENY_ROOT_USER_ID, {
    id: DENY_ROOT_USER_ID,
    arn: `arn:aws:organizations::${o.managementAccountId}:policy/${o.id}/service_control_policy/${DENY_ROOT_USER_ID}`,
    name: 'DenyRootUser',
    description: 'Denies the root user (no aws:AssumedRoot exemption)',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: false,
    content: DENY_ROOT_USER_CONTENT,
  });
  state.targets.set(DENY_ROOT_USER_ID, []);
}

/** Policies of one type attached directly to a target, in attachment order. */
export function policiesAttachedTo(
  state: OrgPoliciesState,
  targetId: string,
  type: OrgPolicyType,
): OrgPolicyState[] {
  const attached: OrgPolicyState[] = [];
  for (const policyId of state.byTarget.get(targetId) ?? []) {
    const policy = state.policies.get(policyId);
    if (policy?.type === type) attached.push(policy);
  }
  return attached;
}
