import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getBucketPolicy } from '../src/aws/resource-policies.js';
import { AwsRuntime } from '../src/aws/runtime.js';
import { SessionScope } from '../src/aws/session-scope.js';
import { temporaryHome } from './plans.js';
import { rejection, type SandboxFixture, startSandbox, TRANSPORTS } from './sandbox.js';

// Issue 9: the semantics a real organization hits first, against the sandbox's `real-world`
// scenario (a least-privilege delegated-admin role, one account AssumeRoot alone refuses, 8 mixed MFA
// devices, a bucket in eu-west-1, STS off in ap-east-1) and variants of it.
const MGMT = '400000000000';
const REFUSED = '400000000002';
const MANY_MFA = '400000000003';
const DATA = '400000000004';
const CLEAN = '400000000005';

describe.each(TRANSPORTS)('real-world organization (%s)', (transport) => {
  let fx: SandboxFixture;
  let home: string;
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'real-world', quotas: { enabled: false } });
    home = temporaryHome('rootwarden-real-');
  });
  afterAll(async () => {
    await fx.close();
    rmSync(join(home, '..'), { recursive: true, force: true });
  });
  beforeEach(() => fx.sandbox.admin.reset());
  const calls = (operation: string) =>
    fx.sandbox.admin.calls().filter((call) => call.operation === operation);

  it('audits every ACTIVE member account with a least-privilege delegated-admin role', async () => {
    const engine = fx.engine({ transport, principal: 'least-privilege', home });
    const report = await engine.audit({});
    expect(report.caller.role).toBe('delegated-admin');
    const byId = Object.fromEntries(report.accounts.map((account) => [account.accountId, account]));
    expect(byId[MGMT]?.status).toBe('skipped');
    for (const id of ['400000000001', MANY_MFA, DATA, CLEAN]) expect(byId[id]?.auditedAt).not.toBeNull();
    expect(byId[REFUSED]).toMatchObject({ status: 'unknown', error: { code: 'ROOT_ACCESS_NOT_ENABLED' } });
    // OU names degrade to ids, with one warning naming the missing permission.
    expect(byId[MANY_MFA]?.ouPathText).toBe('r-rw01/ou-rw01-workload1');
    expect(report.warnings).toEqual([
      expect.objectContaining({
        code: 'OU_NAMES_UNAVAILABLE',
        message: expect.stringContaining('organizations:ListRoots'),
      }),
    ]);
    expect(calls('ListDelegatedAdministrators')).toEqual([]);
    // The saved report keeps its warnings.
    expect((await engine.getAudit(report.auditId)).warnings).toEqual(report.warnings);
  });

  it('shows a least-privilege caller its role and the optional permissions it lacks, without a false problem', async () => {
    const status = await fx.engine({ transport, principal: 'least-privilege' }).getOrgStatus();
    expect(status.caller.role).toBe('delegated-admin');
    expect(status.problems).toEqual([]);
    expect(status.capabilities).toMatchObject({ audit: true, enable: false });
    expect(status.missingPermissions.map((missing) => missing.permission).sort()).toEqual([
      'organizations:DescribeAccount',
      'organizations:ListAWSServiceAccessForOrganization',
      'organizations:ListDelegatedAdministrators',
      'organizations:ListRoots',
    ]);
    expect(status.missingPermissions.every((missing) => missing.adds.length > 10)).toBe(true);
    const inventory = await fx.engine({ transport, principal: 'least-privilege' }).listAccounts({});
    expect(inventory.warnings?.map((warning) => warning.code)).toEqual(['OU_NAMES_UNAVAILABLE']);
  });

  it('keeps an audit going when one account alone is refused with the organization-wide text', async () => {
    const report = await fx.engine({ transport }).audit({});
    expect(report.complete).toBe(true);
    const refused = report.accounts.find((account) => account.accountId === REFUSED);
    expect(refused).toMatchObject({
      status: 'unknown',
      error: { code: 'ROOT_ACCESS_NOT_ENABLED', awsCode: 'AccessDenied' },
    });
    expect(refused?.error?.message).toContain('only this account is affected');
    expect(report.summary).toMatchObject({ unknown: 1, skipped: 1 });
  });

  it('stops once, with the fix, when STS is deactivated in the region', async () => {
    const error = await rejection(() => fx.engine({ transport, region: 'ap-east-1' }).audit({}));
    expect(error.code).toBe('STS_REGION_DISABLED');
    expect(error.fix).toContain('Activate STS in this region');
    expect(error.fix).toContain('--region');
  });

  it('classifies 8 root MFA devices per device and deactivates each, never deleting one', async () => {
    const engine = fx.engine({ transport, home });
    const report = await engine.audit({ accounts: [MANY_MFA] });
    const devices = report.accounts[0]?.rootCredentials?.mfaDevices ?? [];
    expect(devices.map((device) => device.kind).sort()).toEqual([
      'fido',
      'fido',
      'fido',
      'hardware',
      'hardware',
      'virtual',
      'virtual',
      'virtual',
    ]);
    expect(report.accounts[0]?.findings.map((finding) => finding.code)).not.toContain(
      'ROOT_MFA_VIRTUAL_ONLY',
    );
    const plan = await engine.createPlan({ task: 'delete-root-credentials', accounts: [MANY_MFA] });
    expect(plan.actions.filter((action) => action.kind === 'deactivate-mfa-device')).toHaveLength(8);
    await engine.applyPlan(plan.planId);
    expect(calls('DeactivateMFADevice')).toHaveLength(8);
    expect(calls('DeleteVirtualMFADevice')).toEqual([]);
  });

  it('resolves a legacy queue.amazonaws.com URL to us-east-1 whatever the caller region', async () => {
    const plan = await fx.engine({ transport, region: 'eu-west-1', home }).createPlan({
      task: 'unlock-sqs-queue-policy',
      account: DATA,
      queueUrl: `https://queue.amazonaws.com/${DATA}/realworld-jobs`,
    });
    expect(plan.actions.map((action) => action.kind)).toEqual(['remove-queue-policy']);
    expect(calls('GetQueueAttributes').map((call) => call.region)).toEqual(['us-east-1']);
  });

  it('retries a bucket read in the region S3 redirects to', async () => {
    const runtime = await AwsRuntime.create({
      region: 'us-east-1',
      credentials: fx.sandbox.managementPrincipal(),
      ...(transport === 'http'
        ? { endpoint: fx.url }
        : { endpoint: 'http://sandbox.in-process', requestHandler: fx.sandbox.requestHandler }),
    });
    try {
      const scope = new SessionScope(runtime, { accountId: DATA, task: 'unlock-s3' });
      const policy = await getBucketPolicy(scope, 'realworld-eu-data', 'us-east-1');
      expect(JSON.parse(policy ?? '{}').Statement[0].Sid).toBe('DenyEveryone');
      expect(calls('GetBucketPolicy').map((call) => [call.region, call.outcome])).toEqual([
        ['us-east-1', 'PermanentRedirect'],
        ['eu-west-1', 'OK'],
      ]);
    } finally {
      runtime.destroy();
    }
  });

  it('warns before planning password recovery for a root user that still has credentials', async () => {
    const plan = await fx
      .engine({ transport, home })
      .createPlan({ task: 'allow-password-recovery', account: DATA });
    expect(plan.actions.map((action) => action.kind)).toEqual(['create-login-profile']);
    expect(plan.notes.join('\n')).toContain('still has 1 access key');
    expect(plan.notes.join('\n')).toContain('only for accounts without root user credentials');
  });
});

describe.each(['RootCredentialsManagement', 'RootSessions'] as const)(
  'password recovery gated by %s, only RootCredentialsManagement on',
  (gate) => {
    let fx: SandboxFixture;
    let home: string;
    beforeAll(async () => {
      const scenario = loadScenario('real-world');
      scenario.organization.passwordRecoveryFeature = gate;
      scenario.organization.rootFeatures = ['RootCredentialsManagement'];
      fx = await startSandbox({ scenario, quotas: { enabled: false } });
      home = temporaryHome('rootwarden-recovery-');
    });
    afterAll(async () => {
      await fx.close();
      rmSync(join(home, '..'), { recursive: true, force: true });
    });

    it('plans without refusing on a guess, and applies or maps AWS’s refusal to the feature it names', async () => {
      const engine = fx.engine({ home });
      const plan = await engine.createPlan({ task: 'allow-password-recovery', account: CLEAN });
      expect(plan.actions.map((action) => action.kind)).toEqual(['create-login-profile']);
      expect(plan.notes.join('\n')).toContain('Privileged root actions (RootSessions) are off');
      if (gate === 'RootCredentialsManagement') {
        const result = await engine.applyPlan(plan.planId);
        expect(result.actions.map((action) => action.outcome)).toEqual(['done']);
      } else {
        const result = await engine.applyPlan(plan.planId);
        const [action] = result.actions;
        expect(action?.outcome).toBe('failed');
        expect(action?.reason).toMatch(/^ROOT_SESSIONS_NOT_ENABLED: .*Root sessions feature is not enabled/);
        expect(action?.reason).toContain('Fix: Enable privileged root actions (RootSessions)');
        expect(action?.reason).toContain('rootwarden org enable');
      }
    });
  },
);

describe.each(['aws-cn', 'aws-us-gov'] as const)('caller in partition %s', (partition) => {
  let fx: SandboxFixture;
  beforeAll(async () => {
    const scenario = loadScenario('real-world');
    scenario.partition = partition;
    fx = await startSandbox({ scenario, quotas: { enabled: false } });
  });
  afterAll(() => fx.close());

  it('is told centralized root access is not available there, before any AssumeRoot', async () => {
    const error = await rejection(() => fx.engine().audit({}));
    expect(error.code).toBe('PARTITION_NOT_SUPPORTED');
    expect(error.message).toContain(partition);
    expect(fx.sandbox.admin.calls().filter((call) => call.operation === 'AssumeRoot')).toEqual([]);
    const status = await fx.engine().getOrgStatus();
    expect(status.problems.map((problem) => problem.code)).toContain('PARTITION_NOT_SUPPORTED');
    expect(status.capabilities.audit).toBe(false);
  });
});

describe('org enable', () => {
  let fx: SandboxFixture;
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'blog', quotas: { enabled: false } });
  });
  afterAll(() => fx.close());

  it('enables both features by default', async () => {
    const result = await fx.engine().enableRootAccess({});
    expect(result.steps.map((step) => [step.step, step.status])).toEqual([
      ['trusted-access', 'already-enabled'],
      ['root-credentials-management', 'already-enabled'],
      ['root-sessions', 'done'],
    ]);
    expect(result.status.rootSessions).toBe(true);
  });
});
