/** The account of `policyWarningScenario` whose root password an SCP protects. */
export const POLICY_WARNING_ACCOUNT = '100000000001';

/**
 * A small organization whose SCP refuses one task: `ProtectLoginProfiles` (attached to OU Prod) denies
 * iam:DeleteLoginProfile to every principal but an Admin role, root sessions included; account Prod
 * (`POLICY_WARNING_ACCOUNT`) in that OU has a root password. Auditing it is allowed, so a plan to
 * delete its root credentials has an action that the policy will refuse: the plan must warn before
 * anyone applies. A scenario as the sandbox takes it (JSON), for every door's tests.
 */
export function policyWarningScenario(): Record<string, unknown> {
  return {
    name: 'policy-warning',
    organization: {
      id: 'o-polwarn0000',
      managementAccountId: '100000000000',
      rootId: 'r-pw00',
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-10d' }],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      organizationalUnits: [{ id: 'ou-pw00-prod0000', name: 'Prod', parentId: 'r-pw00' }],
      policies: [
        {
          id: 'p-protectlp0',
          name: 'ProtectLoginProfiles',
          content: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ProtectLoginProfiles',
                Effect: 'Deny',
                Action: ['iam:DeleteLoginProfile'],
                Resource: '*',
                Condition: { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } },
              },
            ],
          },
          targets: ['ou-pw00-prod0000'],
        },
      ],
    },
    accounts: [
      { id: '100000000000', name: 'Management', email: 'mgmt@example.com', joinedTimestamp: 'now-100d' },
      {
        id: POLICY_WARNING_ACCOUNT,
        name: 'Prod',
        email: 'prod@example.com',
        joinedTimestamp: 'now-90d',
        parentId: 'ou-pw00-prod0000',
        rootUser: { loginProfile: { createDate: 'now-80d' } },
      },
    ],
    principals: [
      {
        name: 'management',
        accountId: '100000000000',
        userName: 'admin',
        accessKeyId: 'AKIAEXAMPLEPWMGMT000',
        secretAccessKey: 'sandbox/policy-warning/mgmt/NOT-A-REAL-SECRET',
        default: true,
      },
    ],
  };
}

/** What the plan's warning says, in every door. */
export const POLICY_WARNING_TEXT = `the organization's policies will refuse delete-root-credentials in ${POLICY_WARNING_ACCOUNT} (Prod): SCP "ProtectLoginProfiles" (p-protectlp0) attached to`;
