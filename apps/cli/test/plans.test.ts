import { spawn, spawnSync } from 'node:child_process';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BIN,
  normalize,
  rootwarden,
  rootwardenProcess,
  rootwardenProcessAsync,
  STACK_TRACE,
  sandboxUserEnvironment,
  temporaryDirectory,
} from './helpers.js';

/** oclif wraps error messages at the terminal width: join the lines again. */
const unwrap = (text: string) => text.replace(/\s*\n\s*›\s*/g, ' ');

const PAYMENTS = '300000000003';
const WEB = '300000000004';
const LOCKED = '300000000011';
const BUCKET = 'exposed-locked-audit-logs';

/** Plans, applies and restores through the CLI against a sandbox served over HTTP from this process. */
describe('rootwarden plan / apply / restore-policy', () => {
  const sandbox = createSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  let url: string;
  let close: () => Promise<void>;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    const server = await sandbox.listen({ port: 0 });
    url = server.url;
    close = server.close;
  });
  afterAll(() => close());
  beforeEach(() => {
    sandbox.admin.reset();
    env = { ...sandboxUserEnvironment(sandbox, url), NO_COLOR: '1' };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  });
  const queueUrl = () => `${url}/${LOCKED}/locked-events`;
  // The fingerprint digests what was observed, queue URLs (with their port) included.
  const snapshot = (text: string) =>
    JSON.parse(
      normalize(text).replace(/"fingerprint": "sha256:[0-9a-f]{64}"/g, '"fingerprint": "<fingerprint>"'),
    );

  it.each([
    ['delete-root-credentials', ['--account', `${PAYMENTS},${WEB}`]],
    ['delete-root-credentials', ['--all-exposed', '--only', 'access-keys']],
    ['allow-password-recovery', ['--account', '300000000005']],
    ['unlock-s3-bucket-policy', ['--account', LOCKED, '--bucket', BUCKET]],
    ['unlock-sqs-queue-policy', ['--account', LOCKED, '--queue-url', '<queue>']],
    ['enable-root-access', ['--root-sessions']],
  ])('plan %s %j --json', async (task, args) => {
    const { stdout, exitCode } = await rootwarden([
      'plan',
      task,
      ...args.map((arg) => (arg === '<queue>' ? queueUrl() : arg)),
      '--json',
    ]);
    expect(exitCode).toBe(0);
    expect(snapshot(stdout)).toMatchSnapshot();
  });

  it('plan prints a table for review, and markdown with the policy backup', async () => {
    const table = await rootwarden(['plan', 'delete-root-credentials', '--account', PAYMENTS]);
    expect(table.exitCode).toBe(0);
    expect(normalize(table.stdout)).toMatchSnapshot();
    const markdown = await rootwarden([
      'plan',
      'unlock-s3-bucket-policy',
      '--account',
      LOCKED,
      '--bucket',
      BUCKET,
      '--format',
      'markdown',
    ]);
    expect(markdown.stdout).toContain('```json\n{"Version":"2012-10-17"');
    expect(normalize(markdown.stdout)).toMatchSnapshot();
  });

  it('apply --yes --json deletes exactly what the plan showed; plan show reports it applied', async () => {
    const plan = JSON.parse(
      (await rootwarden(['plan', 'delete-root-credentials', '--account', WEB, '--json'])).stdout,
    );
    const applied = await rootwarden(['apply', plan.planId, '--yes', '--json']);
    expect(applied.exitCode).toBe(0);
    expect(snapshot(applied.stdout)).toMatchSnapshot();
    expect(sandbox.admin.rootCredentials(WEB)).toMatchObject({
      loginProfile: null,
      accessKeys: [],
      signingCertificates: [],
      mfaDevices: [],
    });
    const shown = await rootwarden(['plan', 'show', plan.planId, '--json']);
    expect(JSON.parse(shown.stdout)).toEqual({ ...plan, status: 'applied' });
    const table = await rootwarden(['apply', plan.planId, '--yes']);
    expect(table.exitCode).toBe(0);
    expect(normalize(table.stdout)).toMatchSnapshot();
  });

  it('apply refuses without a terminal unless --yes, and changes nothing', async () => {
    const plan = JSON.parse(
      (await rootwarden(['plan', 'delete-root-credentials', '--account', PAYMENTS, '--json'])).stdout,
    );
    const calls = sandbox.admin.calls().length;
    const refused = await rootwardenProcessAsync(['apply', plan.planId], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Refusing to apply plan');
    expect(refused.stderr).toContain('there is no terminal to ask on');
    expect(refused.stderr).toContain('--yes');
    expect(refused.stderr).not.toMatch(STACK_TRACE);
    expect(sandbox.admin.calls().length).toBe(calls);
    expect(sandbox.admin.rootCredentials(PAYMENTS).accessKeys).toHaveLength(2);
  });

  it('apply refuses a stale plan (exit 1, what changed) and an expired one', async () => {
    const plan = JSON.parse(
      (await rootwarden(['plan', 'delete-root-credentials', '--account', PAYMENTS, '--json'])).stdout,
    );
    sandbox.admin.deleteLoginProfile(PAYMENTS);
    const stale = await rootwardenProcessAsync(['apply', plan.planId, '--yes'], env);
    expect(stale.exitCode).toBe(1);
    expect(unwrap(stale.stderr)).toContain('[PLAN_STALE]');
    expect(unwrap(stale.stderr)).toContain('account 300000000003: the root password is gone');
    expect(stale.stderr).not.toMatch(STACK_TRACE);
    const json = await rootwarden(['apply', plan.planId, '--yes', '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'PLAN_STALE' });
  });

  it('unlock, then restore-policy puts the policy back byte for byte', async () => {
    const original = sandbox.admin.bucketPolicy(BUCKET);
    const plan = JSON.parse(
      (
        await rootwarden([
          'plan',
          'unlock-s3-bucket-policy',
          '--account',
          LOCKED,
          '--bucket',
          BUCKET,
          '--json',
        ])
      ).stdout,
    );
    expect((await rootwarden(['apply', plan.planId, '--yes'])).exitCode).toBe(0);
    expect(sandbox.admin.bucketPolicy(BUCKET)).toBeNull();
    const refused = await rootwardenProcessAsync(['restore-policy', plan.planId], env);
    expect(refused.exitCode).toBe(2);
    expect(sandbox.admin.bucketPolicy(BUCKET)).toBeNull();
    const restored = await rootwarden(['restore-policy', plan.planId, '--yes', '--json']);
    expect(restored.exitCode).toBe(0);
    expect(snapshot(restored.stdout)).toMatchSnapshot();
    expect(sandbox.admin.bucketPolicy(BUCKET)).toBe(original);
  });

  it('an apply process killed (SIGKILL) during an AWS call: applying again finishes without repeating', async () => {
    const plan = JSON.parse(
      (await rootwarden(['plan', 'delete-root-credentials', '--account', PAYMENTS, '--json'])).stdout,
    );
    // The first deletion reaches the sandbox (state changed, call logged), its answer is held back: kill then.
    sandbox.admin.setLatency({ perOperation: { 'iam:DeleteAccessKey': { fixedMs: 10_000, jitterMs: 0 } } });
    const child = spawn(process.execPath, [BIN, 'apply', plan.planId, '--yes'], {
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    for (let waited = 0; sandbox.admin.calls({ operation: 'DeleteAccessKey' }).length === 0; waited += 50) {
      if (waited > 60_000) throw new Error('apply never reached DeleteAccessKey');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    sandbox.admin.setLatency({ perOperation: {} });

    const resumed = await rootwarden(['apply', plan.planId, '--yes', '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'applied', resumed: true });
    const outcomes = JSON.parse(resumed.stdout).actions.map((a: { outcome: string }) => a.outcome);
    expect(outcomes).toEqual(['already-done', 'done', 'done', 'done']);
    const mutating = sandbox.admin
      .calls()
      .filter((call) => /^(Delete|Deactivate|Create)/.test(call.operation))
      .map((call) => `${call.operation} ${call.outcome}`);
    expect(mutating).toEqual([
      'DeleteAccessKey OK',
      'DeleteAccessKey OK',
      'DeleteLoginProfile OK',
      'DeactivateMFADevice OK',
    ]);
    expect(sandbox.admin.rootCredentials(PAYMENTS)).toMatchObject({
      loginProfile: null,
      accessKeys: [],
      mfaDevices: [],
    });
  }, 120_000);

  it.each<[string, string[], number, string, string]>([
    [
      'an unknown plan id',
      ['apply', '00000000-0000-4000-8000-000000000000', '--yes'],
      2,
      'PLAN_NOT_FOUND',
      'No saved plan',
    ],
    ['a malformed plan id', ['apply', 'abc', '--yes'], 2, 'INVALID_INPUT', 'planId: must be a plan id'],
    [
      'plan show of an unknown plan',
      ['plan', 'show', '00000000-0000-4000-8000-000000000000'],
      2,
      'PLAN_NOT_FOUND',
      'No saved plan',
    ],
    [
      'the management account as target',
      ['plan', 'delete-root-credentials', '--account', '300000000000'],
      2,
      'MANAGEMENT_ACCOUNT_TARGET',
      'is the management account',
    ],
    [
      'a bucket that does not exist',
      ['plan', 'unlock-s3-bucket-policy', '--account', LOCKED, '--bucket', 'no-such-bucket'],
      2,
      'RESOURCE_NOT_FOUND',
      'Bucket no-such-bucket is not in account 300000000011',
    ],
    [
      'a queue that does not exist',
      [
        'plan',
        'unlock-sqs-queue-policy',
        '--account',
        LOCKED,
        '--queue-url',
        'https://sqs.us-east-1.amazonaws.com/300000000011/nope',
      ],
      2,
      'RESOURCE_NOT_FOUND',
      'does not exist in account 300000000011',
    ],
    [
      'a suspended account',
      ['plan', 'allow-password-recovery', '--account', '300000000008'],
      2,
      'ACCOUNT_NOT_ACTIVE',
      'is SUSPENDED',
    ],
    [
      'an account outside the organization',
      ['credential-process', '--account', '999999999999'],
      2,
      'ACCOUNT_NOT_IN_ORG',
      'is not a member of organization',
    ],
    [
      'neither --account nor --all-exposed',
      ['plan', 'delete-root-credentials'],
      2,
      'INVALID_INPUT',
      '--all-exposed',
    ],
    [
      'a malformed bucket name',
      ['plan', 'unlock-s3-bucket-policy', '--account', LOCKED, '--bucket', 'A_B'],
      2,
      'USAGE',
      'must be an S3 bucket name',
    ],
    [
      'a malformed queue URL',
      ['plan', 'unlock-sqs-queue-policy', '--account', LOCKED, '--queue-url', 'orders'],
      2,
      'USAGE',
      'must be an SQS queue URL',
    ],
    [
      'an unknown --only kind',
      ['plan', 'delete-root-credentials', '--account', PAYMENTS, '--only', 'keys'],
      2,
      'USAGE',
      'Expected --only=keys',
    ],
    [
      'an unknown task',
      ['exec', '--account', PAYMENTS, '--task', 'root', '--', 'true'],
      2,
      'USAGE',
      'Expected --task=root',
    ],
  ])('%s', async (_name, args, exitCode, code, text) => {
    const { stderr: raw, exitCode: actual } = await rootwardenProcessAsync(args, env);
    const stderr = unwrap(raw);
    expect(actual).toBe(exitCode);
    expect(stderr).toContain(text);
    if (code !== 'USAGE') expect(stderr).toContain(`[${code}]`);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('a task the organization has not enabled', async () => {
    sandbox.admin.setOrganization({ rootFeatures: ['RootCredentialsManagement'] });
    const s3 = await rootwardenProcessAsync(
      ['plan', 'unlock-s3-bucket-policy', '--account', LOCKED, '--bucket', BUCKET],
      env,
    );
    expect(s3.exitCode).toBe(1);
    expect(s3.stderr).toContain('[ROOT_SESSIONS_NOT_ENABLED]');
    expect(s3.stderr).toContain('rootwarden org enable --root-sessions');
    sandbox.admin.setOrganization({ rootFeatures: [] });
    const iam = await rootwardenProcessAsync(['plan', 'allow-password-recovery', '--account', PAYMENTS], env);
    expect(iam.exitCode).toBe(1);
    expect(iam.stderr).toContain('[ROOT_ACCESS_NOT_ENABLED]');
    expect(iam.stderr).not.toMatch(STACK_TRACE);
  });
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('apply on a terminal', () => {
  it.skipIf(!hasScript)('asks, and does nothing when the answer is no; applies on yes', () => {
    const home = temporaryDirectory();
    const planned = rootwardenProcess(
      ['plan', 'delete-root-credentials', '--sandbox', 'exposed', '--account', PAYMENTS, '--json'],
      { ROOTWARDEN_HOME: home },
    );
    const { planId } = JSON.parse(planned.stdout);
    // Each apply runs its own in-process sandbox, fresh from the scenario: the state the plan saw.
    const onTerminal = (answer: string) =>
      spawnSync(
        'script',
        ['-qfec', `${process.execPath} ${BIN} apply ${planId} --sandbox exposed`, '/dev/null'],
        {
          encoding: 'utf8',
          input: answer,
          env: { ...process.env, ROOTWARDEN_HOME: home, NO_COLOR: '1', TERM: 'xterm-256color' },
          timeout: 120_000,
        },
      );
    const no = onTerminal('n\n');
    expect(no.stdout).toContain('Apply these 4 action(s)? [y/N]');
    expect(no.stdout).toContain('Cancelled; nothing was changed.');
    const yes = onTerminal('y\n');
    expect(yes.stdout).toContain(`Plan ${planId} applied: 4 done`);
  });
});
