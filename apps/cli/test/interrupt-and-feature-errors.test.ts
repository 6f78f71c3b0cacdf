import { spawn } from 'node:child_process';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { whenSandboxAnswers } from '@rootwarden/test-utils';
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
    // Interrupted once the sandbox (served by this test) has answered the first AssumeRoot: the audit is
    // under way, and with 25 ms per call its 3,000 accounts cannot all be audited before the signal lands.
    const sandbox = createSandbox({ scenario: 'generated:3000', latencyMs: 25 });
    const server = await sandbox.listen({ port: 0 });
    const child = spawn(process.execPath, [BIN, 'audit', '--format', 'jsonl', '--fail-on', 'never'], {
      env: { ...process.env, ...sandboxUserEnvironment(sandbox, server.url), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    void whenSandboxAnswers(sandbox, 'AssumeRoot', child).then((answered) => {
      if (!answered) return;
      interrupted = true;
      child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    await server.close();
    expect(interrupted).toBe(true);
    expect(stderr).toContain('Interrupted (SIGINT): finishing with a partial report');
    expect(code).toBe(4);
    const records = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; status?: string; error?: { code: string } });
    const summary = records.at(-1) as unknown as { type: string; complete: boolean };
    expect(summary).toMatchObject({ type: 'summary', complete: false });
    const accounts = records.filter((record) => record.type === 'account');
    expect(accounts.length).toBeGreaterThan(0);
    // Partial either way: listing stopped early (the accounts of pages not yet listed are missing), or every
    // account was listed and those not yet audited are `unknown` with ABORTED.
    const aborted = accounts.filter((account) => account.error?.code === 'ABORTED').length;
    expect(accounts.length < 3000 || aborted > 0, `${accounts.length} accounts, ${aborted} aborted`).toBe(
      true,
    );
    for (const account of accounts) {
      if (account.status === 'unknown')
        expect(['ABORTED', 'AWS_ACCESS_DENIED']).toContain(account.error?.code);
    }
  }, 180_000);
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
    // Organizations calls are paced to AWS's quotas: 1,200 accounts list for a minute or more on a
    // loaded CI machine.
  }, 300_000);
});
