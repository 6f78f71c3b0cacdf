import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '@rootwarden/aws-sandbox';
import { beforeAll, describe, expect, it } from 'vitest';
import { rootwardenProcess, temporaryDirectory } from './helpers.js';

const ESC = '\u001b';
// OU names accept any character (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html);
// account names are printable ASCII, set by the member account's own administrators
// (https://docs.aws.amazon.com/accounts/latest/reference/API_PutAccountName.html).
const EVIL_OU = `${ESC}]8;;https://evil.example${ESC}\\Prod${ESC}]8;;${ESC}\\ ${ESC}[2J${ESC}]0;pwned\u0007\u009b31m\u202Elanigiro`;
const FORMULA_NAME = '=HYPERLINK("https://evil.example","Prod")';
const MARKUP_NAME = '<script>alert(1)</script> | # x [a](https://evil.example) <!-- www.evil.example';

/** Anything a terminal would act on: C0/C1 controls (ESC, BEL, CSI), bidi overrides. */
const TERMINAL_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let scenarioFile: string;
beforeAll(() => {
  const scenario = loadScenario('blog');
  const ouId = 'ou-evil-aaaaaaaa';
  scenario.organization.organizationalUnits.push({
    id: ouId,
    name: EVIL_OU,
    parentId: scenario.organization.rootId,
  });
  const [first, second] = scenario.accounts.filter(
    (account) => account.id !== scenario.organization.managementAccountId,
  );
  if (!first || !second) throw new Error('blog has member accounts');
  first.name = FORMULA_NAME;
  first.parentId = ouId;
  second.name = MARKUP_NAME;
  scenarioFile = join(temporaryDirectory(), 'hostile.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
});

const audit = (format: string) =>
  rootwardenProcess([
    'audit',
    '--sandbox',
    scenarioFile,
    '--no-save',
    '--fail-on',
    'never',
    '--format',
    format,
  ]);

describe('hostile account and OU names', () => {
  it('table (not a TTY): no escape sequence or bidi override reaches the terminal; they are shown escaped', () => {
    const result = audit('table');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(result.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(result.stdout).toContain('\\x1B]8;;https://evil.example');
    expect(result.stdout).toContain('\\u202Elanigiro');
  });

  it('accounts list: the same', () => {
    const result = rootwardenProcess(['accounts', 'list', '--sandbox', scenarioFile]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(result.stdout).toContain('\\x1B[2J');
  });

  it('CSV: a formula-like name is neutralized (OWASP), no control character', () => {
    const result = audit('csv');
    expect(result.exitCode).toBe(0);
    // Records end with CRLF (RFC 4180); nothing else may be a control character.
    expect(result.stdout.replace(/\r\n/g, '\n')).not.toMatch(TERMINAL_CONTROL);
    const row = result.stdout.split('\r\n').find((line) => line.includes('HYPERLINK'));
    expect(row?.split(',')[1]).toBe(`"'=HYPERLINK(""https://evil.example""`);
    for (const line of result.stdout.split('\r\n').filter(Boolean))
      for (const field of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
        expect(field.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('Markdown: nothing renders as HTML, a comment, a link or a table break', () => {
    const result = audit('markdown');
    expect(result.exitCode).toBe(0);
    const markdown = result.stdout;
    expect(markdown).not.toMatch(TERMINAL_CONTROL);
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('<!--');
    expect(markdown).not.toMatch(/[^\\]\]\(/);
    expect(markdown).not.toMatch(/[^\\]www\.evil/);
    expect(markdown).toContain('&lt;script&gt;');
    // Every account row keeps its 5 cells: the name's `|` is escaped.
    const rows = markdown.split('\n').filter((line) => /^\| \d{12} \|/.test(line));
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  it('compliance view (table and Markdown): the same neutralisation', () => {
    const compliance = (format: string) =>
      rootwardenProcess([
        'audit',
        '--sandbox',
        scenarioFile,
        '--no-save',
        '--fail-on',
        'never',
        '--compliance',
        'cis-7.0',
        '--format',
        format,
      ]);
    const table = compliance('table');
    expect(table.exitCode).toBe(0);
    expect(table.stdout).not.toMatch(TERMINAL_CONTROL);
    const markdown = compliance('markdown');
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain('&lt;script&gt;');
    expect(markdown.stdout).not.toContain('<script>');
    expect(markdown.stdout).not.toContain('<!--');
    expect(markdown.stdout).not.toMatch(/[^\\]\]\(/);
    expect(markdown.stdout).not.toMatch(TERMINAL_CONTROL);
  });

  it('JSON keeps the names exactly (JSON escapes control characters itself)', () => {
    const result = audit('json');
    const report = JSON.parse(result.stdout) as { accounts: { name: string; ouPathText: string }[] };
    expect(report.accounts.map((account) => account.name)).toEqual(
      expect.arrayContaining([FORMULA_NAME, MARKUP_NAME]),
    );
    expect(report.accounts.some((account) => account.ouPathText.includes(EVIL_OU))).toBe(true);
    expect(result.stdout).not.toContain(ESC);
  });
});
