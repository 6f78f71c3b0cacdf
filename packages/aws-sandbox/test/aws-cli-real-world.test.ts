import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, type ServerProcess, startServer } from './server-process.js';

/**
 * Issue 9's behaviours through the installed AWS CLI (v1, botocore 1.43) against the built server
 * command with the `real-world` scenario. Wide timeouts: each call spawns Python on a loaded machine.
 */
const awsVersion = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const skipReason =
  awsVersion.error !== undefined || awsVersion.status !== 0
    ? 'the AWS CLI (`aws`) is not installed'
    : !built
      ? 'dist/cli.js is missing (run `pnpm build`)'
      : '';
if (skipReason) console.warn(`[aws-sandbox] skipping the AWS CLI real-world suite: ${skipReason}`);

const AUDIT = 'arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';
const LEAST_PRIVILEGE = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEREALLEAST',
  AWS_SECRET_ACCESS_KEY: 'sandbox/real/least-privilege/NOT-A-REAL-SECRET',
  AWS_SESSION_TOKEN: 'sandbox-static-role-session-token/real/least-privilege/NOT-A-REAL-TOKEN',
};

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, checked field by field
  json: any;
}

describe.skipIf(skipReason !== '')('AWS CLI against the real-world scenario', { timeout: 180_000 }, () => {
  let server: ServerProcess;
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    server = await startServer(['--scenario', 'real-world', '--port', '0']);
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-aws-cli-real-'));
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
    };
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const aws = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        'aws',
        args,
        { env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 120_000 },
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
  const assumeRoot = (target: string, env: Record<string, string> = {}) =>
    aws(['sts', 'assume-root', '--target-principal', target, '--task-policy-arn', AUDIT], env);

  it('a least-privilege role lists features and accounts and assumes root, but may not list delegated admins', async () => {
    const features = await aws(['iam', 'list-organizations-features'], LEAST_PRIVILEGE);
    expect(features.code).toBe(0);
    expect(features.json.EnabledFeatures).toEqual(['RootCredentialsManagement', 'RootSessions']);
    const accounts = await aws(['organizations', 'list-accounts'], LEAST_PRIVILEGE);
    expect(accounts.code).toBe(0);
    expect(accounts.json.Accounts.every((a: Record<string, unknown>) => a.State && !('Status' in a))).toBe(
      true,
    );
    const admins = await aws(
      ['organizations', 'list-delegated-administrators', '--service-principal', 'iam.amazonaws.com'],
      LEAST_PRIVILEGE,
    );
    expect(admins.code).not.toBe(0);
    expect(admins.stderr).toContain('(AccessDeniedException)');
    const session = await assumeRoot('400000000003', LEAST_PRIVILEGE);
    expect(session.code).toBe(0);
    expect(session.json.Credentials.AccessKeyId).toMatch(/^ASIA/);
  });

  it('assume-root refuses one account with "Service not enabled for AWS Organizations."', async () => {
    const result = await assumeRoot('400000000002');
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'An error occurred (AccessDenied) when calling the AssumeRoot operation: Service not enabled for AWS Organizations.',
    );
  });

  it('assume-root in a region where STS is deactivated answers RegionDisabledException', async () => {
    const result = await aws([
      'sts',
      'assume-root',
      '--region',
      'ap-east-1',
      '--target-principal',
      '400000000003',
      '--task-policy-arn',
      AUDIT,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'An error occurred (RegionDisabledException) when calling the AssumeRoot operation',
    );
  });

  it('list-mfa-devices shows 8 devices of mixed kinds', async () => {
    const session = await assumeRoot('400000000003');
    const result = await aws(['iam', 'list-mfa-devices'], {
      AWS_ACCESS_KEY_ID: session.json.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: session.json.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: session.json.Credentials.SessionToken,
    });
    expect(result.code).toBe(0);
    expect(result.json.MFADevices.map((d: { SerialNumber: string }) => d.SerialNumber)).toContain(
      'GAHT12345678',
    );
    expect(result.json.MFADevices).toHaveLength(8);
  });

  it('s3api get-bucket-policy follows the region redirect of a bucket in eu-west-1', async () => {
    const session = await aws([
      'sts',
      'assume-root',
      '--target-principal',
      '400000000004',
      '--task-policy-arn',
      'arn=arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy',
    ]);
    const result = await aws(
      ['s3api', 'get-bucket-policy', '--bucket', 'realworld-eu-data', '--region', 'us-east-1'],
      {
        AWS_ACCESS_KEY_ID: session.json.Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: session.json.Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: session.json.Credentials.SessionToken,
      },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.json.Policy).Statement[0].Sid).toBe('DenyEveryone');
  });
});
