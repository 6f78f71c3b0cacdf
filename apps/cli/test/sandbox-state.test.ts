import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

interface AuditJson {
  accounts: { accountId: string; status: string; findings: { code: string }[] }[];
}

/** `--sandbox` is one organization across commands, kept in $ROOTWARDEN_HOME (spawned CLI, temp home). */
describe('a --sandbox organization kept between commands', () => {
  const run = (home: string, args: string[]) => rootwardenProcessAsync(args, { ROOTWARDEN_HOME: home });
  const audit = async (home: string, scenario: string): Promise<AuditJson> => {
    const result = await run(home, ['audit', '--sandbox', scenario, '--no-save', '--json']);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return JSON.parse(result.stdout) as AuditJson;
  };
  const statusOf = (report: AuditJson, accountId: string) =>
    report.accounts.find((account) => account.accountId === accountId)?.status;

  it('plan → the apply command the plan prints → audit shows the account clean; sandbox reset restores it', async () => {
    const home = temporaryDirectory();
    expect(statusOf(await audit(home, 'blog'), '111111111111')).toBe('exposed');

    const planned = await run(home, [
      'plan',
      'delete-root-credentials',
      '--sandbox',
      'blog',
      '--account',
      '111111111111',
    ]);
    expect(planned.exitCode).toBe(0);
    const hint = /Review it, then apply it: rootwarden (apply \S+ --sandbox blog)\n/.exec(planned.stdout);
    expect(hint, planned.stdout).not.toBeNull();
    // The command exactly as printed (plus --yes: no terminal here).
    const applied = await run(home, [...(hint?.[1] ?? '').split(' '), '--yes']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied: 4 done/);

    expect(statusOf(await audit(home, 'blog'), '111111111111')).toBe('clean');
    // Another scenario is another organization.
    expect(statusOf(await audit(home, 'exposed'), '300000000002')).toBe('exposed');

    const reset = await run(home, ['sandbox', 'reset', 'blog']);
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('Reset sandbox blog');
    expect(statusOf(await audit(home, 'blog'), '111111111111')).toBe('exposed');
    expect(existsSync(join(home, 'sandbox', 'exposed.state'))).toBe(true);

    const resetAll = await run(home, ['sandbox', 'reset', '--json']);
    expect(JSON.parse(resetAll.stdout)).toEqual({ reset: expect.arrayContaining(['blog', 'exposed']) });
    expect(existsSync(join(home, 'sandbox', 'exposed.state'))).toBe(false);
  }, 300_000);

  it('two audits of an unchanged sandbox show no drift (its dates are fixed when it is created)', async () => {
    const home = temporaryDirectory();
    for (let i = 0; i < 2; i += 1) expect((await run(home, ['audit', '--sandbox', 'blog'])).exitCode).toBe(3);
    const listed = JSON.parse((await run(home, ['audits', 'list', '--json'])).stdout) as {
      audits: { auditId: string }[];
    };
    const [newer, older] = listed.audits.map((entry) => entry.auditId);
    const diff = await run(home, ['audits', 'diff', older as string, newer as string]);
    expect(diff.stdout).toContain('No drift');
    expect(diff.stdout).not.toContain('re-created');
  }, 300_000);

  it('two applies at once on the same sandbox both count (no lost update)', async () => {
    const home = temporaryDirectory();
    const planIds: string[] = [];
    for (const account of ['300000000002', '300000000005']) {
      const planned = await run(home, [
        'plan',
        'delete-root-credentials',
        '--sandbox',
        'exposed',
        '--account',
        account,
        '--json',
      ]);
      planIds.push((JSON.parse(planned.stdout) as { planId: string }).planId);
    }
    const applied = await Promise.all(
      planIds.map((planId) => run(home, ['apply', planId, '--sandbox', 'exposed', '--yes'])),
    );
    for (const result of applied) expect(result.exitCode, result.stderr).toBe(0);
    const report = await audit(home, 'exposed');
    expect(statusOf(report, '300000000002')).toBe('clean');
    expect(statusOf(report, '300000000005')).toBe('clean');
    expect(statusOf(report, '300000000003')).toBe('exposed');
  }, 300_000);

  it('an unknown scenario for sandbox reset is a usage error naming the choices', async () => {
    const result = await run(temporaryDirectory(), ['sandbox', 'reset', 'blgo']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('did you mean "blog"');
  }, 120_000);
});
