import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { awsError, TRANSPORTS, useSandbox } from './helpers.js';

/**
 * The calls behind `role_arn` + `source_profile` profiles (STS AssumeRole) and IAM Identity Center
 * profiles (SSO GetRoleCredentials), checked with the SDK over both transports and with the AWS CLI,
 * whose botocore service models (sts 2011-06-15, sso 2019-06-10) parse the answers independently.
 */
const ctx = useSandbox({ scenario: 'blog' });
const ROLE = 'arn:aws:iam::123456789012:role/OrganizationAdmin';

describe.each(TRANSPORTS)('STS AssumeRole over %s', (transport) => {
  it('hands out the role session: ASIA keys, the assumed-role ARN, an hour by default', async () => {
    const before = ctx.sandbox.admin.now().getTime();
    const out = await ctx
      .as(transport)
      .sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci-run' }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/OrganizationAdmin/ci-run');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:ci-run$/);
    const expiry = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiry).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(expiry).toBeLessThanOrEqual(ctx.sandbox.admin.now().getTime() + 3_600_000);
    const role = ctx.clients(transport, {
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
      sessionToken: out.Credentials?.SessionToken as string,
    });
    expect((await role.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(out.AssumedRoleUser?.Arn);
    // The session expires on the sandbox clock.
    ctx.sandbox.admin.advanceClock(3_601_000);
    expect((await awsError(() => role.sts.send(new GetCallerIdentityCommand({})))).name).toBe('ExpiredToken');
  });

  it('refuses what AWS refuses: bad session names and durations, roots, other accounts, unknown roles', async () => {
    const sts = ctx.as(transport).sts;
    const badName = await awsError(() =>
      sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space' })),
    );
    expect(badName).toMatchObject({ name: 'ValidationError', status: 400 });
    const tooLong = await awsError(() =>
      sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci', DurationSeconds: 7200 })),
    );
    expect(tooLong.message).toContain('MaxSessionDuration');
    const root = await awsError(() =>
      ctx
        .as(transport, 'management-root')
        .sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci' })),
    );
    expect(root).toMatchObject({ name: 'AccessDenied', status: 403 });
    // The role trusts its own account only (the sandbox's model of IAM's default trust policy).
    const otherAccount = await awsError(() =>
      ctx
        .as(transport, 'delegated-admin')
        .sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci' })),
    );
    expect(otherAccount).toMatchObject({ name: 'AccessDenied', status: 403 });
    const unknown = await awsError(() =>
      sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/Nobody', RoleSessionName: 'ci' }),
      ),
    );
    expect(unknown.message).toBe(
      'User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Nobody',
    );
    // An identity policy without sts:AssumeRole: implicit deny.
    const noRights = await awsError(() =>
      ctx
        .as(transport, 'no-rights')
        .sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci' })),
    );
    expect(noRights).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});

describe('SSO GetRoleCredentials over HTTP', () => {
  const getRoleCredentials = (query: string, token?: string) =>
    fetch(`${ctx.server.url}/federation/credentials?${query}`, {
      headers: token === undefined ? {} : { 'x-amz-sso_bearer_token': token },
    });

  it("answers the permission set's role session for a valid token, and AWS's errors otherwise", async () => {
    const { accessToken } = ctx.sandbox.issueSsoAccessToken('alice@example.com');
    const before = ctx.sandbox.admin.now().getTime();
    const ok = await getRoleCredentials('role_name=OrganizationAdmin&account_id=123456789012', accessToken);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { roleCredentials: Record<string, unknown> };
    expect(body.roleCredentials.accessKeyId).toMatch(/^ASIA/);
    // One hour on the sandbox clock from the call, in epoch milliseconds.
    expect(body.roleCredentials.expiration).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(body.roleCredentials.expiration).toBeLessThanOrEqual(
      ctx.sandbox.admin.now().getTime() + 3_600_000,
    );
    const wrongToken = await getRoleCredentials('role_name=OrganizationAdmin&account_id=123456789012', 'x');
    expect([wrongToken.status, wrongToken.headers.get('x-amzn-errortype')]).toEqual([
      401,
      'UnauthorizedException',
    ]);
    const noRole = await getRoleCredentials('role_name=Nobody&account_id=123456789012', accessToken);
    expect([noRole.status, noRole.headers.get('x-amzn-errortype')]).toEqual([
      404,
      'ResourceNotFoundException',
    ]);
    const missing = await getRoleCredentials('account_id=123456789012', accessToken);
    expect([missing.status, missing.headers.get('x-amzn-errortype')]).toEqual([
      400,
      'InvalidRequestException',
    ]);
    expect(ctx.sandbox.admin.calls({ operation: 'GetRoleCredentials' }).map((call) => call.outcome)).toEqual([
      'OK',
      'UnauthorizedException',
      'ResourceNotFoundException',
      'InvalidRequestException',
    ]);
  });
});

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const noAwsCli = awsCli.error !== undefined || awsCli.status !== 0;

describe.skipIf(noAwsCli)('the AWS CLI (botocore models) reads AssumeRole and GetRoleCredentials', () => {
  const aws = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const directory = mkdtempSync(join(tmpdir(), 'sandbox-role-cli-'));
      writeFileSync(join(directory, 'config'), '[default]\ncli_timestamp_format = iso8601\n');
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([key, value]) => !key.startsWith('AWS_') && value !== undefined),
      ) as Record<string, string>;
      execFile(
        'aws',
        [...args, '--endpoint-url', ctx.server.url, '--region', 'us-east-1', '--output', 'json'],
        {
          encoding: 'utf8',
          timeout: 120_000,
          env: {
            ...inherited,
            AWS_CONFIG_FILE: join(directory, 'config'),
            AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials'),
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_PAGER: '',
            ...env,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('aws sts assume-role and aws sso get-role-credentials', async () => {
    const who = ctx.sandbox.managementPrincipal();
    const keys = { AWS_ACCESS_KEY_ID: who.accessKeyId, AWS_SECRET_ACCESS_KEY: who.secretAccessKey };
    const assumed = await aws(
      ['sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'cli-check'],
      keys,
    );
    expect(assumed.code, assumed.stderr).toBe(0);
    const role = JSON.parse(assumed.stdout) as {
      Credentials: { AccessKeyId: string; Expiration: string };
      AssumedRoleUser: { Arn: string };
    };
    expect(role.AssumedRoleUser.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/OrganizationAdmin/cli-check',
    );
    expect(role.Credentials.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

    const { accessToken } = ctx.sandbox.issueSsoAccessToken('bob@example.com');
    const issuedFrom = ctx.sandbox.admin.now().getTime();
    const sso = await aws(
      [
        'sso',
        'get-role-credentials',
        '--role-name',
        'OrganizationAdmin',
        '--account-id',
        '123456789012',
        '--access-token',
        accessToken,
      ],
      {},
    );
    expect(sso.code, sso.stderr).toBe(0);
    const credentials = (
      JSON.parse(sso.stdout) as { roleCredentials: { accessKeyId: string; expiration: number } }
    ).roleCredentials;
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    // An hour on the sandbox clock from the moment of the call, in epoch milliseconds.
    expect(credentials.expiration).toBeGreaterThanOrEqual(issuedFrom + 3_600_000);
    expect(credentials.expiration).toBeLessThanOrEqual(ctx.sandbox.admin.now().getTime() + 3_600_000);
    const refused = await aws(
      [
        'sso',
        'get-role-credentials',
        '--role-name',
        'OrganizationAdmin',
        '--account-id',
        '123456789012',
        '--access-token',
        'not-a-token',
      ],
      {},
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('UnauthorizedException');
  }, 180_000);
});
