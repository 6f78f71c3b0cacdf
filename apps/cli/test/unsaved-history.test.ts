import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAN_MOUNT, mountSmallFilesystem, type SmallFilesystem } from '@rootwarden/test-utils';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { rootwardenProcess, rootwardenProcessAsync, STACK_TRACE, temporaryDirectory } from './helpers.js';

// The real binary against the in-process sandbox: a history that cannot be saved never costs the report.
const oneLine = (text: string) => text.replace(/\n\s*›\s*/g, ' ').replace(/\s+/g, ' ');

function auditWithHome(home: string, ...args: string[]) {
  return rootwardenProcess(['audit', '--sandbox', 'blog', '--format', 'json', ...args], {
    ROOTWARDEN_HOME: home,
  });
}

/** The report reached stdout whole, the exit code is the one of a saved audit, the cause is named. */
function expectReportWithWarning(result: ReturnType<typeof auditWithHome>, cause: string, code: string) {
  expect(JSON.parse(result.stdout).accounts).toHaveLength(7);
  // blog has findings at the default --fail-on low: exit 3, as when the report is saved.
  expect(result.exitCode).toBe(3);
  const stderr = oneLine(result.stderr);
  expect(stderr).toContain('Warning: the report was not saved to the history');
  expect(stderr).toContain(cause);
  expect(stderr).toContain(`[${code}]`);
  expect(stderr).toContain('--no-save');
  expect(stderr).not.toContain('INTERNAL');
  expect(stderr).not.toContain('Saved as audit');
  expect(result.stderr).not.toMatch(STACK_TRACE);
}

describe('a history that cannot be saved: the report is still written, with a warning', () => {
  it('an uncreatable ROOTWARDEN_HOME (a file in the way): ENOTDIR', () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'a-file'), 'x');
    expectReportWithWarning(auditWithHome(join(dir, 'a-file', 'home')), 'ENOTDIR', 'STORE_UNAVAILABLE');
  });

  it.each([
    ['empty (0 bytes)', ''],
    ['garbage', 'not a database '.repeat(500)],
  ])(
    'a %s database: STORE_CORRUPT, and the file is left as it was (never a fresh history)',
    (what, content) => {
      const home = temporaryDirectory();
      writeFileSync(join(home, 'rootwarden.db'), content);
      expectReportWithWarning(
        auditWithHome(home),
        what === 'garbage' ? 'SQLite header' : 'empty (0 bytes)',
        'STORE_CORRUPT',
      );
      expect(readFileSync(join(home, 'rootwarden.db'), 'utf8')).toBe(content);
    },
  );

  it('--json: the warning still reaches stderr (oclif silences its own stderr logging under --json)', () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'a-file'), 'x');
    const result = rootwardenProcess(['audit', '--sandbox', 'blog', '--json'], {
      ROOTWARDEN_HOME: join(dir, 'a-file', 'home'),
    });
    expectReportWithWarning(result, 'ENOTDIR', 'STORE_UNAVAILABLE');
  });

  it('--output still gets the report', () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'a-file'), 'x');
    const output = join(dir, 'report.json');
    const result = rootwardenProcess(['audit', '--sandbox', 'blog', '--format', 'json', '--output', output], {
      ROOTWARDEN_HOME: join(dir, 'a-file', 'home'),
    });
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(readFileSync(output, 'utf8')).accounts).toHaveLength(7);
    expect(oneLine(result.stderr)).toContain('Warning: the report was not saved');
  });
});

describe('audits list with one damaged row', () => {
  it('lists the others and names the damaged one on stderr', { timeout: 180_000 }, () => {
    const home = temporaryDirectory();
    for (let run = 0; run < 3; run += 1) expect(auditWithHome(home).exitCode).toBe(3);
    const raw = new Database(join(home, 'rootwarden.db'));
    const [damaged] = raw.prepare('select id from audits order by started_at_ms limit 1').all() as {
      id: string;
    }[];
    raw.prepare("update audits set settings = '{oops' where id = ?").run(damaged?.id);
    raw.close();
    const result = rootwardenProcess(['audits', 'list', '--json'], { ROOTWARDEN_HOME: home });
    expect(result.exitCode).toBe(0);
    const listed = JSON.parse(result.stdout).audits as { auditId: string }[];
    expect(listed).toHaveLength(2);
    expect(listed.map((entry) => entry.auditId)).not.toContain(damaged?.id);
    expect(oneLine(result.stderr)).toContain(`saved audit ${damaged?.id} is unreadable`);
    expect(oneLine(result.stderr)).toContain('[STORE_CORRUPT]');
  });
});

describe.skipIf(!CAN_MOUNT)('a full or read-only disk (a small tmpfs; root or CAP_SYS_ADMIN)', () => {
  let disk: SmallFilesystem | undefined;
  afterEach(() => {
    disk?.remove();
    disk = undefined;
  });

  it('a read-only ROOTWARDEN_HOME: EROFS', () => {
    disk = mountSmallFilesystem(256 * 1024, true);
    expectReportWithWarning(auditWithHome(join(disk?.path as string, 'home')), 'EROFS', 'STORE_UNAVAILABLE');
  });

  it('a full disk: SQLITE_FULL (not INTERNAL: cannot rollback), the history left as it was', {
    timeout: 180_000,
  }, async () => {
    disk = mountSmallFilesystem(192 * 1024);
    const home = join(disk?.path as string, 'home');
    mkdirSync(home);
    // 300 accounts need more than the 192 KiB the disk has for the database (its WAL and index).
    const result = await rootwardenProcessAsync(
      ['audit', '--sandbox', 'generated:300', '--format', 'csv', '--fail-on', 'never'],
      { ROOTWARDEN_HOME: home },
    );
    expect(result.stdout.trim().split('\r\n')).toHaveLength(1 + 300);
    // generated:N has accounts that cannot be audited (exit 4), exactly as when the report is saved.
    expect(result.exitCode).toBe(4);
    const stderr = oneLine(result.stderr);
    expect(stderr).toContain('Warning: the report was not saved to the history');
    expect(stderr).toContain('SQLITE_FULL');
    expect(stderr).toContain('--no-save');
    expect(stderr).not.toContain('rollback');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(home)).toContain('rootwarden.db');
  });
});
