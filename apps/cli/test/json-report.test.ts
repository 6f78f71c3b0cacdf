import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rootwardenProcess } from './helpers.js';

/**
 * `audit --format json` keeps each account's result on disk while the audit runs (json-spool.ts) and
 * writes them in account-id order at the end: the document must be the saved report's, and the spool
 * must be gone afterwards.
 */
describe('audit --format json', () => {
  const work = mkdtempSync(join(tmpdir(), 'rootwarden-json-report-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the saved report, accounts in account-id order and last, and leaves no spool behind', () => {
    const home = join(work, 'home');
    const spoolDir = mkdtempSync(join(work, 'tmp-'));
    const file = join(work, 'report.json');
    const env = { ROOTWARDEN_HOME: home, TMPDIR: spoolDir };
    const audit = rootwardenProcess(
      ['audit', '--sandbox', 'generated:60:7', '--format', 'json', '--output', file, '--fail-on', 'never'],
      env,
    );
    expect(audit.exitCode, audit.stderr).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    const ids = written.accounts.map((account: { accountId: string }) => account.accountId);
    expect(ids).toHaveLength(written.summary.accounts);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids).toEqual([...ids].sort());
    expect(Object.keys(written).at(-1)).toBe('accounts');
    expect(readdirSync(spoolDir).filter((name) => name.startsWith('rootwarden-report-'))).toEqual([]);

    const shown = rootwardenProcess(['audits', 'show', written.auditId, '--format', 'json'], env);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(written).toEqual(JSON.parse(shown.stdout));
  }, 120_000);

  it('a temporary directory that cannot be made never costs the report: the accounts stay in memory', () => {
    const blocked = join(work, 'a-file');
    writeFileSync(blocked, 'x');
    const file = join(work, 'report-in-memory.json');
    const audit = rootwardenProcess(
      [
        'audit',
        '--sandbox',
        'generated:60:7',
        '--format',
        'json',
        '--output',
        file,
        '--no-save',
        '--fail-on',
        'never',
      ],
      { ROOTWARDEN_HOME: join(work, 'home-2'), TMPDIR: join(blocked, 'tmp') },
    );
    expect(audit.exitCode, audit.stderr).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    const ids = written.accounts.map((account: { accountId: string }) => account.accountId);
    expect(ids).toHaveLength(written.summary.accounts);
    expect(ids).toEqual([...ids].sort());
  }, 120_000);
});
