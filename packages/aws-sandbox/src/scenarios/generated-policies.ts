import type { createRandom } from '../util/random.js';
import type { Scenario } from './schema.js';

type Random = ReturnType<typeof createRandom>;
type PolicyScenario = Scenario['organization']['policies'][number];

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const ROOT_PRINCIPAL = { 'aws:PrincipalArn': 'arn:aws:iam::*:root' };

/**
 * AWS's sample SCP "Prevent root credentials management in member accounts"
 * (aws-samples/service-control-policy-examples, Privileged-access-controls/): denies the root user
 * unless the request comes from a root session (`Null aws:AssumedRoot true`). Root sessions pass.
 */
export const awsSampleDenyRootScp = () =>
  doc({
    Sid: 'DenyRootUserExceptRootSessions',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { ArnLike: ROOT_PRINCIPAL, Null: { 'aws:AssumedRoot': 'true' } },
  });

/**
 * The statement templates random policies are drawn from: the guardrails seen in the field
 * (aws-facts.md §9, §13) plus edge cases of the evaluation rules. Each is (name, type, content).
 */
function templates(orgId: string, accountIds: readonly string[], random: Random) {
  const someAccount = () => random.pick(accountIds as string[]) ?? '000000000000';
  return [
    ['AwsSampleDenyRoot', 'SERVICE_CONTROL_POLICY', awsSampleDenyRootScp()],
    [
      'DenyRootNoExemption',
      'SERVICE_CONTROL_POLICY',
      doc({
        Sid: 'DenyRoot',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringLike: ROOT_PRINCIPAL },
      }),
    ],
    [
      // Landing Zone Accelerator's NotAction "deny root" (landing-zone-accelerator-on-aws-for-cccs-medium #16).
      'LzaDenyRootNotAction',
      'SERVICE_CONTROL_POLICY',
      doc({
        Sid: 'DenyRootUser',
        Effect: 'Deny',
        NotAction: [
          'iam:CreateVirtualMFADevice',
          'iam:EnableMFADevice',
          'iam:GetUser',
          'iam:ListMFADevices',
          'iam:ListVirtualMFADevices',
          'iam:ResyncMFADevice',
          'sts:GetSessionToken',
        ],
        Resource: '*',
        Condition: { StringLike: ROOT_PRINCIPAL },
      }),
    ],
    [
      'DenyS3ForRootSessions',
      'SERVICE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:AssumedRoot': 'true' } },
      }),
    ],
    [
      'DenyIamDeletesOutsideRootSessions',
      'SERVICE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Action: 'iam:Delete*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:AssumedRoot': 'false' } },
      }),
    ],
    [
      'DenyLoginProfileChangesExceptAdmin',
      'SERVICE_CONTROL_POLICY',
      doc({
        Sid: 'ProtectLoginProfiles',
        Effect: 'Deny',
        Action: ['iam:DeleteLoginProfile', 'iam:CreateLoginProfile'],
        Resource: '*',
        Condition: { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } },
      }),
    ],
    [
      'DenyIamOutsideRootResource',
      'SERVICE_CONTROL_POLICY',
      doc({ Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::*:root' }),
    ],
    [
      'DenyOneAccount',
      'SERVICE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Action: ['iam:*', 'sqs:*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalAccount': someAccount() } },
      }),
    ],
    [
      'DenyOutsideUsEast1',
      'SERVICE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Action: 'sqs:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } },
      }),
    ],
    [
      'DenyProdQueues',
      'SERVICE_CONTROL_POLICY',
      doc({ Effect: 'Deny', Action: 'sqs:SetQueueAttributes', Resource: 'arn:aws:sqs:*:*:prod-*' }),
    ],
    [
      'DenyMfaDeactivation',
      'SERVICE_CONTROL_POLICY',
      doc({
        Sid: 'KeepMfa',
        Effect: 'Deny',
        Action: 'iam:DeactivateMFADevice',
        Resource: 'arn:aws:iam::*:root',
      }),
    ],
    [
      'DenyOutsideOrg',
      'SERVICE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId } },
      }),
    ],
    [
      'RcpDenyRootSessionsOnS3',
      'RESOURCE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:AssumedRoot': 'true' } },
      }),
    ],
    [
      'RcpEnforceOrgIdentities',
      'RESOURCE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*', 'sqs:*'],
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId } },
      }),
    ],
    [
      'RcpDenyQueuePolicyChanges',
      'RESOURCE_CONTROL_POLICY',
      doc({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:SetQueueAttributes',
        Resource: '*',
        Condition: { ArnLike: ROOT_PRINCIPAL },
      }),
    ],
  ] as const;
}

const ALLOW_LIST_WITHOUT_IAM = doc({
  Sid: 'AllowListedServices',
  Effect: 'Allow',
  Action: ['s3:*', 'sqs:*', 'ec2:*', 'cloudwatch:*'],
  Resource: '*',
});

const IAM_READ_ONLY_ALLOW_LIST = doc({
  Sid: 'AllowReadingIam',
  Effect: 'Allow',
  Action: ['iam:Get*', 'iam:List*', 's3:*', 'sqs:*'],
  Resource: '*',
});

const DENY_PASSWORD_CREATION = doc({
  Sid: 'NoRootPasswords',
  Effect: 'Deny',
  Action: 'iam:CreateLoginProfile',
  Resource: '*',
});

/**
 * Random SCPs/RCPs attached to random roots, OUs and accounts, and a few OUs run an allow-list (an
 * SCP without `iam:*` in place of FullAWSAccess); some accounts carry an IAM read-only allow-list or a
 * deny-only SCP, with or without FullAWSAccess. Reproducible from the scenario's random source.
 */
export function randomPolicies(
  random: Random,
  orgId: string,
  rootId: string,
  ouIds: readonly string[],
  accountIds: readonly string[],
): { policies: PolicyScenario[]; fullAwsAccessDetachedFrom: string[] } {
  const policies: PolicyScenario[] = [];
  const targetPool = [rootId, ...ouIds, ...accountIds];
  const all = templates(orgId, accountIds, random);
  all.forEach(([name, type, content], i) => {
    const targets = new Set<string>();
    const count =
      name === 'AwsSampleDenyRoot' ? 1 : 1 + random.int(Math.max(1, Math.ceil(targetPool.length / 60)));
    if (name === 'AwsSampleDenyRoot') targets.add(rootId);
    while (targets.size < count) targets.add(random.pick(targetPool as string[]) ?? rootId);
    policies.push({
      id: `p-gen${String(i).padStart(8, '0')}`,
      name,
      description: '',
      type,
      content: content as Record<string, unknown>,
      targets: [...targets],
    });
  });
  const allowListOus = ouIds.filter(() => random.chance(0.05));
  policies.push({
    id: 'p-genallowlist0',
    name: 'AllowListWithoutIam',
    description: 'Allow-list strategy that forgot IAM',
    type: 'SERVICE_CONTROL_POLICY',
    content: ALLOW_LIST_WITHOUT_IAM,
    targets: allowListOus,
  });
  // Allow-lists and deny-only SCPs on accounts, half of which keep FullAWSAccess and half do not: AWS
  // lets FullAWSAccess go once another SCP is attached ("Every root, OU, and account must have at
  // least one SCP attached", https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html),
  // so an account whose only SCP is a Deny is allowed nothing at its level.
  const iamReadOnlyAccounts = accountIds.filter(() => random.chance(0.03));
  policies.push({
    id: 'p-genallowlist1',
    name: 'AllowIamReadOnly',
    description: 'Allow-list strategy that lets IAM be read only',
    type: 'SERVICE_CONTROL_POLICY',
    content: IAM_READ_ONLY_ALLOW_LIST,
    targets: iamReadOnlyAccounts,
  });
  const denyOnlyAccounts = accountIds.filter(() => random.chance(0.03));
  policies.push({
    id: 'p-gendenyonly0',
    name: 'DenyPasswordCreation',
    description: 'Deny-only SCP',
    type: 'SERVICE_CONTROL_POLICY',
    content: DENY_PASSWORD_CREATION,
    targets: denyOnlyAccounts,
  });
  const detachedFromAccounts = [...new Set([...iamReadOnlyAccounts, ...denyOnlyAccounts])].filter(() =>
    random.chance(0.5),
  );
  return { policies, fullAwsAccessDetachedFrom: [...allowListOus, ...detachedFromAccounts] };
}
