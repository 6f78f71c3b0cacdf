import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  createReadStream,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  CAN_MKNOD,
  CAN_MOUNT,
  makeCharacterDevice,
  makeFifo,
  mountSmallFilesystem,
} from '@rootwarden/test-utils';
import { describe, expect, it } from 'vitest';
import { BIN, rootwardenProcess, STACK_TRACE, temporaryDirectory } from './helpers.js';

// Every case runs the real binary: exit code, stderr and the file system afterwards are what a user gets.
const audit = (...args: string[]) =>
  rootwardenProcess(['audit', '--sandbox', 'blog', '--no-save', '--fail-on', 'never', ...args]);

/** stderr as one line: oclif wraps long messages at 80 columns behind ` ›   ` prefixes. */
const oneLine = (text: string) => text.replace(/\n\s*›\s*/g, ' ').replace(/\s+/g, ' ');

/** Our temporary files (`.NAME.PID.tmp`) left in `directory`. */
const leftovers = (directory: string) => readdirSync(directory).filter((name) => name.endsWith('.tmp'));

describe('--output to a regular file', () => {
  it('replaces the file atomically and keeps its mode', () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'report.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o640);
    const result = audit('--format', 'json', '--output', file);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).accounts.length).toBeGreaterThan(0);
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    expect(leftovers(directory)).toEqual([]);
  });

  it('refuses a read-only file (even as root), leaving it untouched: exit 2, no stack trace', () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'report.csv');
    writeFileSync(file, 'keep me');
    chmodSync(file, 0o444);
    const result = audit('--format', 'csv', '--output', file);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toContain('read-only (mode 0444)');
    expect(oneLine(result.stderr)).toContain('chmod u+w');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });

  it('cleans up temporary files that a killed run left, but never those of a live process', () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'report.json');
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const stale = join(directory, `.report.json.${dead}.tmp`);
    const live = join(directory, `.report.json.${process.pid}.tmp`);
    const other = join(directory, `.other.json.${dead}.tmp`);
    for (const path of [stale, live, other]) writeFileSync(path, 'partial');
    const result = audit('--format', 'json', '--output', file);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(directory).sort()).toEqual(
      [`.other.json.${dead}.tmp`, `.report.json.${process.pid}.tmp`, 'report.json'].sort(),
    );
  });
});

describe('--output through a symlink', () => {
  it('writes through to the target: the link stays a link, the target keeps its mode', () => {
    const directory = temporaryDirectory();
    const target = join(directory, 'real.md');
    const link = join(directory, 'latest.md');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    symlinkSync('real.md', link);
    const result = audit('--format', 'markdown', '--output', link);
    expect(result.exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.md');
    expect(readFileSync(target, 'utf8')).toContain('# ');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(leftovers(directory)).toEqual([]);
  });

  it('refuses a dangling symlink with a clear message: exit 2, nothing created', () => {
    const directory = temporaryDirectory();
    const link = join(directory, 'dangling.json');
    symlinkSync(join(directory, 'missing', 'x.json'), link);
    const result = audit('--format', 'json', '--output', link);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toContain('symlink to a missing file');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(readdirSync(directory)).toEqual(['dangling.json']);
  });

  it('/dev/stdout is written in place (the report arrives on stdout)', () => {
    const result = audit('--format', 'json', '--output', '/dev/stdout');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).accounts.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!CAN_MKNOD)('--output to device nodes (mknod in a temporary directory)', () => {
  it('a /dev/null-like device stays a device (never replaced by a regular file)', () => {
    const directory = temporaryDirectory();
    const device = join(directory, 'null');
    expect(makeCharacterDevice(device, 1, 3)).toBe(true);
    const before = statSync(device);
    const result = audit('--format', 'json', '--output', device);
    expect(result.exitCode).toBe(0);
    const after = lstatSync(device);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(after.mode).toBe(before.mode);
    expect(readdirSync(directory)).toEqual(['null']);
  });

  it('a /dev/full-like device: ENOSPC named, exit 1, no stack trace, no temporary file, device intact', () => {
    const directory = temporaryDirectory();
    const device = join(directory, 'full');
    expect(makeCharacterDevice(device, 1, 7)).toBe(true);
    for (const format of ['json', 'jsonl']) {
      const result = audit('--format', format, '--output', device);
      expect(result.exitCode).toBe(1);
      expect(oneLine(result.stderr)).toContain(
        `Cannot write the report to ${device}: no space left on device (ENOSPC)`,
      );
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(lstatSync(device).isCharacterDevice()).toBe(true);
      expect(readdirSync(directory)).toEqual(['full']);
    }
  });

  it('stdout on a /dev/full-like device (`> /dev/full`): ENOSPC named, exit 1, no stack trace', () => {
    const directory = temporaryDirectory();
    const device = join(directory, 'full');
    expect(makeCharacterDevice(device, 1, 7)).toBe(true);
    for (const args of [
      ['audit', '--sandbox', 'blog', '--no-save', '--format', 'json'],
      ['audit', '--sandbox', 'blog', '--no-save', '--format', 'jsonl'],
      ['audits', 'list'],
    ]) {
      const stdout = openSync(device, 'w');
      try {
        const result = spawnSync(process.execPath, [BIN, ...args], {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', ROOTWARDEN_HOME: temporaryDirectory() },
          stdio: ['ignore', stdout, 'pipe'],
          timeout: 60_000,
        });
        expect(result.status).toBe(1);
        expect(oneLine(result.stderr)).toContain('Cannot write to stdout: no space left on device (ENOSPC)');
        expect(result.stderr).not.toMatch(STACK_TRACE);
      } finally {
        closeSync(stdout);
      }
    }
  });
});

describe('--output to a FIFO', () => {
  it('writes into the FIFO (a reader gets the report) and leaves it a FIFO', async () => {
    const directory = temporaryDirectory();
    const fifo = join(directory, 'pipe');
    if (!makeFifo(fifo)) return expect.fail('mkfifo is needed for this test');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'audit',
        '--sandbox',
        'blog',
        '--no-save',
        '--fail-on',
        'never',
        '--format',
        'json',
        '--output',
        fifo,
      ],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let received = '';
    for await (const chunk of createReadStream(fifo, { encoding: 'utf8' })) received += chunk;
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(received).accounts.length).toBeGreaterThan(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(directory)).toEqual(['pipe']);
  }, 60_000);
});

describe.skipIf(!CAN_MOUNT)('--output on a full disk (a small tmpfs)', () => {
  it('ENOSPC named, exit 1, the previous report intact, no temporary file left', () => {
    const disk = mountSmallFilesystem(64 * 1024);
    if (!disk) return expect.fail('mount failed');
    try {
      const file = join(disk.path, 'report.json');
      writeFileSync(file, 'previous report');
      // Fill the disk, keeping the previous report.
      const filler = openSync(join(disk.path, 'filler'), 'w');
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(4096));
      } catch {
        // ENOSPC: the disk is full.
      } finally {
        closeSync(filler);
      }
      const result = rootwardenProcess([
        'audit',
        '--sandbox',
        'generated:50',
        '--no-save',
        '--fail-on',
        'never',
        '--format',
        'json',
        '--output',
        file,
      ]);
      expect(result.exitCode).toBe(1);
      expect(oneLine(result.stderr)).toContain('no space left on device (ENOSPC)');
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(readFileSync(file, 'utf8')).toBe('previous report');
      expect(leftovers(disk.path)).toEqual([]);
    } finally {
      disk.remove();
    }
  });
});
