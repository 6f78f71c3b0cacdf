import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { normalize, rootwarden, rootwardenProcess, STACK_TRACE, temporaryDirectory } from './helpers.js';

beforeEach(() => {
  vi.stubEnv('ROOTWARDEN_HOME', temporaryDirectory());
  vi.stubEnv('NO_COLOR', '1');
});

/**
 * jsonl streams each account as its audit finishes, so its lines come in completion order, which
 * depends on timing; the other formats are sorted by account id. Sorted here the same way (the
 * summary line stays last), the snapshot checks the content, not the timing.
 */
function inReportOrder(output: string, format: string): string {
  if (format !== 'jsonl') return output;
  const lines = output.trimEnd().split('\n');
  const summary = lines.pop() ?? '';
  const id = (line: string) => (JSON.parse(line) as { accountId: string }).accountId;
  return `${[...lines.sort((a, b) => id(a).localeCompare(id(b))), summary].join('\n')}\n`;
}

describe('rootwarden org status / org enable', () => {
  it('shows the seed organization', async () => {
    const { stdout, exitCode } = await rootwarden(['org', 'status', '--sandbox']);
    expect(exitCode).toBe(0);
    expect(normalize(stdout)).toMatchSnapshot();
  });

  it('--json', async () => {
    const { stdout, exitCode } = await rootwarden(['org', 'status', '--sandbox', 'blog', '--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(normalize(stdout))).toMatchSnapshot();
  });

  it('refuses to change the organization without a terminal unless --yes', async () => {
    const refused = rootwardenProcess(['org', 'enable', '--sandbox', '--root-sessions']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('there is no terminal to ask on');
    expect(refused.stderr).toContain('--yes');
    const done = await rootwarden(['org', 'enable', '--sandbox', '--root-sessions', '--yes', '--json']);
    expect(done.exitCode).toBe(0);
    const result = JSON.parse(done.stdout);
    expect(result.steps.map((step: { status: string }) => step.status)).toEqual([
      'already-enabled',
      'already-enabled',
      'done',
    ]);
    expect(result.status.rootSessions).toBe(true);
  });
});

describe('rootwarden accounts list', () => {
  it('lists the exposed organization with OU paths and skip reasons', async () => {
    const { stdout, exitCode } = await rootwarden(['accounts', 'list', '--sandbox', 'exposed']);
    expect(exitCode).toBe(0);
    expect(normalize(stdout)).toMatchSnapshot();
  });

  it('--ou and --json', async () => {
    const { stdout, exitCode } = await rootwarden([
      'accounts',
      'list',
      '--sandbox',
      'exposed',
      '--ou',
      'ou-exp0-prod0001',
      '--json',
    ]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(normalize(stdout))).toMatchSnapshot();
  });
});

describe('rootwarden audit', () => {
  it('prints the table for the seed organization and exits 3 on findings', async () => {
    const { stdout, stderr, exitCode } = await rootwarden(['audit', '--sandbox', 'blog']);
    expect(exitCode).toBe(3);
    expect(stdout).toMatchSnapshot();
    expect(stderr).toContain('Exit 3: findings at or above --fail-on low.');
  });

  it.each(['json', 'csv', 'markdown', 'sarif', 'jsonl'])('--format %s', async (format) => {
    const { stdout, exitCode } = await rootwarden(['audit', '--sandbox', 'blog', '--format', format]);
    expect(exitCode).toBe(3);
    expect(inReportOrder(normalize(stdout), format)).toMatchSnapshot();
  });

  it('--format json of the exposed organization validates against the published JSON Schema', async () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../packages/core/schemas/audit-report.v1.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const { stdout } = await rootwarden(['audit', '--sandbox', 'exposed', '--format', 'json']);
    const report = JSON.parse(stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.$schema).toBe(schema.$id);
    expect(report.accounts.length).toBeGreaterThan(10);
  });

  it('jsonl streams one line per account, then a summary line', async () => {
    const { stdout } = await rootwarden(['audit', '--sandbox', 'exposed', '--format', 'jsonl']);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', complete: true });
    const accounts = lines.slice(0, -1);
    expect(accounts.every((line) => line.type === 'account')).toBe(true);
    expect(accounts).toHaveLength(lines.at(-1).summary.accounts);
  });

  it('--output writes the report to a file and a summary to stderr', async () => {
    const file = join(temporaryDirectory(), 'report.sarif');
    const { stdout, stderr, exitCode } = await rootwarden([
      'audit',
      '--sandbox',
      'blog',
      '--format',
      'sarif',
      '--output',
      file,
    ]);
    expect(exitCode).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Report written to ${file} (sarif).`);
    expect(JSON.parse(readFileSync(file, 'utf8')).runs[0].results).toHaveLength(4);
  });

  it.each<[string, string[], number]>([
    ['0: no finding at or above --fail-on', ['audit', '--sandbox', 'clean'], 0],
    [
      '0: findings below --fail-on critical',
      ['audit', '--sandbox', 'blog', '--account', '666666666666', '--fail-on', 'critical'],
      0,
    ],
    ['3: findings at or above --fail-on', ['audit', '--sandbox', 'blog', '--fail-on', 'critical'], 3],
    ['4: an account could not be audited', ['audit', '--sandbox', 'exposed', '--fail-on', 'never'], 4],
    ['2: usage error', ['audit', '--sandbox', 'blog', '--format', 'xml'], 2],
  ])('exit %s', (_name, args, code) => {
    expect(rootwardenProcess(args).exitCode).toBe(code);
  });
});

describe('bad input gets a clear message, never a stack trace', () => {
  it.each<[string, string[], number, string]>([
    [
      'a malformed account id',
      ['audit', '--sandbox', '--account', '1234'],
      2,
      'must be a 12-digit AWS account id',
    ],
    ['a malformed OU id', ['audit', '--sandbox', '--ou', 'prod'], 2, 'must be an OU id'],
    [
      'an unknown OU',
      ['audit', '--sandbox', 'exposed', '--ou', 'ou-exp0-zzzzzzzz'],
      2,
      'OU ou-exp0-zzzzzzzz is not in organization',
    ],
    [
      'an account outside the organization',
      ['audit', '--sandbox', '--account', '999999999999'],
      2,
      'not a member of organization',
    ],
    [
      '--account with --ou',
      ['audit', '--sandbox', '--account', '111111111111', '--ou', 'r-8j81'],
      2,
      'not both',
    ],
    ['--sandbox with --profile', ['audit', '--sandbox', '--profile', 'x'], 2, 'cannot also be provided'],
    [
      'an unknown profile',
      ['org', 'status', '--profile', 'no-such-profile', '--region', 'us-east-1'],
      1,
      'AWS profile "no-such-profile" is not in',
    ],
    [
      'an unwritable --output',
      ['audit', '--sandbox', '--output', '/proc/rootwarden/report.json'],
      2,
      'Cannot write --output',
    ],
    ['an unknown scenario', ['audit', '--sandbox', 'nosuch.json'], 2, 'Sandbox scenario "nosuch.json"'],
  ])('%s', (_name, args, code, text) => {
    const { stderr, exitCode } = rootwardenProcess(args, { ROOTWARDEN_HOME: temporaryDirectory() });
    expect(exitCode).toBe(code);
    expect(stderr).toContain(text);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('in --json mode the error is JSON with its code', async () => {
    const { stdout, exitCode } = await rootwarden([
      'audit',
      '--sandbox',
      'exposed',
      '--ou',
      'ou-exp0-zzzzzzzz',
      '--json',
    ]);
    expect(exitCode).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'OU_NOT_FOUND' } });
  });
});
