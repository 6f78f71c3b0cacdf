import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@oclif/test';
import { createSandbox, type Sandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args: string[]) => runCommand(args, { root });
const exitOf = (error: { oclif?: { exit?: number } } | undefined) => (error ? (error.oclif?.exit ?? 1) : 0);

const ENV = [
  'ROOTWARDEN_HOME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
];

describe('drift end to end: rootwarden audit, a change in AWS, audit again, audits diff', () => {
  let sandbox: Sandbox;
  let server: { url: string; close(): Promise<void> };
  let dir: string;
  const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    sandbox = createSandbox({ scenario: 'blog' });
    server = await sandbox.listen({ port: 0, host: '127.0.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'rootwarden-cli-drift-'));
    const principal = sandbox.managementPrincipal();
    process.env.ROOTWARDEN_HOME = join(dir, 'home');
    process.env.AWS_ACCESS_KEY_ID = principal.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = principal.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves each audit, finds the drift, and exits 3 with --fail-on-drift', async () => {
    const first = await run(['audit', '--endpoint-url', server.url, '--fail-on', 'never']);
    expect(first.error).toBeUndefined();
    expect(first.stderr).toMatch(/Saved as audit [0-9a-f-]{36}/);

    sandbox.admin.createLoginProfile('222222222222', { createDate: '2026-01-05T10:00:00Z' });
    sandbox.admin.removeMfaDevice('111111111111', 'arn:aws:iam::111111111111:mfa/Authapp');
    const second = await run([
      'audit',
      '--endpoint-url',
      server.url,
      '--format',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(second.error).toBeUndefined();
    const secondId = JSON.parse(second.stdout).auditId;

    // --no-save leaves the history alone.
    const unsaved = await run(['audit', '--endpoint-url', server.url, '--no-save', '--fail-on', 'never']);
    expect(unsaved.error).toBeUndefined();
    expect(unsaved.stderr).not.toContain('Saved as audit');
    const list = await run(['audits', 'list', '--json']);
    const audits = JSON.parse(list.stdout).audits as { auditId: string; organizationId: string }[];
    expect(audits).toHaveLength(2);
    expect(audits[0]?.auditId).toBe(secondId);

    const diff = await run(['audits', 'diff', '--fail-on-drift', '--json']);
    expect(exitOf(diff.error)).toBe(3);
    const body = JSON.parse(diff.stdout);
    expect(body.after.auditId).toBe(secondId);
    expect(
      body.accounts.map((account: { accountId: string; credentials: { kind: string; change: string }[] }) => [
        account.accountId,
        account.credentials.map((credential) => `${credential.kind} ${credential.change}`),
      ]),
    ).toEqual([
      ['111111111111', ['mfa-device disappeared']],
      ['222222222222', ['password appeared']],
    ]);

    const table = await run(['audits', 'diff']);
    expect(table.error).toBeUndefined();
    expect(table.stdout).toContain('clean → exposed');
    expect(table.stdout).toContain('+ password');
  });
});
