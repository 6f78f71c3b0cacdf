import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, sandboxUserEnvironment, temporaryDirectory } from './helpers.js';

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Every command of the CLI runs against a sandbox served over HTTP, as a user would point it at AWS;
 * then no secret the sandbox ever issued (root-session keys and tokens, static keys) may appear in
 * any stdout, stderr, written file or saved state.
 */
describe('leak test', () => {
  const sandbox = createSandbox({ scenario: 'exposed' });
  let close: () => Promise<void>;
  let server: { url: string; close: () => Promise<void> };
  const outputs: Array<{ what: string; text: string }> = [];
  const home = temporaryDirectory('rootwarden-leak-home-');
  const files = temporaryDirectory('rootwarden-leak-files-');
  const childSecretFile = join(temporaryDirectory('rootwarden-leak-child-'), 'secret');
  let credentialProcessStdout = '';

  beforeAll(async () => {
    server = await sandbox.listen({ port: 0 });
    close = server.close;
    const env = { ...sandboxUserEnvironment(sandbox, server.url), ROOTWARDEN_HOME: home };
    const commands: string[][] = [
      ['org', 'status'],
      ['org', 'status', '--json'],
      ['org', 'enable', '--root-sessions', '--yes'],
      ['accounts', 'list'],
      ['accounts', 'list', '--json'],
      ['audit'],
      ['audit', '--json'],
      ['audit', '--format', 'jsonl'],
      ...['json', 'jsonl', 'csv', 'markdown', 'sarif', 'table', 'html', 'ocsf'].map((format) => [
        'audit',
        '--format',
        format,
        '--output',
        join(files, `report.${format}`),
      ]),
      ['audit', '--compliance', 'cis-7.0', '--format', 'json'],
      [
        'exceptions',
        'add',
        '--account',
        '300000000002',
        '--reason',
        'leak-check',
        '--owner',
        'tests',
        '--expires',
        '2099-01-01',
      ],
      ['exceptions', 'list', '--history', '--json'],
      ['audit', '--format', 'html'],
      ['audit', '--account', '999999999999'],
      ['audit', '--ou', 'ou-exp0-zzzzzzzz', '--json'],
    ];
    const run = async (args: string[]) => {
      const result = await rootwardenProcessAsync(args, env);
      outputs.push({ what: `stdout of ${args.join(' ')}`, text: result.stdout });
      outputs.push({ what: `stderr of ${args.join(' ')}`, text: result.stderr });
      return result;
    };
    for (const args of commands) await run(args);

    // Plans of every task, their review formats, apply (table, JSON, again, stale, refused), restore-policy.
    const planIdOf = async (args: string[]) =>
      JSON.parse((await run([...args, '--json'])).stdout).planId as string;
    const queueUrl = `${server.url}/300000000011/locked-events`;
    const deletePlan = await planIdOf([
      'plan',
      'delete-root-credentials',
      '--account',
      '300000000003,300000000004',
    ]);
    const stalePlan = await planIdOf(['plan', 'delete-root-credentials', '--account', '300000000007']);
    const exposedPlan = await planIdOf([
      'plan',
      'delete-root-credentials',
      '--all-exposed',
      '--only',
      'access-keys',
    ]);
    const recoveryPlan = await planIdOf(['plan', 'allow-password-recovery', '--account', '300000000005']);
    const bucketPlan = await planIdOf([
      'plan',
      'unlock-s3-bucket-policy',
      '--account',
      '300000000011',
      '--bucket',
      'exposed-locked-audit-logs',
    ]);
    const queuePlan = await planIdOf([
      'plan',
      'unlock-sqs-queue-policy',
      '--account',
      '300000000011',
      '--queue-url',
      queueUrl,
    ]);
    await run(['plan', 'enable-root-access', '--root-sessions']);
    for (const format of ['table', 'json', 'markdown'])
      await run(['plan', 'show', bucketPlan, '--format', format]);
    await run(['apply', deletePlan]); // no terminal, no --yes: refused
    await run(['apply', deletePlan, '--yes']);
    await run(['apply', deletePlan, '--yes', '--json']);
    for (const plan of [exposedPlan, recoveryPlan, bucketPlan, queuePlan])
      await run(['apply', plan, '--yes', '--format', 'markdown']);
    sandbox.admin.addSigningCertificate('300000000007');
    await run(['apply', stalePlan, '--yes']);
    await run(['apply', stalePlan, '--yes', '--json']);
    await run(['restore-policy', bucketPlan, '--yes']);
    await run(['restore-policy', queuePlan, '--yes', '--json']);
    await run(['plan', 'unlock-s3-bucket-policy', '--account', '300000000011', '--bucket', 'no-such-bucket']);
    await run(['plan', 'delete-root-credentials', '--account', '300000000000', '--json']);

    // exec: the session reaches the child's environment (the child writes it to a file outside the scanned
    // directories), and nothing of it reaches rootwarden's own output.
    await run([
      'exec',
      '--account',
      '300000000003',
      '--',
      'sh',
      '-c',
      `printenv AWS_SECRET_ACCESS_KEY > ${childSecretFile}`,
    ]);
    await run([
      'exec',
      '--account',
      '300000000003',
      '--task',
      'unlock-s3',
      '--',
      'sh',
      '-c',
      'echo child output; exit 3',
    ]);
    await run(['exec', '--account', '300000000000', '--', 'true']);
    // credential-process: the JSON on stdout is what the user asked for; it is checked apart, stderr with the rest.
    const processResult = await rootwardenProcessAsync(
      ['credential-process', '--account', '300000000003', '--task', 'audit'],
      env,
    );
    credentialProcessStdout = processResult.stdout;
    outputs.push({ what: 'stderr of credential-process', text: processResult.stderr });
    await run(['credential-process', '--account', '999999999999']);
    for (const file of [...filesUnder(files), ...filesUnder(home)]) {
      outputs.push({ what: file, text: readFileSync(file).toString('latin1') });
    }
  }, 480_000);
  afterAll(() => close());

  it('ran the commands and the sandbox issued root-session secrets', () => {
    const kinds = new Set(sandbox.admin.secrets().map((secret) => secret.kind));
    expect(sandbox.admin.sessions().length + sandbox.admin.secrets().length).toBeGreaterThan(10);
    expect([...kinds].some((kind) => /session/i.test(kind))).toBe(true);
    expect(outputs.some((output) => output.text.includes('ROOT_ACCESS_KEY_ACTIVE'))).toBe(true);
  });

  it('the plan commands ran: plans saved, applied, restored, refused', () => {
    const text = (what: string) =>
      outputs
        .filter((output) => output.what.startsWith(what))
        .map((o) => o.text)
        .join('\n');
    expect(text('stdout of apply')).toContain('applied: 7 done');
    expect(text('stderr of apply')).toContain('there is no terminal to ask on');
    expect(text('stderr of apply')).toContain('[PLAN_STALE]');
    expect(text('stdout of restore-policy')).toContain('"outcome": "done"');
    expect(text('stderr of plan unlock-s3-bucket-policy')).toContain('[RESOURCE_NOT_FOUND]');
    expect(text('stdout of exec')).toContain('child output');
    expect(filesUnder(home).some((file) => file.endsWith('rootwarden.db'))).toBe(true);
  });

  it('exec puts the session only in the child environment; credential-process only on its stdout', () => {
    const sessionSecrets = sandbox.admin
      .secrets()
      .filter((secret) => secret.kind === 'session-secret-access-key')
      .map((secret) => secret.value);
    expect(sessionSecrets).toContain(readFileSync(childSecretFile, 'utf8').trim());
    const json = JSON.parse(credentialProcessStdout);
    expect(json).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(sessionSecrets).toContain(json.SecretAccessKey);
  });

  it('no issued secret appears in any output, file or saved state', () => {
    const secrets = sandbox.admin.secrets();
    expect(secrets.length).toBeGreaterThan(0);
    for (const { what, text } of outputs) {
      for (const secret of secrets) {
        expect(text.includes(secret.value), `${secret.kind} of ${secret.owner} found in ${what}`).toBe(false);
      }
    }
  });
});
