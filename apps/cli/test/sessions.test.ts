import { execFile, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  rootwardenProcessAsync,
  STACK_TRACE,
  sandboxUserEnvironment,
  temporaryDirectory,
} from './helpers.js';

const PAYMENTS = '300000000003';

function runAsync(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ stdout, stderr, exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0 });
      },
    );
  });
}

const awsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const hasAwsCli = awsCli.status === 0;
if (!hasAwsCli)
  console.warn('AWS CLI interoperability tests skipped: `aws` is not installed (pip install awscli).');

/** `exec` and `credential-process` against a sandbox served over HTTP from this process. */
describe('scoped root sessions: exec and credential-process', () => {
  const sandbox = createSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  let url: string;
  let close: () => Promise<void>;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    const server = await sandbox.listen({ port: 0 });
    url = server.url;
    close = server.close;
    env = {
      ...process.env,
      ...sandboxUserEnvironment(sandbox, url),
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(temporaryDirectory(), 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(temporaryDirectory(), 'none'),
      NO_COLOR: '1',
    };
  });
  afterAll(() => close());

  const sessionOf = (accessKeyId: string) =>
    sandbox.admin.sessions().find((s) => s.accessKeyId === accessKeyId);

  it('credential-process prints the AWS credential_process JSON of a live, task-scoped session', async () => {
    const { stdout, stderr, exitCode } = await rootwardenProcessAsync(
      ['credential-process', '--account', PAYMENTS, '--task', 'unlock-s3', '--duration-seconds', '300'],
      env,
    );
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual([
      'Version',
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
    ]);
    expect(json.Version).toBe(1);
    expect(json.AccessKeyId).toMatch(/^ASIA/);
    const session = sessionOf(json.AccessKeyId);
    expect(session).toMatchObject({
      accountId: PAYMENTS,
      taskPolicy: expect.stringContaining('S3UnlockBucketPolicy'),
    });
    expect(Date.parse(json.Expiration)).toBe(Date.parse(session?.expiration ?? ''));
    const issued = sandbox.admin.secrets().map((secret) => secret.value);
    expect(issued).toContain(json.SecretAccessKey);
    expect(issued).toContain(json.SessionToken);
  });

  it('exec gives the child the session in its environment only, without AWS_PROFILE, and passes its exit code', async () => {
    const script =
      'for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_ENDPOINT_URL AWS_PROFILE; do echo "$v=$(printenv $v)"; done; exit 7';
    // The caller's own credentials come from a profile (AWS_PROFILE), as on a laptop: the child must not see it,
    // or its AWS tools would use the profile instead of the session.
    const who = sandbox.managementPrincipal();
    const credentials = join(temporaryDirectory(), 'credentials');
    writeFileSync(
      credentials,
      `[admin]\naws_access_key_id = ${who.accessKeyId}\naws_secret_access_key = ${who.secretAccessKey}\n`,
    );
    const result = await rootwardenProcessAsync(
      ['exec', '--account', PAYMENTS, '--task', 'delete-credentials', '--', 'sh', '-c', script],
      {
        ...env,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        AWS_PROFILE: 'admin',
      },
    );
    expect(result.exitCode).toBe(7);
    const vars = Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(vars.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
    expect(sessionOf(vars.AWS_ACCESS_KEY_ID)).toMatchObject({
      accountId: PAYMENTS,
      taskPolicy: expect.stringContaining('IAMDeleteRootUserCredentials'),
    });
    expect(vars).toMatchObject({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: url, AWS_PROFILE: '' });
    // rootwarden itself prints nothing of it (stderr is not a terminal here).
    expect(result.stderr).toBe('');
    for (const secret of sandbox.admin.secrets()) expect(result.stderr.includes(secret.value)).toBe(false);
  });

  it('exec adds only the session variables to the child environment (no settings of rootwarden’s own)', async () => {
    const parent: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
    const result = await rootwardenProcessAsync(
      [
        'exec',
        '--account',
        PAYMENTS,
        '--',
        process.execPath,
        '-e',
        'console.log(JSON.stringify(process.env))',
      ],
      env,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const child = JSON.parse(result.stdout) as Record<string, string>;
    const added = Object.keys(child).filter((name) => parent[name] === undefined);
    const session = [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL',
    ];
    expect(added.filter((name) => !session.includes(name))).toEqual([]);
  });

  it('exec forwards SIGTERM to the child and passes on how it ended', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'exec',
        '--account',
        PAYMENTS,
        '--',
        process.execPath,
        '-e',
        "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);",
      ],
      { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    child.kill('SIGTERM');
    expect(await exited).toBe(42);
    expect(stdout).toContain('child got SIGTERM');
  });

  it.each([
    ['a child killed by a signal: 128 + its number', ['sh', '-c', 'kill -TERM $$'], 143, ''],
    ['a command that does not exist: 127', ['no-such-command-rootwarden'], 127, 'command not found'],
  ])('exec: %s', async (_name, command, code, text) => {
    const result = await rootwardenProcessAsync(['exec', '--account', PAYMENTS, '--', ...command], env);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toContain(text);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('exec without a command is a usage error; a bad target gets its code', async () => {
    const none = await rootwardenProcessAsync(['exec', '--account', PAYMENTS], env);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('Give the command to run after --');
    const management = await rootwardenProcessAsync(['exec', '--account', '300000000000', '--', 'true'], env);
    expect(management.exitCode).toBe(2);
    expect(management.stderr).toContain('[MANAGEMENT_ACCOUNT_TARGET]');
    expect(management.stderr).not.toMatch(STACK_TRACE);
  });

  describe.skipIf(!hasAwsCli)(
    `the AWS CLI (${awsCli.stdout.trim() || awsCli.stderr.trim() || 'absent'})`,
    () => {
      it('a credential_process profile runs `aws iam get-user --profile NAME` as the member root user', async () => {
        const config = join(temporaryDirectory(), 'config');
        writeFileSync(
          config,
          `[profile member-audit]\ncredential_process = ${process.execPath} ${BIN} credential-process --account ${PAYMENTS} --task audit\nregion = us-east-1\n`,
        );
        const result = await runAsync(
          'aws',
          ['iam', 'get-user', '--profile', 'member-audit', '--output', 'json'],
          {
            ...env,
            AWS_CONFIG_FILE: config,
          },
        );
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
        expect(JSON.parse(result.stdout).User).toMatchObject({
          UserId: PAYMENTS,
          Arn: `arn:aws:iam::${PAYMENTS}:root`,
        });
        const calls = sandbox.admin.calls({ operation: 'GetUser' });
        expect(calls.at(-1)).toMatchObject({
          targetAccountId: PAYMENTS,
          sessionTaskPolicy: 'IAMAuditRootUserCredentials',
          outcome: 'OK',
        });
      });

      it('`rootwarden exec -- aws iam list-access-keys` runs inside the session', async () => {
        const result = await rootwardenProcessAsync(
          ['exec', '--account', PAYMENTS, '--', 'aws', 'iam', 'list-access-keys', '--output', 'json'],
          env,
        );
        expect(result.exitCode).toBe(0);
        expect(
          JSON.parse(result.stdout).AccessKeyMetadata.map((key: { AccessKeyId: string }) => key.AccessKeyId),
        ).toEqual(sandbox.admin.rootCredentials(PAYMENTS).accessKeys.map((key) => key.accessKeyId));
      });

      it('the session is fenced by its task: an audit session cannot delete (the CLI’s exit code passes through)', async () => {
        const result = await rootwardenProcessAsync(
          ['exec', '--account', PAYMENTS, '--task', 'audit', '--', 'aws', 'iam', 'delete-login-profile'],
          env,
        );
        expect(result.exitCode).not.toBe(0);
        expect(result.stderr).toContain('AccessDenied');
        expect(sandbox.admin.rootCredentials(PAYMENTS).loginProfile).not.toBeNull();
      });
    },
  );
});
