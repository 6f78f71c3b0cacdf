import { beforeEach, describe, expect, it, vi } from 'vitest';
import { normalize, rootwarden, rootwardenProcess, STACK_TRACE, temporaryDirectory } from './helpers.js';

beforeEach(() => {
  vi.stubEnv('ROOTWARDEN_HOME', temporaryDirectory());
  vi.stubEnv('NO_COLOR', '1');
});

describe('rootwarden policies check', () => {
  it('names the SCP that blocks the root sessions of ScpLocked, and its corrected statement', async () => {
    const { stdout, exitCode } = await rootwarden(['policies', 'check', '--sandbox', 'exposed']);
    expect(exitCode).toBe(0);
    expect(normalize(stdout)).toMatchSnapshot();
  });

  it('--json and --format markdown for one task and one account', async () => {
    const json = await rootwarden([
      'policies',
      'check',
      '--sandbox',
      'exposed',
      '--task',
      'audit',
      '--account',
      '300000000012',
      '--json',
    ]);
    expect(json.exitCode).toBe(0);
    const check = JSON.parse(json.stdout);
    expect(check.accounts).toHaveLength(1);
    expect(check.accounts[0].tasks).toEqual([
      expect.objectContaining({
        task: 'audit',
        verdict: 'blocked',
        blockers: [expect.objectContaining({ policy: { id: 'p-exp0denyrootall', name: 'DenyRootUser' } })],
      }),
    ]);
    const markdown = await rootwarden([
      'policies',
      'check',
      '--sandbox',
      'exposed',
      '--task',
      'audit',
      '--format',
      'markdown',
    ]);
    expect(markdown.stdout).toContain(
      '| audit | DenyRootUser | ScpLocked (300000000012) | DenyRootUser | 1 |',
    );
  });

  it('refuses an unknown task with the valid ones and no stack trace', () => {
    const { exitCode, stderr } = rootwardenProcess(['policies', 'check', '--sandbox', '--task', 'nuke']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('audit');
    expect(stderr).not.toMatch(STACK_TRACE);
  });
});
