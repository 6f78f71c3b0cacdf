import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, rootwardenProcess, temporaryDirectory } from './helpers.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('progress bar', () => {
  it.skipIf(!hasScript)(
    'draws a live progress bar on stderr in a real terminal (util-linux `script` gives a PTY)',
    () => {
      const command = `${process.execPath} ${BIN} audit --sandbox generated:400 --format json --output ${temporaryDirectory()}/report.json`;
      const result = spawnSync('script', ['-qfec', command, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, ROOTWARDEN_HOME: temporaryDirectory(), TERM: 'xterm-256color' },
        timeout: 120_000,
      });
      expect(result.stdout).toMatch(/Auditing \|.*\| \d+\/\d+ accounts/);
      expect(result.stdout).toContain('Report written to');
      // The first frame already counts the listed accounts: 0/N, never a full bar of 0/0.
      const first = /Auditing \|[^|]*\| (\d+)\/(\d+) accounts/.exec(result.stdout);
      expect(first?.slice(1, 3)).toEqual(['0', expect.stringMatching(/^[1-9]\d*$/)]);
    },
    // A spawned 400-account audit: minutes on a loaded 2-core CI machine, not vitest's default 30 s.
    150_000,
  );

  it('stays silent when stderr is not a terminal (pipes, CI logs)', () => {
    const result = rootwardenProcess(['audit', '--sandbox', 'generated:60', '--format', 'csv'], {
      ROOTWARDEN_HOME: temporaryDirectory(),
    });
    expect(result.stderr).not.toContain('Auditing |');
    expect(result.stdout.split('\n')[0]).toMatch(/^account_id,/);
  });
});
