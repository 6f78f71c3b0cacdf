import { openSqliteStore } from '@rootwarden/core';
import { describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, STACK_TRACE, temporaryDirectory } from './helpers.js';

/** Issue 10's papercuts, each through the real binary with a temp home. */
describe('first-hour papercuts', () => {
  const run = (home: string, args: string[]) => rootwardenProcessAsync(args, { ROOTWARDEN_HOME: home });

  it('apply takes a unique plan-id prefix, like audits show', async () => {
    const home = temporaryDirectory();
    const planned = await run(home, [
      'plan',
      'delete-root-credentials',
      '--sandbox',
      'blog',
      '--account',
      '111111111111',
      '--only',
      'access-keys',
      '--json',
    ]);
    const { planId } = JSON.parse(planned.stdout) as { planId: string };
    const applied = await run(home, ['apply', planId.slice(0, 8), '--sandbox', 'blog', '--yes']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Plan ${planId} applied`);
  }, 300_000);

  it('an ambiguous plan-id prefix is a usage error listing the candidates', async () => {
    const home = temporaryDirectory();
    const store = await openSqliteStore({ home });
    const ids = ['abcd1111-0000-4000-8000-000000000001', 'abcd2222-0000-4000-8000-000000000002'];
    for (const id of ids)
      await store.savePlan({
        id,
        createdAt: '2026-12-01T00:00:00.000Z',
        expiresAt: '2026-12-01T01:00:00.000Z',
        organizationId: 'o-example0001',
        task: 'delete-root-credentials',
        status: 'ready',
        fingerprint: 'none',
        body: {},
      });
    await store.close();
    const result = await run(home, ['apply', 'abcd', '--sandbox', 'blog', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('matches several saved plans');
    for (const id of ids) expect(result.stderr).toContain(id);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const none = await run(home, ['apply', 'ffff', '--sandbox', 'blog', '--yes']);
    expect(none.stderr).toContain('No saved plan ffff');
  }, 120_000);

  it('audit --summary shows the counts, findings by code and the worst accounts, not every account', async () => {
    const home = temporaryDirectory();
    const result = await run(home, ['audit', '--sandbox', 'exposed', '--summary', '--no-save']);
    expect(result.stdout).toMatch(/^14 accounts: 7 exposed, 2 clean, 1 unknown, 4 skipped/);
    expect(result.stdout).toContain('Findings by code:');
    expect(result.stdout).toMatch(/critical\s+ROOT_ACCESS_KEY_ACTIVE\s+2\n/);
    const worst = result.stdout.slice(result.stdout.indexOf('Worst 7 accounts:'));
    // The worst first: 300000000003 has a critical and three highs; 300000000005 a critical only.
    expect(worst.indexOf('300000000003')).toBeLessThan(worst.indexOf('300000000005'));
    expect(result.stdout).toMatch(/1 account\s+AWS_ACCESS_DENIED/);
    // Clean and skipped accounts are not listed.
    expect(result.stdout).not.toContain('300000000001');
    expect(result.stdout).not.toContain('300000000008');
    const refused = await run(home, ['audit', '--sandbox', 'exposed', '--summary', '--format', 'csv']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--summary is a view of the table format');
  }, 300_000);

  it('org status speaks in words, not code names', async () => {
    const result = await run(temporaryDirectory(), ['org', 'status', '--sandbox', 'blog']);
    expect(result.stdout).toContain('Root credentials management  enabled');
    expect(result.stdout).toContain('Privileged root actions      disabled');
    expect(result.stdout).toMatch(/Can do now\s+audit, delete root credentials/);
    expect(result.stdout).toMatch(/Cannot do yet\s+unlock S3 bucket and SQS queue policies/);
    expect(result.stdout).not.toMatch(/deleteRootCredentials|RootSessions +/);
  }, 120_000);

  it('--no-save reports cite no audit id (markdown, html); saved ones do', async () => {
    const home = temporaryDirectory();
    const unsaved = await run(home, ['audit', '--sandbox', 'blog', '--no-save', '--format', 'markdown']);
    expect(unsaved.stdout).toContain('Audit (not saved) by');
    expect(unsaved.stdout).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const html = await run(home, ['audit', '--sandbox', 'blog', '--no-save', '--format', 'html']);
    expect(html.stdout).toContain('none (not saved)');
    const saved = await run(home, ['audit', '--sandbox', 'blog', '--format', 'markdown']);
    expect(saved.stdout).toMatch(/Audit `[0-9a-f]{8}-[0-9a-f-]+` by/);
  }, 300_000);
});
