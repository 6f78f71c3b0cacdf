import { createRandom } from '../util/random.js';
import { awsSampleDenyRootScp, randomPolicies } from './generated-policies.js';
import { standardPrincipals } from './principals.js';
import type { AccountScenario, Scenario } from './schema.js';

export interface GenerateOptions {
  /** Accounts in the organization, the management account included. */
  accounts: number;
  seed?: number;
  /**
   * `realistic` (default): AWS's sample deny-root SCP (with its root-session exemption) on the root,
   * and about 1% of accounts under a deny-root SCP without it. `random`: random SCPs and RCPs on
   * random targets, allow-list OUs, and a bucket and queue in every member account.
   */
  policies?: 'realistic' | 'random';
}

const STATES = [
  [0.02, 'SUSPENDED'],
  [0.01, 'CLOSED'],
  [0.005, 'PENDING_CLOSURE'],
] as const;

/**
 * A large realistic organization, reproducible from its seed. Built directly in the validated shape
 * (no schema pass) so 10,000 accounts take milliseconds. Dates are relative to the sandbox clock.
 */
export function generateScenario(options: GenerateOptions): Scenario {
  const count = Math.max(1, Math.floor(options.accounts));
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const id = (n: number) => String(400000000000 + n);
  const management = id(0);
  const rootId = 'r-gen0';
  const orgSuffix = seed.toString(36).padStart(6, '0').slice(-6);

  const ouCount = Math.min(1000, Math.max(1, Math.ceil(count / 25)));
  const ous: Scenario['organization']['organizationalUnits'] = [];
  const depth: number[] = [];
  const ouNames = [
    'Workloads',
    'Prod',
    'Dev',
    'Sandbox',
    'Security',
    'Infrastructure',
    'Data',
    'Payments',
    'Platform',
    'Analytics',
  ];
  for (let i = 0; i < ouCount; i += 1) {
    // Parents come from earlier OUs only (no cycles); depth stays at most 4 like typical landing zones.
    let parentIndex = i < 4 ? -1 : random.int(i + 2) - 2;
    if (parentIndex >= 0 && (depth[parentIndex] ?? 0) >= 4) parentIndex = -1;
    const parentId = parentIndex < 0 ? rootId : (ous[parentIndex]?.id ?? rootId);
    depth.push(parentIndex < 0 ? 1 : (depth[parentIndex] ?? 0) + 1);
    ous.push({ id: `ou-gen0-${String(i).padStart(8, '0')}`, name: `${random.pick(ouNames)}-${i}`, parentId });
  }

  const daysAgo = (max: number, min = 0) => `now-${min + random.int(max - min)}d`;
  const accounts: AccountScenario[] = [];
  for (let n = 0; n < count; n += 1) {
    const accountId = id(n);
    const joinedDays = 30 + random.int(2500);
    let state: AccountScenario['state'] = 'ACTIVE';
    if (n > 1) {
      const roll = random.next();
      let acc = 0;
      for (const [p, s] of STATES) {
        acc += p;
        if (roll < acc) {
          state = s;
          break;
        }
      }
    }
    const rootUser: AccountScenario['rootUser'] = { accessKeys: [], signingCertificates: [], mfaDevices: [] };
    if (random.chance(0.6)) rootUser.passwordLastUsed = daysAgo(joinedDays);
    if (n === 0 || random.chance(0.35)) {
      rootUser.loginProfile = { createDate: `now-${joinedDays}d`, passwordResetRequired: false };
      if (random.chance(0.55)) {
        const kind = random.next();
        rootUser.mfaDevices.push({
          serialNumber:
            kind < 0.6
              ? `arn:aws:iam::${accountId}:mfa/root-account-mfa-device`
              : kind < 0.85
                ? `GAHT${String(n).padStart(8, '0')}`
                : `arn:aws:iam::${accountId}:u2f/root/SecurityKey-${n.toString(36).toUpperCase()}`,
          enableDate: daysAgo(joinedDays),
        });
      }
    }
    if (n > 0 && random.chance(0.15)) {
      const keys = random.chance(0.25) ? 2 : 1;
      for (let k = 0; k < keys; k += 1) {
        rootUser.accessKeys.push({
          accessKeyId: `AKIAGEN${String(n).padStart(11, '0')}K${k}`,
          status: random.chance(0.7) ? 'Active' : 'Inactive',
          createDate: daysAgo(joinedDays),
          ...(random.chance(0.6)
            ? {
                lastUsed: {
                  date: daysAgo(400),
                  serviceName: random.pick(['s3', 'ec2', 'iam', 'sts']),
                  region: random.pick(['us-east-1', 'eu-west-1', 'ap-northeast-1']),
                },
              }
            : {}),
        });
      }
    }
    if (n > 0 && random.chance(0.04)) {
      rootUser.signingCertificates.push({
        certificateId: `GENCERT${String(n).padStart(17, '0')}`,
        status: random.chance(0.8) ? 'Active' : 'Inactive',
        uploadDate: daysAgo(joinedDays),
      });
    }
    const account: AccountScenario = {
      id: accountId,
      name: n === 0 ? 'Management' : n === 1 ? 'Security' : `account-${String(n).padStart(5, '0')}`,
      email: `aws+${n}@generated.example.com`,
      state,
      joinedMethod: n > 0 && random.chance(0.2) ? 'INVITED' : 'CREATED',
      joinedTimestamp: `now-${joinedDays}d`,
      scpDeniesRootSession: n > 1 && random.chance(0.01),
      rootUser,
      buckets: [],
      queues: [],
    };
    if (n > 0 && random.chance(0.9)) account.parentId = ous[random.int(ous.length)]?.id ?? rootId;
    if (n > 1 && random.chance(0.03)) {
      const name = `generated-${accountId}-data`;
      account.buckets.push(
        random.chance(0.4) ? { name, policy: denyAll('s3:*', `arn:aws:s3:::${name}`) } : { name },
      );
    }
    if (n > 1 && random.chance(0.03)) {
      account.queues.push(
        random.chance(0.4)
          ? { name: 'events', policy: denyAll('sqs:*', `arn:aws:sqs:us-east-1:${accountId}:events`) }
          : { name: 'events' },
      );
    }
    accounts.push(account);
  }

  const orgId = `o-gen${orgSuffix}0`.slice(0, 12).padEnd(12, '0');
  const randomMode = options.policies === 'random';
  if (randomMode) {
    for (const account of accounts.slice(1)) {
      account.scpDeniesRootSession = false;
      const bucket = `random-${account.id}`;
      if (!account.buckets.some((b) => b.name === bucket)) account.buckets.push({ name: bucket });
      const queue = random.chance(0.5) ? 'prod-events' : 'audit-events';
      if (!account.queues.some((q) => q.name === queue)) account.queues.push({ name: queue });
    }
  }
  const orgPolicies = randomMode
    ? randomPolicies(
        random,
        orgId,
        rootId,
        ous.map((ou) => ou.id),
        accounts.slice(1).map((a) => a.id),
      )
    : {
        policies: [
          {
            id: 'p-awssampledenyroot',
            name: 'DenyRootUserExceptRootSessions',
            description: "AWS's sample deny-root SCP with the aws:AssumedRoot exemption",
            type: 'SERVICE_CONTROL_POLICY' as const,
            content: awsSampleDenyRootScp(),
            targets: [rootId],
          },
        ],
        fullAwsAccessDetachedFrom: [],
      };

  const delegatedAdmin = count > 1 ? id(1) : undefined;
  const principals = standardPrincipals('GENR', {
    management,
    delegatedAdmin: delegatedAdmin ?? management,
    member: count > 2 ? id(2) : management,
  }).map((p) => ({ ...p, allow: p.allow ?? ['*'], type: p.type ?? 'user' })) as Scenario['principals'];

  return {
    name: `generated:${count}:${seed}${randomMode ? ':random-policies' : ''}`,
    description: `A generated organization of ${count} accounts (seed ${seed}).`,
    region: 'us-east-1',
    organization: {
      id: orgId,
      managementAccountId: management,
      featureSet: 'ALL',
      rootId,
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-365d' }],
      delegatedAdministrators: delegatedAdmin
        ? [
            {
              accountId: delegatedAdmin,
              servicePrincipal: 'iam.amazonaws.com',
              delegationEnabledDate: 'now-364d',
            },
          ]
        : [],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      organizationalUnits: ous,
      emptyPageEvery: 5,
      entityPaths: true,
      enabledPolicyTypes: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'],
      ...orgPolicies,
    },
    accounts,
    principals,
  };
}

function denyAll(action: string, resource: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyEveryone', Effect: 'Deny', Principal: '*', Action: action, Resource: resource }],
  };
}
