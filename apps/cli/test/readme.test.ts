import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README's first commands, as a newcomer runs them from the checkout (after `pnpm build`). */
const REPO = new URL('../../../', import.meta.url).pathname;
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const firstShellBlock = /```sh\n([\s\S]*?)```/.exec(
  README.slice(README.indexOf('## Try it from a checkout')),
)?.[1];

function freshUser(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'rootwarden-readme-'));
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('TURBO_')),
  );
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ROOTWARDEN_HOME: join(home, '.rootwarden'),
  };
}

describe('README first commands', () => {
  it('the first command ends with the documented exit 3 and no pnpm failure line', () => {
    const last = firstShellBlock?.trim().split(' && ').at(-1);
    expect(last).toBe('pnpm -s rootwarden audit --sandbox blog');
    const run = spawnSync('pnpm', (last as string).split(' ').slice(1), {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...freshUser(), NO_COLOR: '1' },
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(3);
    expect(run.stdout).toContain('111111111111');
    expect(run.stderr).not.toContain('ELIFECYCLE');
    expect(run.stderr).toContain('Exit 3: findings at or above --fail-on low.');
  });

  it('pnpm build prints no turbo telemetry banner, even for a user turbo has never seen', () => {
    // --dry=json: the task graph only, nothing is built (other tests may be using dist/).
    const run = spawnSync('pnpm', ['-s', 'run', 'build', '--dry=json'], {
      cwd: REPO,
      encoding: 'utf8',
      env: freshUser(),
      timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/telemetry/i);
  });
});
