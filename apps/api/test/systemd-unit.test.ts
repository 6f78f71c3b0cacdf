import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from './helpers.js';

// The unit the README tells operators to install, checked by systemd itself where it is installed.
const UNIT = join(fileURLToPath(new URL('..', import.meta.url)), 'deploy', 'rootwarden-api.service');
const INSTALLED_BIN = '/usr/local/bin/rootwarden-api';

const found = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasSystemdAnalyze = found.status === 0;
if (!hasSystemdAnalyze)
  console.warn(
    'systemd-unit.test: skipped, systemd-analyze is not installed on this machine (install systemd to run it).',
  );

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('deploy/rootwarden-api.service', () => {
  it('starts the installed binary with the config file and stops it with SIGTERM', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(unit).toContain(`ExecStart=${INSTALLED_BIN} --config /etc/rootwarden/api.json`);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^Environment=ROOTWARDEN_HOME=\/var\/lib\/rootwarden$/m);
    expect(unit).toMatch(/^StateDirectory=rootwarden$/m);
  });

  it.skipIf(!hasSystemdAnalyze)('passes `systemd-analyze verify` without a warning', () => {
    // verify checks that ExecStart is executable: point it at a stand-in (this machine has no
    // global install); every other line is the unit as shipped.
    const dir = temporaryDirectory('rootwarden-unit-');
    dirs.push(dir);
    const bin = join(dir, 'rootwarden-api');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    const unit = join(dir, 'rootwarden-api.service');
    writeFileSync(unit, readFileSync(UNIT, 'utf8').replace(INSTALLED_BIN, bin));
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasSystemdAnalyze)('the check fails for a broken unit (it can fail)', () => {
    const dir = temporaryDirectory('rootwarden-unit-');
    dirs.push(dir);
    const unit = join(dir, 'broken.service');
    writeFileSync(unit, readFileSync(UNIT, 'utf8').replace('KillSignal=SIGTERM', 'KillSignal=SIGNOPE'));
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toMatch(/KillSignal|SIGNOPE/);
  });
});
