import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, type ServerProcess, startServer } from './server-process.js';

/**
 * Replays seed-walkthrough.md sections 1-6 with the installed AWS CLI (v1, botocore 1.43) against the
 * built server command. Values that AWS randomizes may differ; shapes and texts may not.
 */
const awsVersion = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const awsMissing = awsVersion.error !== undefined || awsVersion.status !== 0;
const skipReason = awsMissing
  ? 'the AWS CLI (`aws`) is not installed'
  : !built
    ? 'dist/cli.js is missing (run `pnpm build`)'
    : '';
if (skipReason) console.warn(`[aws-sandbox] skipping the AWS CLI conformance suite: ${skipReason}`);

const AUDIT = 'arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';
const S3_UNLOCK = 'arn=arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy';
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, checked field by field
  json: any;
}

describe.skipIf(skipReason !== '')('AWS CLI conformance (seed sections 1-6)', () => {
  let server: ServerProcess;
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    server = await startServer(['--scenario', 'blog', '--port', '0']);
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-aws-cli-'));
    // The seed's output shows ISO timestamps with offsets, the CLI's iso8601 format.
    writeFileSync(join(dir, 'config'), '[default]\ncli_timestamp_format = iso8601\n');
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k, v]) => !k.startsWith('AWS_') && v !== undefined),
    ) as Record<string, string>;
    baseEnv = {
      ...inherited,
      ...server.env,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      TZ: 'UTC',
    };
  });
  afterAll(async () => {
    await server?.stop();
  });

  const aws = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        'aws',
        args,
        { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) => {
          let json: unknown;
          try {
            json = stdout.trim() ? JSON.parse(stdout) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
        },
      );
    });

  const assumeRoot = async (target: string, policy = AUDIT) =>
    aws([
      'sts',
      'assume-root',
      '--target-principal',
      target,
      '--duration-seconds',
      '900',
      '--task-policy-arn',
      policy,
    ]);

  const sessionEnv = (result: CliResult) => ({
    AWS_ACCESS_KEY_ID: result.json.Credentials.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: result.json.Credentials.SecretAccessKey,
    AWS_SESSION_TOKEN: result.json.Credentials.SessionToken,
  });

  it('section 1: assume-root answers Credentials with an ISO Expiration 900 s ahead', async () => {
    const started = Date.now();
    const result = await assumeRoot('111111111111');
    const finished = Date.now();
    expect(result.code).toBe(0);
    expect(Object.keys(result.json)).toEqual(['Credentials']);
    expect(Object.keys(result.json.Credentials)).toEqual([
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
    ]);
    expect(result.json.Credentials.Expiration).toMatch(ISO_UTC);
    // 900 s after the moment the sandbox issued it, which lies between our start (whole seconds, as
    // the ISO text has them) and the CLI's return, however slowly the CLI ran on a loaded machine.
    const expiration = Date.parse(result.json.Credentials.Expiration);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 + 900_000);
    expect(expiration).toBeLessThanOrEqual(finished + 900_000);
  });

  it('section 2: the root session is fenced (ec2 describe-instances)', async () => {
    const session = await assumeRoot('111111111111');
    const result = await aws(['ec2', 'describe-instances', '--region', 'us-west-1'], sessionEnv(session));
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: You are not authorized to perform this operation. User: arn:aws:iam::111111111111:root is not authorized to perform: ec2:DescribeInstances with an explicit deny in an identity-based policy',
    );
  });

  // The seed (2025) also showed `Status`; Organizations retired it on 2026-09-09 (API_Account.html).
  it('section 4: organizations list-accounts shows each account with State (Status is retired)', async () => {
    const result = await aws(['organizations', 'list-accounts'], { TZ: 'Asia/Tokyo' });
    expect(result.code).toBe(0);
    expect(result.json.Accounts).toHaveLength(7);
    const account1 = result.json.Accounts.find((a: { Name: string }) => a.Name === 'Account1');
    expect(account1).toEqual({
      Id: '111111111111',
      Arn: 'arn:aws:organizations::123456789012:account/o-8j81brsjuj/111111111111',
      Email: 'account1@example.com',
      Name: 'Account1',
      State: 'ACTIVE',
      Paths: ['o-8j81brsjuj/r-8j81/111111111111/'],
      JoinedMethod: 'CREATED',
      JoinedTimestamp: '2023-03-28T08:19:58.333000+09:00',
    });
    expect(result.json.Accounts.find((a: { Name: string }) => a.Name === 'Account6').JoinedTimestamp).toBe(
      '2025-06-18T08:06:07.495000+09:00',
    );
  });

  it('section 5: audits a root user with credentials', async () => {
    const env = sessionEnv(await assumeRoot('111111111111'));
    const [user, profile, keys, certs, mfa] = await Promise.all(
      [
        ['get-user'],
        ['get-login-profile'],
        ['list-access-keys'],
        ['list-signing-certificates'],
        ['list-mfa-devices'],
      ].map((cmd) => aws(['iam', ...cmd], env)),
    );
    expect(user?.json).toEqual({
      User: {
        UserId: '111111111111',
        Arn: 'arn:aws:iam::111111111111:root',
        CreateDate: '2023-03-27T23:19:57+00:00',
        PasswordLastUsed: '2025-12-13T22:11:47+00:00',
      },
    });
    expect(profile?.json).toEqual({
      LoginProfile: { CreateDate: '2023-03-27T23:19:57+00:00', PasswordResetRequired: false },
    });
    expect(keys?.json).toEqual({
      AccessKeyMetadata: [
        { AccessKeyId: 'AKIA6FU7H6FWXAD6YL54', Status: 'Active', CreateDate: '2025-12-13T22:14:40+00:00' },
      ],
    });
    expect(certs?.json.Certificates).toHaveLength(1);
    expect(Object.keys(certs?.json.Certificates[0])).toEqual([
      'CertificateId',
      'CertificateBody',
      'Status',
      'UploadDate',
    ]);
    expect(certs?.json.Certificates[0]).toMatchObject({
      CertificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY',
      Status: 'Active',
      UploadDate: '2025-12-13T22:27:02+00:00',
    });
    expect(certs?.json.Certificates[0].CertificateBody).toMatch(
      /^-----BEGIN CERTIFICATE-----\nMIIDlDCC[\s\S]*\n-----END CERTIFICATE-----\n$/,
    );
    expect(mfa?.json).toEqual({
      MFADevices: [
        { SerialNumber: 'arn:aws:iam::111111111111:mfa/Authapp', EnableDate: '2025-12-13T22:14:07+00:00' },
      ],
    });
  });

  it('section 6: audits a root user without credentials', async () => {
    const session = await assumeRoot('666666666666');
    expect(session.code).toBe(0);
    const env = sessionEnv(session);
    const [user, profile, keys, mfa, certs] = await Promise.all(
      [
        ['get-user'],
        ['get-login-profile'],
        ['list-access-keys'],
        ['list-mfa-devices'],
        ['list-signing-certificates'],
      ].map((cmd) => aws(['iam', ...cmd], env)),
    );
    expect(user?.json).toEqual({
      User: {
        UserId: '666666666666',
        Arn: 'arn:aws:iam::666666666666:root',
        CreateDate: '2025-06-17T23:06:06+00:00',
        PasswordLastUsed: '2025-06-18T02:05:10+00:00',
      },
    });
    expect(profile?.code).not.toBe(0);
    expect(profile?.stderr.trim()).toBe(
      'An error occurred (NoSuchEntity) when calling the GetLoginProfile operation: Login Profile for User null cannot be found.',
    );
    expect(keys?.json).toEqual({ AccessKeyMetadata: [] });
    expect(mfa?.json).toEqual({ MFADevices: [] });
    expect(certs?.json).toEqual({ Certificates: [] });
  });

  it('section 3: feature switches decide what assume-root may do, switched through the IAM API', async () => {
    expect((await aws(['iam', 'list-organizations-features'])).json).toEqual({
      OrganizationId: 'o-8j81brsjuj',
      EnabledFeatures: ['RootCredentialsManagement'],
    });
    const s3 = await assumeRoot('666666666666', S3_UNLOCK);
    expect(s3.stderr.trim()).toBe(
      'An error occurred (AccessDenied) when calling the AssumeRoot operation: Root sessions feature is not enabled for your AWS Organization.',
    );
    expect((await assumeRoot('666666666666')).code).toBe(0);

    expect((await aws(['iam', 'enable-organizations-root-sessions'])).json.EnabledFeatures).toEqual([
      'RootCredentialsManagement',
      'RootSessions',
    ]);
    expect((await assumeRoot('666666666666', S3_UNLOCK)).code).toBe(0);
    expect((await aws(['iam', 'disable-organizations-root-sessions'])).json.EnabledFeatures).toEqual([
      'RootCredentialsManagement',
    ]);
    expect((await assumeRoot('666666666666', S3_UNLOCK)).stderr).toContain(
      'Root sessions feature is not enabled for your AWS Organization.',
    );

    expect((await aws(['iam', 'disable-organizations-root-credentials-management'])).json).toEqual({
      OrganizationId: 'o-8j81brsjuj',
      EnabledFeatures: [],
    });
    const audit = await assumeRoot('666666666666');
    expect(audit.stderr.trim()).toBe(
      'An error occurred (AccessDenied) when calling the AssumeRoot operation: Service not enabled for AWS Organizations.',
    );
    expect(
      (await aws(['iam', 'enable-organizations-root-credentials-management'])).json.EnabledFeatures,
    ).toEqual(['RootCredentialsManagement']);
    // Nine AWS CLI processes: a few seconds each on a loaded 2-core machine.
  }, 180_000);
});
