import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@oclif/test';
import { renderReport } from '@rootwarden/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyReports, IDS, seedHistory } from './history-fixtures.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');

let dir: string;
let home: string;
const previousHome = process.env.ROOTWARDEN_HOME;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rootwarden-cli-'));
  home = join(dir, 'home');
  process.env.ROOTWARDEN_HOME = home;
});
afterEach(() => {
  if (previousHome === undefined) delete process.env.ROOTWARDEN_HOME;
  else process.env.ROOTWARDEN_HOME = previousHome;
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runCommand(args, { root });
const exitOf = (error: { oclif?: { exit?: number } } | undefined) => (error ? (error.oclif?.exit ?? 1) : 0);

/** The real binary in a child process (async: a test's HTTP server must keep answering): stderr and exit code. */
function spawnCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ROOTWARDEN_HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // oclif wraps error lines at the terminal width (` ›   ` continuation lines): unwrap them.
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.replace(/\s*\n ›\s+/g, ' ') }));
  });
}

describe('rootwarden audits list', () => {
  it('prints saved audits newest first, as a table and as --json', async () => {
    await seedHistory(home);
    const table = await run(['audits', 'list']);
    expect(table.error).toBeUndefined();
    const ids = table.stdout.split('\n').flatMap((line) => line.match(/^[0-9a-f-]{36}/) ?? []);
    expect(ids).toEqual([IDS.third, IDS.second, IDS.otherOrg, IDS.first]);
    expect(table.stdout).toContain('4 audits (newest first)');

    const json = await run(['audits', 'list', '--json', '--limit', '2', '--organization', 'o-a1b2c3d4e5']);
    expect(json.error).toBeUndefined();
    expect(JSON.parse(json.stdout)).toMatchSnapshot();
  });

  it('says how to save the first audit when there is none', async () => {
    const { stdout, error } = await run(['audits', 'list']);
    expect(error).toBeUndefined();
    expect(stdout).toContain('No saved audits in');
    expect(stdout).toContain('rootwarden audit');
  });

  it('refuses a malformed organization id as a usage error', async () => {
    const { error } = await run(['audits', 'list', '--organization', 'acme']);
    expect(exitOf(error)).toBe(2);
    expect(error?.message).toMatch(/organizationId: must be an organization id/);
  });
});

describe('rootwarden audits show', () => {
  it('prints the saved report in every format of `audit`, by id or prefix', async () => {
    await seedHistory(home);
    const saved = historyReports()[3];
    if (!saved) throw new Error('fixture');
    const json = await run(['audits', 'show', IDS.third, '--json']);
    expect(json.error).toBeUndefined();
    expect(JSON.parse(json.stdout)).toMatchSnapshot();
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(renderReport(saved, 'json')));

    const csv = await run(['audits', 'show', '5e6f7a8b', '--format', 'csv']);
    expect(csv.stdout).toBe(renderReport(saved, 'csv'));

    const table = await run(['audits', 'show', '5E6F']);
    expect(table.stdout).toContain('ROOT_ACCESS_KEY_ACTIVE');
    expect(table.stdout).toMatch(/2 accounts: 2 exposed/);

    const file = join(dir, 'report.sarif');
    const sarif = await run(['audits', 'show', IDS.third, '--format', 'sarif', '--output', file]);
    expect(sarif.error).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe('2.1.0');
    expect(sarif.stderr).toContain(`Report written to ${file} (sarif).`);
  });

  it('gives usage errors (exit 2) for unknown, malformed and ambiguous ids', async () => {
    await seedHistory(home);
    const unknown = await run(['audits', 'show', 'ffff0000-0000-4000-8000-000000000000']);
    expect(exitOf(unknown.error)).toBe(2);
    expect(unknown.error?.message).toContain(
      'No saved audit ffff0000-0000-4000-8000-000000000000. [AUDIT_NOT_FOUND]',
    );
    const malformed = await run(['audits', 'show', 'latest!']);
    expect(exitOf(malformed.error)).toBe(2);
    expect(malformed.error?.message).toMatch(/id: must be an audit id/);
    const ambiguous = await run(['audits', 'show', '1a2b3c4d']);
    expect(exitOf(ambiguous.error)).toBe(2);
    expect(ambiguous.error?.message).toMatch(/matches several saved audits/);
    const missing = await run(['audits', 'show']);
    expect(exitOf(missing.error)).toBe(2);
  });

  it('answers --json errors as JSON with the same exit code', async () => {
    await seedHistory(home);
    const { stdout, error } = await run(['audits', 'show', 'ffff0000', '--json']);
    expect(exitOf(error)).toBe(2);
    expect(JSON.parse(stdout).error.code).toBe('AUDIT_NOT_FOUND');
  });
});

describe('rootwarden audits diff', () => {
  it('diffs the last two audits of the organization by default (table, json, markdown)', async () => {
    await seedHistory(home);
    const table = await run(['audits', 'diff']);
    expect(table.error).toBeUndefined();
    expect(table.stdout).toContain(`audit ${IDS.second}`);
    expect(table.stdout).toContain('+ password');
    expect(table.stdout).toContain('+ access key AKIAEXAMPLEROOTKEY01 (Active)');
    expect(table.stdout).toContain('- MFA device arn:aws:iam::222222222222:mfa/root (virtual)');
    expect(table.stdout).toContain('clean → exposed');
    expect(table.stdout).toMatch(/^Drift: 2 account\(s\) changed/m);

    const json = await run(['audits', 'diff', '--json']);
    expect(json.error).toBeUndefined();
    const diff = JSON.parse(json.stdout);
    expect([diff.before.auditId, diff.after.auditId]).toEqual([IDS.second, IDS.third]);
    expect(diff).toMatchSnapshot();

    const markdown = await run(['audits', 'diff', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^# Root credential drift in o-a1b2c3d4e5/);
  });

  it('diffs given audits; no drift between identical states', async () => {
    await seedHistory(home);
    const { stdout, error } = await run(['audits', 'diff', IDS.first, IDS.second, '--fail-on-drift']);
    expect(error).toBeUndefined();
    expect(stdout).toContain('No drift: 2 account(s) unchanged.');
  });

  it('exits 3 on drift with --fail-on-drift (also with --json)', async () => {
    await seedHistory(home);
    const plain = await run(['audits', 'diff', '--fail-on-drift']);
    expect(exitOf(plain.error)).toBe(3);
    const json = await run([
      'audits',
      'diff',
      '1a2b3c4d-0000-4000-8000-000000000002',
      '--fail-on-drift',
      '--json',
    ]);
    expect(exitOf(json.error)).toBe(3);
    expect(JSON.parse(json.stdout).drift).toBe(true);
  });

  it('gives usage errors for another organization and for fewer than two audits', async () => {
    await seedHistory(home);
    const otherOrg = await run(['audits', 'diff', IDS.first, IDS.otherOrg]);
    expect(exitOf(otherOrg.error)).toBe(2);
    expect(otherOrg.error?.message).toMatch(/only audits of the same organization can be compared/);
    rmSync(home, { recursive: true });
    await seedHistory(home, historyReports().slice(0, 1));
    const one = await run(['audits', 'diff']);
    expect(exitOf(one.error)).toBe(2);
    expect(one.error?.message).toMatch(/Only one saved audit of organization o-a1b2c3d4e5/);
  });
});

describe('a broken history', () => {
  it('a corrupt database file: exit 1, a clear message, no stack trace', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'rootwarden.db'), 'not a database '.repeat(500));
    const result = await spawnCli(['audits', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a readable rootwarden database');
    expect(result.stderr).toContain('[STORE_CORRUPT]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a ROOTWARDEN_HOME that cannot be created: exit 1, a clear message, no stack trace', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const result = await spawnCli(['audits', 'show', IDS.first], {
      ROOTWARDEN_HOME: join(dir, 'a-file', 'home'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[STORE_UNAVAILABLE]');
    expect(result.stderr).toContain('ROOTWARDEN_HOME');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown id from the real binary: exit 2, no stack trace', async () => {
    await seedHistory(home);
    const result = await spawnCli(['audits', 'diff', 'ffff0000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[AUDIT_NOT_FOUND]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('rootwarden audit and the history', () => {
  // An endpoint that refuses every AWS call: enough to see whether `audit` opened the history before
  // calling AWS, or not at all with --no-save (the end-to-end save test runs against the sandbox).
  let server: Server;
  let requests: number;
  let endpoint: string;
  beforeEach(async () => {
    requests = 0;
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const awsEnv = () => ({
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });

  it('an unusable history does not stop the audit from calling AWS (the report matters more)', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const result = await spawnCli(['audit', '--endpoint-url', endpoint], {
      ...awsEnv(),
      ROOTWARDEN_HOME: join(dir, 'a-file', 'home'),
    });
    // This endpoint denies every call: the audit fails for that reason, after trying AWS.
    expect(result.code).toBe(1);
    expect(requests).toBeGreaterThan(0);
  });

  it('--no-save never opens the history', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const result = await spawnCli(['audit', '--no-save', '--endpoint-url', endpoint], {
      ...awsEnv(),
      ROOTWARDEN_HOME: join(dir, 'a-file', 'home'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('STORE_');
    expect(requests).toBeGreaterThan(0);
  });
});
