import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootwardenProcess, STACK_TRACE, temporaryDirectory } from './helpers.js';

/** The first hour of a new user: each mistake gets a short answer that says what to do (issue 10). */
const env = { ROOTWARDEN_HOME: temporaryDirectory(), COLUMNS: '80' };

describe('papercuts', () => {
  it.each([
    ['adit', 'Did you mean "rootwarden audit"?'],
    ['audits shwo', 'Did you mean "rootwarden audits show"?'],
    ['pln show', 'Did you mean "rootwarden plan show"?'],
  ])('a mistyped command (%s) is a usage error with a suggestion', (typed, suggestion) => {
    const result = rootwardenProcess(typed.split(' '), env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain(suggestion);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('a command far from every command gets no suggestion, only the way to the list', () => {
    const result = rootwardenProcess(['frobnicate'], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toContain('Did you mean');
    expect(result.stderr).toContain('rootwarden --help lists the commands');
  });

  it('a mistyped sandbox scenario gets "did you mean", not "unexpected argument"', () => {
    const result = rootwardenProcess(['audit', '--sandbox', 'blgo'], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain('did you mean "blog"?');
    expect(result.stderr).not.toContain('Unexpected argument');
  });

  it.each([
    ['real-world', 'real-world'],
    ['blgo', 'blog'],
  ])('a scenario typed as a word (sandbox %s) names the flag it belongs to', (word, scenario) => {
    const result = rootwardenProcess(['sandbox', word], env);
    expect(result.exitCode).toBe(2);
    const text = result.stderr.replace(/\s*\n\s*›?\s*/g, ' ');
    expect(text).toContain(`"rootwarden sandbox --scenario ${scenario}" serves it`);
    expect(text).toContain(`"rootwarden audit --sandbox ${scenario}" audits it`);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('sandbox reset in a home that cannot hold it says what to fix, not "internal error"', () => {
    const home = join(temporaryDirectory(), 'a-file');
    writeFileSync(home, '');
    const result = rootwardenProcess(['sandbox', 'reset', 'blog'], { ...env, ROOTWARDEN_HOME: home });
    const text = result.stderr.replace(/\s*\n\s*›?\s*/g, ' ');
    expect(text).toContain('Cannot reset the sandbox kept in');
    expect(text).toContain('Make ROOTWARDEN_HOME');
    expect(text).not.toContain('Internal error');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.exitCode).not.toBe(0);
  });

  it('--sandbox with a missing scenario file says the file is not found', () => {
    const result = rootwardenProcess(['audit', '--sandbox', './missing.json'], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain('file "./missing.json" not found');
  });

  it('--json with --format is a usage error, not silently one of them', () => {
    for (const args of [
      ['audit', '--sandbox', 'blog', '--json', '--format', 'csv'],
      ['audit', '--sandbox', 'blog', '--format=markdown', '--json'],
    ]) {
      const result = rootwardenProcess(args, env);
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'USAGE' } });
      expect(result.stdout).toContain('--json and --format cannot be combined');
    }
  });

  it('exec --help shows where the command goes: after --', () => {
    const result = rootwardenProcess(['exec', '--help'], env);
    expect(result.exitCode).toBe(0);
    const usage = result.stdout.slice(result.stdout.indexOf('USAGE'), result.stdout.indexOf('\nFLAGS'));
    expect(usage.replace(/\s+/g, ' ')).toContain('-- COMMAND [ARG...]');
  });

  it('credential-process --help prints the ~/.aws/config line on one line (it must be copied whole)', () => {
    const result = rootwardenProcess(['credential-process', '--help'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').map((line) => line.trim())).toContain(
      'credential_process = rootwarden credential-process --account 111122223333',
    );
  });
});
