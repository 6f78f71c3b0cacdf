import { awsSampleDenyRootScp } from './generated-policies.js';
import { standardPrincipals } from './principals.js';
import { SAMPLE_CERTIFICATE_BODY } from './sample-certificate.js';
import type { ScenarioInput } from './schema.js';

type AccountInput = ScenarioInput['accounts'][number];

const denyAllBucketPolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyEveryone',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    },
  ],
});

const denyAllQueuePolicy = (region: string, account: string, queue: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyEveryone',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: `arn:aws:sqs:${region}:${account}:${queue}`,
    },
  ],
});

/**
 * Mirrors the seed's organization (seed/000_5a4ba776bea88c5d.txt): management 123456789012,
 * o-8j81brsjuj, Account1..Account6; Account1's root has every credential kind the report listed,
 * Account6's has none but GetUser still shows PasswordLastUsed. RootSessions is off, so the
 * S3 task gets the seed's "Root sessions feature is not enabled" error.
 */
export function blogScenario(): ScenarioInput {
  const management = '123456789012';
  const member = (n: number, joined: string, extra: Partial<AccountInput> = {}): AccountInput => ({
    id: String(n).repeat(12),
    name: `Account${n}`,
    email: `account${n}@example.com`,
    joinedTimestamp: joined,
    ...extra,
  });
  return {
    name: 'blog',
    description:
      "The seed field report's organization: six member accounts, Account1 exposed, Account6 without root credentials.",
    region: 'us-east-1',
    organization: {
      id: 'o-8j81brsjuj',
      managementAccountId: management,
      rootId: 'r-8j81',
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: '2025-12-01T04:12:09.100Z' }],
      delegatedAdministrators: [
        {
          accountId: '222222222222',
          servicePrincipal: 'iam.amazonaws.com',
          delegationEnabledDate: '2025-12-01T04:20:31.410Z',
        },
      ],
      rootFeatures: ['RootCredentialsManagement'],
    },
    accounts: [
      {
        id: management,
        name: 'Management',
        email: 'management@example.com',
        joinedTimestamp: '2023-03-27T23:10:02.120Z',
        rootUser: {
          createDate: '2023-03-27T23:09:58Z',
          passwordLastUsed: '2025-12-13T21:58:03Z',
          loginProfile: { createDate: '2023-03-27T23:09:58Z' },
          mfaDevices: [
            {
              serialNumber: `arn:aws:iam::${management}:mfa/root-account-mfa-device`,
              enableDate: '2023-03-27T23:30:00Z',
            },
          ],
        },
      },
      member(1, '2023-03-28T08:19:58.333+09:00', {
        rootUser: {
          createDate: '2023-03-27T23:19:57Z',
          passwordLastUsed: '2025-12-13T22:11:47Z',
          loginProfile: { createDate: '2023-03-27T23:19:57Z', passwordResetRequired: false },
          accessKeys: [
            {
              accessKeyId: 'AKIA6FU7H6FWXAD6YL54',
              status: 'Active',
              createDate: '2025-12-13T22:14:40Z',
              lastUsed: { date: '2025-12-13T22:20:00Z', serviceName: 'sts', region: 'us-east-1' },
            },
          ],
          signingCertificates: [
            {
              certificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY',
              body: SAMPLE_CERTIFICATE_BODY,
              status: 'Active',
              uploadDate: '2025-12-13T22:27:02Z',
            },
          ],
          mfaDevices: [
            { serialNumber: 'arn:aws:iam::111111111111:mfa/Authapp', enableDate: '2025-12-13T22:14:07Z' },
          ],
        },
      }),
      member(2, '2023-05-10T02:41:12.871+09:00', { name: 'Account2' }),
      member(3, '2024-01-22T11:05:40.019+09:00'),
      member(4, '2024-08-30T17:33:21.650+09:00'),
      member(5, '2025-02-14T09:12:03.204+09:00', {
        buckets: [{ name: 'account5-locked-bucket', policy: denyAllBucketPolicy('account5-locked-bucket') }],
        queues: [
          {
            name: 'account5-locked-queue',
            policy: denyAllQueuePolicy('us-east-1', '555555555555', 'account5-locked-queue'),
          },
        ],
      }),
      member(6, '2025-06-18T08:06:07.495+09:00', {
        rootUser: { createDate: '2025-06-17T23:06:06Z', passwordLastUsed: '2025-06-18T02:05:10Z' },
      }),
    ],
    principals: standardPrincipals('BLOG', {
      management,
      delegatedAdmin: '222222222222',
      member: '333333333333',
    }),
  };
}

/** A fully enabled organization in which no member root user has any credential. */
function cleanScenario(): ScenarioInput {
  const management = '200000000000';
  const ou = { security: 'ou-c1ea-securty1', workloads: 'ou-c1ea-wrkloads' };
  const account = (n: number, name: string, parentId: string): AccountInput => ({
    id: String(200000000000 + n),
    name,
    email: `${name.toLowerCase()}@clean.example.com`,
    joinedTimestamp: `2024-0${n}-15T10:00:00.000Z`,
    parentId,
    rootUser: { createDate: `2024-0${n}-15T09:59:58Z` },
  });
  return {
    name: 'clean',
    description: 'Every feature enabled, no member root credentials anywhere.',
    organization: {
      id: 'o-c1ean0rg00',
      managementAccountId: management,
      rootId: 'r-c1ea',
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: '2024-06-01T00:00:00.000Z' }],
      delegatedAdministrators: [
        {
          accountId: '200000000001',
          servicePrincipal: 'iam.amazonaws.com',
          delegationEnabledDate: '2024-06-01T00:05:00.000Z',
        },
      ],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      organizationalUnits: [
        { id: ou.security, name: 'Security', parentId: 'r-c1ea' },
        { id: ou.workloads, name: 'Workloads', parentId: 'r-c1ea' },
      ],
    },
    accounts: [
      {
        id: management,
        name: 'Management',
        email: 'management@clean.example.com',
        joinedTimestamp: '2024-01-01T00:00:00.000Z',
        rootUser: {
          createDate: '2023-12-31T23:59:58Z',
          loginProfile: { createDate: '2023-12-31T23:59:58Z' },
          mfaDevices: [{ serialNumber: 'GAHT20000000', enableDate: '2024-01-01T00:10:00Z' }],
        },
      },
      account(1, 'Security', ou.security),
      account(2, 'LogArchive', ou.security),
      {
        ...account(3, 'Production', ou.workloads),
        buckets: [{ name: 'clean-production-assets' }],
        queues: [{ name: 'orders' }],
      },
      account(4, 'Staging', ou.workloads),
      account(5, 'Development', ou.workloads),
    ],
    principals: standardPrincipals('CLEN', {
      management,
      delegatedAdmin: '200000000001',
      member: '200000000005',
    }),
  };
}

/**
 * A varied mix for audits and remediation: active/inactive keys used recently or never, virtual,
 * hardware and FIDO MFA, signing certificates, passwords with and without MFA, suspended, closed and
 * closing accounts, nested OUs, a delegated admin, an SCP that denies root sessions, and a bucket and
 * a queue locked by deny-all policies. Dates are relative to the sandbox clock.
 */
function exposedScenario(): ScenarioInput {
  const id = (n: number) => String(300000000000 + n);
  const management = id(0);
  const root = 'r-exp0';
  const ou = {
    security: 'ou-exp0-security',
    workloads: 'ou-exp0-workload',
    prod: 'ou-exp0-prod0001',
    payments: 'ou-exp0-payments',
    dev: 'ou-exp0-dev00001',
    suspended: 'ou-exp0-suspendd',
  };
  const account = (
    n: number,
    name: string,
    parentId: string,
    extra: Partial<AccountInput> = {},
  ): AccountInput => ({
    id: id(n),
    name,
    email: `aws+${name.toLowerCase()}@exposed.example.com`,
    joinedTimestamp: `now-${900 - n * 40}d`,
    parentId,
    ...extra,
  });
  const virtual = (n: number, name = 'root-account-mfa-device') => ({
    serialNumber: `arn:aws:iam::${id(n)}:mfa/${name}`,
    enableDate: 'now-300d',
  });
  const fido = (n: number) => ({
    serialNumber: `arn:aws:iam::${id(n)}:u2f/root/YubiKey-R7F2KQ`,
    enableDate: 'now-120d',
  });
  const hardware = (serial: string) => ({ serialNumber: serial, enableDate: 'now-500d' });
  const lockedBucket = 'exposed-locked-audit-logs';
  return {
    name: 'exposed',
    description:
      'A varied mix of exposed root users across nested OUs, with locked resources and non-active accounts.',
    organization: {
      id: 'o-exp0sed000',
      managementAccountId: management,
      rootId: root,
      trustedAccess: [
        { servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-200d' },
        { servicePrincipal: 'sso.amazonaws.com', dateEnabled: 'now-700d' },
      ],
      delegatedAdministrators: [
        { accountId: id(1), servicePrincipal: 'iam.amazonaws.com', delegationEnabledDate: 'now-199d' },
        {
          accountId: id(1),
          servicePrincipal: 'securityhub.amazonaws.com',
          delegationEnabledDate: 'now-600d',
        },
      ],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      emptyPageEvery: 2,
      organizationalUnits: [
        { id: ou.security, name: 'Security', parentId: root },
        { id: ou.workloads, name: 'Workloads', parentId: root },
        { id: ou.prod, name: 'Prod', parentId: ou.workloads },
        { id: ou.payments, name: 'Payments', parentId: ou.prod },
        { id: ou.dev, name: 'Dev', parentId: ou.workloads },
        { id: ou.suspended, name: 'Suspended', parentId: root },
      ],
      policies: [
        {
          // AWS's sample (aws-samples/service-control-policy-examples): root sessions stay allowed.
          id: 'p-exp0denyrootexc',
          name: 'DenyRootUserExceptRootSessions',
          description: "AWS's sample deny-root SCP with the aws:AssumedRoot exemption",
          content: awsSampleDenyRootScp(),
          targets: [root],
        },
        {
          // The same guardrail written without the exemption: every root session of ScpLocked is refused.
          id: 'p-exp0denyrootall',
          name: 'DenyRootUser',
          description: 'Deny-root SCP without the aws:AssumedRoot exemption',
          content: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyRootUser',
                Effect: 'Deny',
                Action: '*',
                Resource: '*',
                Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
              },
            ],
          },
          targets: [id(12)],
        },
      ],
    },
    accounts: [
      account(0, 'Management', root, {
        rootUser: {
          passwordLastUsed: 'now-20d',
          loginProfile: { createDate: 'now-900d' },
          mfaDevices: [hardware('GAHT30000000')],
        },
      }),
      account(1, 'Security', ou.security),
      account(2, 'LogArchive', ou.security, {
        rootUser: { passwordLastUsed: 'now-400d', loginProfile: { createDate: 'now-800d' } },
      }),
      account(3, 'Payments', ou.payments, {
        rootUser: {
          passwordLastUsed: 'now-3d',
          loginProfile: { createDate: 'now-700d' },
          accessKeys: [
            {
              accessKeyId: 'AKIAEXPOSED0000003A1',
              status: 'Active',
              createDate: 'now-600d',
              lastUsed: { date: 'now-2d', serviceName: 's3', region: 'eu-west-1' },
            },
            { accessKeyId: 'AKIAEXPOSED0000003B2', status: 'Inactive', createDate: 'now-100d' },
          ],
          mfaDevices: [virtual(3)],
        },
      }),
      account(4, 'WebFrontend', ou.prod, {
        rootUser: {
          passwordLastUsed: 'now-150d',
          loginProfile: { createDate: 'now-650d' },
          signingCertificates: [
            { certificateId: 'EXPOSEDCERT000000000000000004A', status: 'Active', uploadDate: 'now-400d' },
          ],
          mfaDevices: [fido(4)],
        },
      }),
      account(5, 'DevSandbox', ou.dev, {
        rootUser: {
          accessKeys: [{ accessKeyId: 'AKIAEXPOSED0000005A1', status: 'Active', createDate: 'now-30d' }],
        },
      }),
      account(6, 'DevData', ou.dev, {
        rootUser: {
          passwordLastUsed: 'now-10d',
          loginProfile: { createDate: 'now-500d' },
          mfaDevices: [virtual(6, 'Authapp'), virtual(6, 'Backup')],
        },
      }),
      account(7, 'SharedServices', ou.workloads, {
        rootUser: {
          passwordLastUsed: 'now-45d',
          loginProfile: { createDate: 'now-600d', passwordResetRequired: true },
          accessKeys: [
            {
              accessKeyId: 'AKIAEXPOSED0000007A1',
              status: 'Inactive',
              createDate: 'now-550d',
              lastUsed: { date: 'now-200d', serviceName: 'ec2', region: 'us-west-2' },
            },
          ],
          signingCertificates: [
            { certificateId: 'EXPOSEDCERT000000000000000007A', status: 'Inactive', uploadDate: 'now-540d' },
          ],
          mfaDevices: [hardware('GAKT30000007')],
        },
      }),
      account(8, 'Legacy', ou.suspended, {
        state: 'SUSPENDED',
        rootUser: {
          accessKeys: [{ accessKeyId: 'AKIAEXPOSED0000008A1', status: 'Active', createDate: 'now-800d' }],
        },
      }),
      account(9, 'Closed', ou.suspended, { state: 'CLOSED' }),
      account(10, 'Closing', ou.suspended, {
        state: 'PENDING_CLOSURE',
        rootUser: { loginProfile: { createDate: 'now-300d' } },
      }),
      account(11, 'LockedData', ou.prod, {
        buckets: [
          { name: lockedBucket, policy: denyAllBucketPolicy(lockedBucket) },
          { name: 'exposed-open-reports' },
        ],
        queues: [
          { name: 'locked-events', policy: denyAllQueuePolicy('us-east-1', id(11), 'locked-events') },
          { name: 'open-events' },
        ],
      }),
      account(12, 'ScpLocked', ou.workloads, {
        rootUser: { passwordLastUsed: 'now-60d', loginProfile: { createDate: 'now-400d' } },
      }),
      account(13, 'Acquired', root, {
        joinedMethod: 'INVITED',
        rootUser: { passwordLastUsed: 'now-1d', loginProfile: { createDate: 'now-1200d' } },
      }),
    ],
    principals: standardPrincipals('EXPO', { management, delegatedAdmin: id(1), member: id(5) }),
  };
}

/**
 * What a real organization hits first (issue 9): a least-privilege role in the IAM delegated-admin
 * account (`least-privilege`: sts:AssumeRoot, iam:ListOrganizationsFeatures,
 * organizations:DescribeOrganization and organizations:ListAccounts only, as unicrons/aws-root-manager
 * audits), an account AssumeRoot alone refuses with "Service not enabled for AWS Organizations.",
 * a root user with 8 MFA devices of every kind, a bucket in another region than the scenario's, a
 * locked queue, and STS deactivated in ap-east-1 for the management and delegated-admin accounts.
 */
export function realWorldScenario(): ScenarioInput {
  const management = '400000000000';
  const delegatedAdmin = '400000000001';
  const id = (n: number) => `4000000000${String(n).padStart(2, '0')}`;
  const ou = 'ou-rw01-workload1';
  const mfa = (n: number) => `now-${10 + n}d`;
  return {
    name: 'real-world',
    description:
      'A least-privilege delegated-admin role, a per-account AssumeRoot refusal, 8 mixed MFA devices, a bucket in another region, STS off in ap-east-1.',
    region: 'us-east-1',
    organization: {
      id: 'o-realworld1',
      managementAccountId: management,
      rootId: 'r-rw01',
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-100d' }],
      delegatedAdministrators: [
        {
          accountId: delegatedAdmin,
          servicePrincipal: 'iam.amazonaws.com',
          delegationEnabledDate: 'now-99d',
        },
      ],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      organizationalUnits: [{ id: ou, name: 'Workloads', parentId: 'r-rw01' }],
    },
    accounts: [
      {
        id: management,
        name: 'Management',
        email: 'aws@realworld.example.com',
        joinedTimestamp: 'now-1000d',
        stsDisabledRegions: ['ap-east-1'],
      },
      {
        id: delegatedAdmin,
        name: 'Security',
        email: 'aws+security@realworld.example.com',
        joinedTimestamp: 'now-900d',
        stsDisabledRegions: ['ap-east-1'],
      },
      {
        id: id(2),
        name: 'Refused',
        email: 'aws+refused@realworld.example.com',
        joinedTimestamp: 'now-20d',
        parentId: ou,
        assumeRootServiceNotEnabled: true,
        rootUser: { loginProfile: { createDate: 'now-20d' } },
      },
      {
        id: id(3),
        name: 'ManyMfa',
        email: 'aws+mfa@realworld.example.com',
        joinedTimestamp: 'now-800d',
        parentId: ou,
        rootUser: {
          loginProfile: { createDate: 'now-700d' },
          // Up to 8 MFA devices of mixed kinds per root user
          // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html).
          mfaDevices: [
            { serialNumber: `arn:aws:iam::${id(3)}:u2f/root/passkey-laptop-A1B2C3`, enableDate: mfa(1) },
            { serialNumber: `arn:aws:iam::${id(3)}:u2f/root/yubikey-5-D4E5F6`, enableDate: mfa(2) },
            { serialNumber: 'GAHT12345678', enableDate: mfa(3) },
            { serialNumber: 'GAKT87654321', enableDate: mfa(4) },
            { serialNumber: `arn:aws:iam::${id(3)}:mfa/root-account-mfa-device`, enableDate: mfa(5) },
            { serialNumber: `arn:aws:iam::${id(3)}:mfa/authenticator-phone`, enableDate: mfa(6) },
            { serialNumber: `arn:aws:iam::${id(3)}:u2f/root/passkey-phone-G7H8I9`, enableDate: mfa(7) },
            { serialNumber: `arn:aws:iam::${id(3)}:mfa/backup-tablet`, enableDate: mfa(8) },
          ],
        },
      },
      {
        id: id(4),
        name: 'Data',
        email: 'aws+data@realworld.example.com',
        joinedTimestamp: 'now-600d',
        parentId: ou,
        rootUser: {
          accessKeys: [{ accessKeyId: 'AKIAREALWORLD0000004', status: 'Inactive', createDate: 'now-500d' }],
        },
        buckets: [
          {
            name: 'realworld-eu-data',
            region: 'eu-west-1',
            policy: denyAllBucketPolicy('realworld-eu-data'),
          },
        ],
        queues: [
          { name: 'realworld-jobs', policy: denyAllQueuePolicy('us-east-1', id(4), 'realworld-jobs') },
        ],
      },
      { id: id(5), name: 'Clean', email: 'aws+clean@realworld.example.com', joinedTimestamp: 'now-30d' },
    ],
    principals: [
      ...standardPrincipals('REAL', { management, delegatedAdmin, member: id(5) }),
      {
        name: 'least-privilege',
        accountId: delegatedAdmin,
        type: 'role',
        userName: 'RootAuditor',
        roleSessionName: 'auditor',
        accessKeyId: 'ASIAEXAMPLEREALLEAST',
        secretAccessKey: 'sandbox/real/least-privilege/NOT-A-REAL-SECRET',
        sessionToken: 'sandbox-static-role-session-token/real/least-privilege/NOT-A-REAL-TOKEN',
        allow: [
          'sts:AssumeRoot',
          'iam:ListOrganizationsFeatures',
          'organizations:DescribeOrganization',
          'organizations:ListAccounts',
        ],
      },
    ],
  };
}

export const builtInScenarios = {
  blog: blogScenario,
  clean: cleanScenario,
  exposed: exposedScenario,
  'real-world': realWorldScenario,
} as const;
