import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

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
  const outputs: Array<{ what: string; text: string }> = [];
  const home = temporaryDirectory('rootwarden-leak-home-');
  const files = temporaryDirectory('rootwarden-leak-files-');

  beforeAll(async () => {
    const server = await sandbox.listen({ port: 0 });
    close = server.close;
    const who = sandbox.managementPrincipal();
    const env = {
      AWS_ACCESS_KEY_ID: who.accessKeyId,
      AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: server.url,
      ROOTWARDEN_HOME: home,
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
    };
    const commands: string[][] = [
      ['org', 'status'],
      ['org', 'status', '--json'],
      ['org', 'enable', '--root-sessions', '--yes'],
      ['accounts', 'list'],
      ['accounts', 'list', '--json'],
      ['audit'],
      ['audit', '--json'],
      ['audit', '--format', 'jsonl'],
      ...['json', 'jsonl', 'csv', 'markdown', 'sarif', 'table'].map((format) => [
        'audit',
        '--format',
        format,
        '--output',
        join(files, `report.${format}`),
      ]),
      ['audit', '--account', '999999999999'],
      ['audit', '--ou', 'ou-exp0-zzzzzzzz', '--json'],
    ];
    for (const args of commands) {
      const result = await rootwardenProcessAsync(args, env);
      outputs.push({ what: `stdout of ${args.join(' ')}`, text: result.stdout });
      outputs.push({ what: `stderr of ${args.join(' ')}`, text: result.stderr });
    }
    for (const file of [...filesUnder(files), ...filesUnder(home)]) {
      outputs.push({ what: file, text: readFileSync(file).toString('latin1') });
    }
  }, 240_000);
  afterAll(() => close());

  it('ran the commands and the sandbox issued root-session secrets', () => {
    const kinds = new Set(sandbox.admin.secrets().map((secret) => secret.kind));
    expect(sandbox.admin.sessions().length + sandbox.admin.secrets().length).toBeGreaterThan(10);
    expect([...kinds].some((kind) => /session/i.test(kind))).toBe(true);
    expect(outputs.some((output) => output.text.includes('ROOT_ACCESS_KEY_ACTIVE'))).toBe(true);
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
