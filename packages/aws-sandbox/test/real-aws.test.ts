import {
  DeleteVirtualMFADeviceCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListDelegatedAdministratorsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRootCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ROOT_SESSIONS_NOT_ENABLED, SERVICE_NOT_ENABLED } from '../src/index.js';
import { realWorldScenario } from '../src/scenarios/built-ins.js';
import { awsError, TASK, TRANSPORTS, useSandbox } from './helpers.js';

// Issue 9: the semantics a real organization hits first, each with its AWS source in the sandbox's
// code and README. Every test goes through the real SDK v3 clients, over HTTP and in-process.
const REFUSED = '400000000002';
const MANY_MFA = '400000000003';
const DATA = '400000000004';

describe.each(TRANSPORTS)('real-world scenario (%s)', (transport) => {
  const ctx = useSandbox({ scenario: 'real-world' });

  it('lets a least-privilege delegated-admin role audit, and refuses only what it lacks', async () => {
    ctx.sandbox.admin.reset();
    const c = ctx.as(transport, 'least-privilege');
    const features = await c.iam.send(new ListOrganizationsFeaturesCommand({}));
    expect(features.EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
    expect((await c.organizations.send(new DescribeOrganizationCommand({}))).Organization?.Id).toBe(
      'o-realworld1',
    );
    expect((await c.organizations.send(new ListAccountsCommand({}))).Accounts).toHaveLength(6);
    const denied = await awsError(() =>
      c.organizations.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'iam.amazonaws.com' })),
    );
    expect(denied.message).toContain(
      'because no identity-based policy allows the organizations:ListDelegatedAdministrators action',
    );
    expect((await awsError(() => c.organizations.send(new ListRootsCommand({})))).name).toBe(
      'AccessDeniedException',
    );
    const session = await c.sts.send(
      new AssumeRootCommand({
        TargetPrincipal: MANY_MFA,
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
      }),
    );
    expect(session.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('refuses AssumeRoot for one account with the organization-wide text while the features are on', async () => {
    ctx.sandbox.admin.reset();
    const c = ctx.as(transport);
    expect((await c.iam.send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures).toContain(
      'RootCredentialsManagement',
    );
    const error = await awsError(() =>
      c.sts.send(
        new AssumeRootCommand({
          TargetPrincipal: REFUSED,
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        }),
      ),
    );
    expect({ code: error.code ?? error.name, message: error.message, status: error.status }).toEqual({
      code: 'AccessDenied',
      message: SERVICE_NOT_ENABLED,
      status: 403,
    });
  });

  it('answers RegionDisabledException (403) where the caller account deactivated STS', async () => {
    ctx.sandbox.admin.reset();
    const c = ctx.as(transport, undefined, 'ap-east-1');
    const error = await awsError(() =>
      c.sts.send(
        new AssumeRootCommand({
          TargetPrincipal: MANY_MFA,
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        }),
      ),
    );
    expect(error.name).toBe('RegionDisabledException');
    expect(error.status).toBe(403);
    expect(error.message).toContain('STS is not activated in this region for account:400000000000');
    // Another region of the same account works.
    const ok = await ctx.as(transport).sts.send(
      new AssumeRootCommand({
        TargetPrincipal: MANY_MFA,
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
      }),
    );
    expect(ok.Credentials).toBeDefined();
  });

  it('lists 8 root MFA devices of every kind', async () => {
    ctx.sandbox.admin.reset();
    const session = await ctx.rootSession(transport, MANY_MFA, 'IAMAuditRootUserCredentials');
    const serials = (await session.iam.send(new ListMFADevicesCommand({}))).MFADevices?.map(
      (d) => d.SerialNumber,
    );
    expect(serials).toHaveLength(8);
    expect(serials?.filter((s) => s?.includes(':u2f/'))).toHaveLength(3);
    expect(serials?.filter((s) => s?.includes(':mfa/'))).toHaveLength(3);
    expect(serials?.filter((s) => !s?.startsWith('arn:'))).toHaveLength(2);
  });

  it('fences DeleteVirtualMFADevice out of IAMDeleteRootUserCredentials (change log 2025-01-07)', async () => {
    ctx.sandbox.admin.reset();
    const session = await ctx.rootSession(transport, MANY_MFA, 'IAMDeleteRootUserCredentials');
    const serial = `arn:aws:iam::${MANY_MFA}:mfa/backup-tablet`;
    const error = await awsError(() =>
      session.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })),
    );
    expect(error.status).toBe(403);
    expect(error.message).toContain('iam:DeleteVirtualMFADevice');
    expect(error.message).toContain('explicit deny in an identity-based policy');
  });

  it('redirects a bucket addressed in the wrong region (301 + x-amz-bucket-region); the SDK follows it when asked', async () => {
    ctx.sandbox.admin.reset();
    const session = await ctx.rootSession(transport, DATA, 'S3UnlockBucketPolicy');
    const error = await awsError(() =>
      session.s3.send(new GetBucketPolicyCommand({ Bucket: 'realworld-eu-data' })),
    );
    expect(error.status).toBe(301);
    expect(error.name).toBe('PermanentRedirect');
    expect(
      (error.error.$response as { headers: Record<string, string> }).headers['x-amz-bucket-region'],
    ).toBe('eu-west-1');
    const config = (session.s3 as S3Client).config;
    const following = new S3Client({
      region: 'us-east-1',
      credentials: await config.credentials(),
      forcePathStyle: true,
      followRegionRedirects: true,
      maxAttempts: 1,
      ...(transport === 'http'
        ? { endpoint: ctx.server.url }
        : { requestHandler: ctx.sandbox.requestHandler }),
    });
    const policy = await following.send(new GetBucketPolicyCommand({ Bucket: 'realworld-eu-data' }));
    expect(JSON.parse(policy.Policy ?? '{}').Statement[0].Sid).toBe('DenyEveryone');
  });

  it('finds a queue by its legacy queue.amazonaws.com URL (us-east-1)', async () => {
    ctx.sandbox.admin.reset();
    const session = await ctx.rootSession(transport, DATA, 'SQSUnlockQueuePolicy');
    const config = (session.sqs as SQSClient).config;
    const sqs = new SQSClient({
      region: 'us-east-1',
      credentials: await config.credentials(),
      useQueueUrlAsEndpoint: false,
      maxAttempts: 1,
      ...(transport === 'http'
        ? { endpoint: ctx.server.url }
        : { requestHandler: ctx.sandbox.requestHandler }),
    });
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: `https://queue.amazonaws.com/${DATA}/realworld-jobs`,
        AttributeNames: ['Policy'],
      }),
    );
    expect(attributes.Attributes?.Policy).toContain('DenyEveryone');
  });

  it('sends Account.State only (Status was retired on 2026-09-09)', async () => {
    ctx.sandbox.admin.reset();
    const accounts = (await ctx.as(transport).organizations.send(new ListAccountsCommand({}))).Accounts ?? [];
    expect(accounts.every((account) => account.State !== undefined && account.Status === undefined)).toBe(
      true,
    );
  });
});

describe.each(TRANSPORTS)('ambiguous and partition options (%s)', (transport) => {
  describe.each(['RootCredentialsManagement', 'RootSessions'] as const)(
    'password recovery gated by %s',
    (gate) => {
      const scenario = realWorldScenario();
      scenario.organization.passwordRecoveryFeature = gate;
      // Only the other feature is on: the gate decides.
      scenario.organization.rootFeatures = [
        gate === 'RootSessions' ? 'RootCredentialsManagement' : 'RootSessions',
      ];
      const ctx = useSandbox({ scenario });

      it('refuses IAMCreateRootUserPassword with the text of the missing feature', async () => {
        const error = await awsError(() =>
          ctx.as(transport).sts.send(
            new AssumeRootCommand({
              TargetPrincipal: MANY_MFA,
              TaskPolicyArn: { arn: TASK('IAMCreateRootUserPassword') },
            }),
          ),
        );
        expect(error.message).toBe(gate === 'RootSessions' ? ROOT_SESSIONS_NOT_ENABLED : SERVICE_NOT_ENABLED);
      });
    },
  );

  describe.each(['aws-cn', 'aws-us-gov'] as const)('partition %s', (partition) => {
    const scenario = realWorldScenario();
    scenario.partition = partition;
    const ctx = useSandbox({ scenario });

    it('prints ARNs in the partition and refuses AssumeRoot', async () => {
      const c = ctx.as(transport);
      expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
        `arn:${partition}:iam::400000000000:user/admin`,
      );
      const error = await awsError(() =>
        c.sts.send(
          new AssumeRootCommand({
            TargetPrincipal: MANY_MFA,
            TaskPolicyArn: { arn: `arn:${partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials` },
          }),
        ),
      );
      expect(error.status).toBe(403);
    });
  });
});
