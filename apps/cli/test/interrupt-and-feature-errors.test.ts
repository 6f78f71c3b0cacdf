import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  rootwardenProcessAsync,
  STACK_TRACE,
  sandboxUserEnvironment,
  temporaryDirectory,
} from './helpers.js';

describe('seed feature errors in the CLI', () => {
  it('root access management off: the seed message, its code and the fix, exit 1', async () => {
    const sandbox = createSandbox({ scenario: 'blog' });
    sandbox.admin.setOrganization({ rootFeatures: [] });
    const server = await sandbox.listen({ port: 0 });
    try {
      const result = await rootwardenProcessAsync(['audit'], sandboxUserEnvironment(sandbox, server.url));
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('Service not enabled for AWS Organizations.');
      expect(result.stderr).toContain('[ROOT_ACCESS_NOT_ENABLED]');
      expect(result.stderr).toContain('rootwarden org enable');
      expect(result.stderr).not.toMatch(STACK_TRACE);
    } finally {
      await server.close();
    }
  });
});

describe('Ctrl-C', () => {
  it('finishes with a partial report marked incomplete and exit 4', async () => {
    const home = temporaryDirectory();
    const child = spawn(
      process.execPath,
      [BIN, 'audit', '--sandbox', 'generated:3000', '--format', 'json', '--fail-on', 'never'],
      {
        env: { ...process.env, ROOTWARDEN_HOME: home, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The history is opened after the signal handlers are installed: once it exists the audit runs
    // (startup is slow on a loaded machine). 3,000 accounts take well over 10 s: interrupt midway.
    while (!existsSync(join(home, 'rootwarden.db')) && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toContain('Interrupted (SIGINT): finishing with a partial report');
    expect(code).toBe(4);
    const report = JSON.parse(stdout);
    expect(report.complete).toBe(false);
    expect(report.accounts.length).toBeGreaterThan(0);
    // Listing stopped early: the accounts of pages not yet listed are missing, and accounts listed but not
    // yet audited (if any) are `unknown` with ABORTED.
    expect(report.accounts.length).toBeLessThan(3000);
    for (const account of report.accounts as Array<{ status: string; error?: { code: string } }>) {
      if (account.status === 'unknown')
        expect(['ABORTED', 'AWS_ACCESS_DENIED']).toContain(account.error?.code);
    }
  }, 60_000);
});

describe('large output to a pipe', () => {
  it('arrives whole even when the command exits non-zero (exit 3)', async () => {
    const result = await rootwardenProcessAsync(
      ['audit', '--sandbox', 'generated:1200', '--format', 'json'],
      {
        ROOTWARDEN_HOME: temporaryDirectory(),
      },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stdout.length).toBeGreaterThan(1_000_000);
    const report = JSON.parse(result.stdout);
    expect(report.accounts).toHaveLength(1200);
  }, 120_000);
});
