import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { generateScenario, type Sandbox, type ScenarioInput } from '@rootwarden/aws-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/domain/events.js';
import type { PolicyCheck, PolicyTask } from '../src/domain/policy-check.js';
import { CoreError } from '../src/errors.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

const MGMT = '100000000000';
const PROD = '100000000001';
const DEV = '100000000002';
const ROOT = 'r-pol0';
const OU_PROD = 'ou-pol0-prod0000';
const OU_DEV = 'ou-pol0-dev00000';
const ROOT_ARN = { 'aws:PrincipalArn': 'arn:aws:iam::*:root' };

/** AWS's sample SCP (aws-samples/service-control-policy-examples, Privileged-access-controls). */
const AWS_SAMPLE = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: ROOT_ARN, Null: { 'aws:AssumedRoot': 'true' } },
    },
  ],
};

function scenario(
  policies: NonNullable<ScenarioInput['organization']['policies']>,
  extra: Partial<ScenarioInput['organization']> = {},
  principals: ScenarioInput['principals'] = [],
): ScenarioInput {
  return {
    name: 'policies',
    organization: {
      id: 'o-pol0000000',
      managementAccountId: MGMT,
      rootId: ROOT,
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-10d' }],
      rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      organizationalUnits: [
        { id: OU_PROD, name: 'Prod', parentId: ROOT },
        { id: OU_DEV, name: 'Dev', parentId: ROOT },
      ],
      policies,
      ...extra,
    },
    accounts: [
      { id: MGMT, name: 'Management', email: 'mgmt@example.com', joinedTimestamp: 'now-100d' },
      {
        id: PROD,
        name: 'Prod',
        email: 'prod@example.com',
        joinedTimestamp: 'now-90d',
        parentId: OU_PROD,
        rootUser: { loginProfile: { createDate: 'now-80d' } },
        buckets: [{ name: 'prod-logs' }],
      },
      { id: DEV, name: 'Dev', email: 'dev@example.com', joinedTimestamp: 'now-90d', parentId: OU_DEV },
    ],
    principals: [
      {
        name: 'management',
        accountId: MGMT,
        userName: 'admin',
        accessKeyId: 'AKIAEXAMPLEPOLMGMT00',
        secretAccessKey: 'sandbox/policies/mgmt/NOT-A-REAL-SECRET',
        default: true,
      },
      ...principals,
    ],
  };
}

/** A management-account user allowed only `allow` (the sandbox's least-privilege principals). */
const leastPrivilegeCaller = (name: string, key: string, allow: string[]) => ({
  name,
  accountId: MGMT,
  userName: name,
  accessKeyId: key,
  secretAccessKey: `sandbox/policies/${name}/NOT-A-REAL-SECRET`,
  allow,
});

/** Root sessions, STS and IAM, and Organizations' listings and descriptions: all but the policies. */
const LISTING_PERMISSIONS = [
  'sts:*',
  'iam:*',
  'organizations:DescribeOrganization',
  'organizations:DescribeAccount',
  'organizations:ListAccounts',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListChildren',
  'organizations:ListParents',
  'organizations:ListAccountsForParent',
];

/** An SCP that denies root users everything, without the `aws:AssumedRoot` exemption. */
const DENY_ROOT = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'DenyRoot', Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnLike: ROOT_ARN } },
  ],
};

const verdict = (check: PolicyCheck, accountId: string, task: PolicyTask) =>
  check.accounts.find((a) => a.accountId === accountId)?.tasks.find((t) => t.task === task);

let fixture: SandboxFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function check(input: ScenarioInput, principal?: string, home?: string) {
  fixture = await startSandbox({ scenario: input });
  const engine = fixture.engine({ ...(principal ? { principal } : {}), ...(home ? { home } : {}) });
  return { result: await engine.checkPolicies(), sandbox: fixture.sandbox, engine };
}

/** What the sandbox does: a real root session of `accountId` calling iam:GetUser. */
async function auditCallRefused(sandbox: Sandbox, url: string, accountId: string): Promise<boolean> {
  const { STSClient, AssumeRootCommand } = await import('@aws-sdk/client-sts');
  const who = sandbox.managementPrincipal();
  const sts = new STSClient({ region: 'us-east-1', endpoint: url, credentials: who });
  const { Credentials } = await sts.send(
    new AssumeRootCommand({
      TargetPrincipal: accountId,
      TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' },
    }),
  );
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    },
  });
  try {
    await iam.send(new GetUserCommand({}));
    return false;
  } catch (error) {
    if ((error as { name?: string }).name === 'AccessDenied') return true;
    throw error;
  } finally {
    sts.destroy();
    iam.destroy();
  }
}

describe('policies check against the sandbox', () => {
  it("AWS's sample deny-root SCP with its aws:AssumedRoot exemption allows every task", async () => {
    const { result, sandbox } = await check(
      scenario([
        { id: 'p-awssample0', name: 'DenyRootExceptSessions', content: AWS_SAMPLE, targets: [ROOT] },
      ]),
    );
    expect(result.available).toBe(true);
    expect(result.enabledPolicyTypes).toEqual(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']);
    for (const account of result.accounts)
      expect(account.tasks.map((t) => t.verdict)).toEqual(Array(5).fill('allowed'));
    expect(await auditCallRefused(sandbox, fixture?.url ?? '', PROD)).toBe(false);
    // The accounts were not listed one by one: policies and their targets were, and the one level (the
    // root) whose listed SCP only denies was read to learn whether FullAWSAccess is there too.
    const policyCalls = sandbox.admin.calls({ service: 'organizations' }).map((c) => c.operation);
    expect(policyCalls.filter((op) => op === 'ListPoliciesForTarget')).toHaveLength(1);
    expect(policyCalls.filter((op) => op === 'ListTargetsForPolicy')).toHaveLength(1);
    expect(policyCalls.filter((op) => op === 'DescribePolicy')).toHaveLength(3);
  });

  it('the same SCP without the exemption blocks, names policy and statement, and suggests the fix', async () => {
    const { result, sandbox } = await check(
      scenario([{ id: 'p-denyroot00', name: 'DenyRoot', content: DENY_ROOT, targets: [OU_PROD] }]),
    );
    const audit = verdict(result, PROD, 'audit');
    expect(audit).toMatchObject({
      verdict: 'blocked',
      blockers: [
        {
          kind: 'explicit-deny',
          policyType: 'SERVICE_CONTROL_POLICY',
          policy: { id: 'p-denyroot00', name: 'DenyRoot' },
          target: { id: OU_PROD, name: 'Prod', type: 'ORGANIZATIONAL_UNIT' },
          statement: 'DenyRoot',
        },
      ],
    });
    expect(JSON.parse(audit?.blockers[0]?.suggestedStatement ?? '{}').Condition).toEqual({
      ArnLike: ROOT_ARN,
      Null: { 'aws:AssumedRoot': 'true' },
    });
    expect(verdict(result, DEV, 'audit')?.verdict).toBe('allowed');
    expect(result.groups).toContainEqual(
      expect.objectContaining({
        task: 'audit',
        policy: { id: 'p-denyroot00', name: 'DenyRoot' },
        accounts: 1,
      }),
    );
    expect(await auditCallRefused(sandbox, fixture?.url ?? '', PROD)).toBe(true);
    expect(await auditCallRefused(sandbox, fixture?.url ?? '', DEV)).toBe(false);
  });

  it('an allow-list SCP without iam:* blocks the IAM tasks, not the S3 unlock', async () => {
    const allowList = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }],
    };
    const { result, sandbox } = await check(
      scenario([{ id: 'p-allowlist0', name: 'AllowList', content: allowList, targets: [OU_DEV] }], {
        fullAwsAccessDetachedFrom: [OU_DEV],
      }),
    );
    expect(verdict(result, DEV, 'audit')).toMatchObject({
      verdict: 'blocked',
      blockers: [{ kind: 'no-allow', target: { id: OU_DEV, name: 'Dev' }, policy: null }],
    });
    expect(verdict(result, DEV, 'unlock-s3-bucket-policy')?.verdict).toBe('allowed');
    expect(verdict(result, PROD, 'audit')?.verdict).toBe('allowed');
    expect(await auditCallRefused(sandbox, fixture?.url ?? '', DEV)).toBe(true);
  });

  it("Landing Zone Accelerator's NotAction deny-root blocks the audit", async () => {
    const lza = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyRootUser',
          Effect: 'Deny',
          NotAction: [
            'iam:CreateVirtualMFADevice',
            'iam:EnableMFADevice',
            'iam:GetUser',
            'iam:ListMFADevices',
          ],
          Resource: '*',
          Condition: { StringLike: ROOT_ARN },
        },
      ],
    };
    const { result } = await check(
      scenario([{ id: 'p-lzaroot000', name: 'LzaDenyRoot', content: lza, targets: [ROOT] }]),
    );
    const audit = verdict(result, PROD, 'audit');
    expect(audit?.verdict).toBe('blocked');
    expect(audit?.blockers[0]?.actions).toEqual([
      'iam:GetLoginProfile',
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:ListSigningCertificates',
    ]);
  });

  it('an RCP on S3 blocks the bucket unlock only', async () => {
    const rcp = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoRootSessionsOnS3',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:AssumedRoot': 'true' } },
        },
      ],
    };
    const { result, engine } = await check(
      scenario([
        {
          id: 'p-rcps30000',
          name: 'NoRootOnS3',
          type: 'RESOURCE_CONTROL_POLICY',
          content: rcp,
          targets: [PROD],
        },
      ]),
      undefined,
      mkdtempSync(join(tmpdir(), 'rootwarden-policies-')),
    );
    expect(verdict(result, PROD, 'unlock-s3-bucket-policy')).toMatchObject({
      verdict: 'blocked',
      blockers: [
        { kind: 'explicit-deny', policyType: 'RESOURCE_CONTROL_POLICY', statement: 'NoRootSessionsOnS3' },
      ],
    });
    expect(verdict(result, PROD, 'audit')?.verdict).toBe('allowed');
    // What the sandbox then does: planning the unlock reads the bucket policy in an S3 root session.
    await expect(
      engine.createPlan({ task: 'unlock-s3-bucket-policy', account: PROD, bucket: 'prod-logs' }),
    ).rejects.toMatchObject({ code: 'AWS_ACCESS_DENIED' });
  });

  it('says what permission is missing when the caller may not read policies, and nothing else', async () => {
    const input = scenario([], {}, [
      leastPrivilegeCaller('no-list', 'AKIAEXAMPLEPOLNOLIST', LISTING_PERMISSIONS),
      leastPrivilegeCaller('no-describe', 'AKIAEXAMPLEPOLNODESC', [
        ...LISTING_PERMISSIONS,
        'organizations:ListPolicies',
      ]),
    ]);
    const { result } = await check(input, 'no-list');
    expect(result).toMatchObject({
      available: false,
      unavailable: { missingPermission: 'organizations:ListPolicies' },
      accounts: [],
    });
    await fixture?.close();
    fixture = undefined;
    const second = await check(input, 'no-describe');
    expect(second.result.unavailable?.missingPermission).toBe('organizations:DescribePolicy');
  });

  it('an unparsable policy is "cannot decide", never allowed', async () => {
    const { result } = await check(
      scenario([
        {
          id: 'p-unreadab0',
          name: 'Garbled',
          content: '{"Statement": [{"Effect": "Deny"}]}',
          targets: [OU_PROD],
        },
      ]),
    );
    expect(verdict(result, PROD, 'audit')).toMatchObject({
      verdict: 'cannot-decide',
      blockers: [{ kind: 'cannot-decide', policy: { id: 'p-unreadab0' } }],
    });
  });
});

describe('audit and plan name the policy', () => {
  it('audit: a refused account stays unknown, with the SCP named instead of a bare AccessDenied', async () => {
    fixture = await startSandbox({ scenario: 'exposed' });
    const report = await fixture.engine().audit({ accounts: ['300000000012', '300000000003'] });
    const locked = report.accounts.find((a) => a.accountId === '300000000012');
    expect(locked).toMatchObject({ status: 'unknown', error: { code: 'AWS_ACCESS_DENIED' } });
    expect(locked?.error?.message).toContain('SCP "DenyRootUser" (p-exp0denyrootall) attached to ScpLocked');
    expect(locked?.error?.message).toContain('statement DenyRootUser');
    expect(report.accounts.find((a) => a.accountId === '300000000003')?.status).not.toBe('unknown');
  });

  it.each([false, true])(
    'audit (streamResults %s): the streamed events of a refused account name the SCP as the report does',
    async (streamResults) => {
      fixture = await startSandbox({ scenario: 'exposed' });
      const events: EngineEvent[] = [];
      const report = await fixture
        .engine()
        .audit({}, { streamResults, onEvent: (event) => events.push(event) });
      const audited = events.filter((e) => e.type === 'account-audited' && e.accountId === '300000000012');
      const done = events.flatMap((e) =>
        e.type === 'account-done' && e.result.accountId === '300000000012' ? [e.result] : [],
      );
      const message = done[0]?.error?.message;
      expect(message).toContain(
        'SCP "DenyRootUser" (p-exp0denyrootall) attached to ScpLocked (300000000012), statement DenyRootUser',
      );
      expect(audited).toEqual([
        expect.objectContaining({ status: 'unknown', error: { code: 'AWS_ACCESS_DENIED', message } }),
      ]);
      expect(done).toHaveLength(1);
      if (!streamResults)
        expect(report.accounts.find((a) => a.accountId === '300000000012')?.error?.message).toBe(message);
      // The others carry no error.
      for (const event of events)
        if (event.type === 'account-audited' && event.status !== 'unknown')
          expect(event).not.toHaveProperty('error');
    },
  );

  it('plan: accounts the policies will refuse are listed as warnings before anyone applies', async () => {
    const protect = {
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
    };
    const { engine } = await check(
      scenario([{ id: 'p-protectlp0', name: 'ProtectLoginProfiles', content: protect, targets: [OU_PROD] }]),
      undefined,
      mkdtempSync(join(tmpdir(), 'rootwarden-policies-')),
    );
    const plan = await engine.createPlan({ task: 'delete-root-credentials', accounts: [PROD] });
    expect(plan.actions.map((a) => a.kind)).toContain('delete-login-profile');
    // The OU is named as `policies check` and the audit name it (the account's Path holds only ids).
    expect(plan.notes.join('\n')).toContain(
      `the organization's policies will refuse delete-root-credentials in ${PROD} (Prod): SCP "ProtectLoginProfiles" (p-protectlp0) attached to Prod (${OU_PROD}), statement ProtectLoginProfiles`,
    );
    // AWS agrees when it is applied anyway.
    const result = await engine.applyPlan(plan.planId);
    expect(result.actions.find((a) => a.actionId.includes('delete-login-profile'))?.outcome).toBe('failed');
  });

  it("plan: an account whose root session AWS refuses to read is an error naming the SCP and OU, as the audit's", async () => {
    const { engine } = await check(
      scenario([{ id: 'p-denyroot00', name: 'DenyRoot', content: DENY_ROOT, targets: [OU_PROD] }]),
      undefined,
      mkdtempSync(join(tmpdir(), 'rootwarden-policies-')),
    );
    const audited = await engine.audit({ accounts: [PROD] }, { save: false });
    const auditMessage = audited.accounts.find((account) => account.accountId === PROD)?.error?.message;
    expect(auditMessage).toMatch(/^Refused by the organization's policies: SCP "DenyRoot" \(p-denyroot00\)/);
    const error = (await engine
      .createPlan({ task: 'delete-root-credentials', accounts: [PROD] })
      .catch((caught: unknown) => caught)) as CoreError;
    expect(error).toBeInstanceOf(CoreError);
    expect(error.code).toBe('AWS_ACCESS_DENIED');
    expect(error.message).toBe(`Account ${PROD}: ${auditMessage}`);
    expect(error.message).toContain(`attached to Prod (${OU_PROD}), statement DenyRoot`);
    expect(error.fix).toContain(`rootwarden policies check --account ${PROD}`);
    expect(error.details).toMatchObject({ accountId: PROD });
  }, 60_000);

  it('plan: an allow-list SCP that refuses the reading is named, with its OU', async () => {
    const storageOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }],
    };
    const { engine } = await check(
      scenario([{ id: 'p-storageonly', name: 'StorageOnly', content: storageOnly, targets: [OU_PROD] }], {
        fullAwsAccessDetachedFrom: [OU_PROD],
      }),
      undefined,
      mkdtempSync(join(tmpdir(), 'rootwarden-policies-')),
    );
    const error = (await engine
      .createPlan({ task: 'delete-root-credentials', accounts: [PROD] })
      .catch((caught: unknown) => caught)) as CoreError;
    expect(error.code).toBe('AWS_ACCESS_DENIED');
    expect(error.message).toContain(`no SCP attached to Prod (${OU_PROD}) allows iam:GetUser`);
  }, 60_000);

  it("plan: a caller who may not read the policies gets AWS's refusal; one who may not describe OUs still gets the policy", async () => {
    const readsPolicies = [
      'organizations:ListPolicies',
      'organizations:DescribePolicy',
      'organizations:ListTargetsForPolicy',
      'organizations:ListPoliciesForTarget',
    ];
    const input = scenario(
      [{ id: 'p-denyroot00', name: 'DenyRoot', content: DENY_ROOT, targets: [OU_PROD] }],
      {},
      [
        leastPrivilegeCaller('no-policies', 'AKIAEXAMPLEPOLNOPOLS', LISTING_PERMISSIONS),
        leastPrivilegeCaller('no-ou-names', 'AKIAEXAMPLEPOLNOOUNM', [
          ...LISTING_PERMISSIONS,
          ...readsPolicies,
        ]),
      ],
    );
    const plan = async (principal: string) => {
      const { engine } = await check(input, principal, mkdtempSync(join(tmpdir(), 'rootwarden-policies-')));
      const error = (await engine
        .createPlan({ task: 'delete-root-credentials', accounts: [PROD] })
        .catch((caught: unknown) => caught)) as CoreError;
      await fixture?.close();
      fixture = undefined;
      return error;
    };
    const unexplained = await plan('no-policies');
    expect(unexplained).toBeInstanceOf(CoreError);
    expect(unexplained.code).toBe('AWS_ACCESS_DENIED');
    expect(unexplained.message).not.toContain('Refused by the organization');
    expect(unexplained.message).toContain(PROD);
    // DescribeOrganizationalUnit refused: the explanation stays (the policy's target listing names the OU).
    const explained = await plan('no-ou-names');
    expect(explained.code).toBe('AWS_ACCESS_DENIED');
    expect(explained.message).toContain(`SCP "DenyRoot" (p-denyroot00) attached to Prod (${OU_PROD})`);
  }, 60_000);
});

describe('prediction equals what the sandbox does', () => {
  it('for every account and task of a generated 1,000-account organization with random policies', async () => {
    const generated = generateScenario({ accounts: 1000, seed: 12, policies: 'random' });
    // Allow-lists and deny-only SCPs on accounts, with and without FullAWSAccess beside them.
    const detached = new Set(generated.organization.fullAwsAccessDetachedFrom);
    for (const id of ['p-genallowlist1', 'p-gendenyonly0']) {
      const targets = generated.organization.policies.find((p) => p.id === id)?.targets ?? [];
      expect(targets.filter((t) => detached.has(t)).length, id).toBeGreaterThan(3);
      expect(targets.filter((t) => !detached.has(t)).length, id).toBeGreaterThan(3);
    }
    fixture = await startSandbox({ scenario: generated, quotas: { enabled: false } });
    const engine = fixture.engine({ transport: 'in-process' });
    const check = await engine.checkPolicies();
    const { probeAccount } = await import('./policy-probe.js');
    const counts = { allowed: 0, blocked: 0, 'cannot-decide': 0 };
    const mismatches: string[] = [];
    const byId = new Map(generated.accounts.map((a) => [a.id, a]));
    for (const account of check.accounts) {
      const refused = await probeAccount(fixture.sandbox, account.accountId, byId.get(account.accountId));
      for (const task of account.tasks) {
        counts[task.verdict] += 1;
        if (task.verdict === 'cannot-decide') continue;
        const actual = refused[task.task] ? 'blocked' : 'allowed';
        if (actual !== task.verdict)
          mismatches.push(`${account.accountId} ${task.task}: predicted ${task.verdict}, sandbox ${actual}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(check.accounts.length).toBeGreaterThan(900);
    // The random policies block a real share and leave most decidable.
    expect(counts.blocked).toBeGreaterThan(100);
    expect(counts.allowed).toBeGreaterThan(counts['cannot-decide']);
  }, 600_000);
});
