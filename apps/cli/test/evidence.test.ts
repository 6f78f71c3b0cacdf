import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rootwarden, rootwardenProcess, STACK_TRACE, temporaryDirectory } from './helpers.js';

let dir: string;
const previousHome = process.env.ROOTWARDEN_HOME;

beforeEach(() => {
  dir = temporaryDirectory('rootwarden-evidence-');
  process.env.ROOTWARDEN_HOME = join(dir, 'home');
});
afterEach(() => {
  if (previousHome === undefined) delete process.env.ROOTWARDEN_HOME;
  else process.env.ROOTWARDEN_HOME = previousHome;
  rmSync(dir, { recursive: true, force: true });
});

const ocsfSchema = JSON.parse(
  readFileSync(
    new URL('../../../packages/core/schemas/ocsf-1.3.0-compliance-finding.json', import.meta.url),
    'utf8',
  ),
);

describe('rootwarden exceptions', () => {
  it('accepts a finding until it expires: it stays in the report, marked, and no longer fails --fail-on', async () => {
    // In the blog organization, 111111111111 has one active root key: the only critical finding.
    const before = await rootwarden(['audit', '--sandbox', 'blog', '--fail-on', 'critical', '--json']);
    expect(before.exitCode).toBe(3);

    const added = await rootwarden([
      'exceptions',
      'add',
      '--account',
      '111111111111',
      '--finding',
      'ROOT_ACCESS_KEY_ACTIVE',
      '--reason',
      'legacy-batch-job-until-Q1',
      '--owner',
      'platform-team',
      '--expires',
      '2099-03-31',
      '--by',
      'alice',
    ]);
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toMatch(/111111111111\s+ROOT_ACCESS_KEY_ACTIVE\s+platform-team\s+2099-03-31/);

    const after = await rootwarden(['audit', '--sandbox', 'blog', '--fail-on', 'critical', '--json']);
    expect(after.exitCode).toBe(0);
    const report = JSON.parse(after.stdout);
    expect(report.summary.findings.critical).toBe(0);
    expect(report.summary.accepted.critical).toBe(1);
    const key = report.accounts
      .find((account: { accountId: string }) => account.accountId === '111111111111')
      .findings.find((finding: { code: string }) => finding.code === 'ROOT_ACCESS_KEY_ACTIVE');
    expect(key.accepted).toMatchObject({ owner: 'platform-team', reason: 'legacy-batch-job-until-Q1' });

    const listed = await rootwarden(['exceptions', 'list', '--json']);
    const [exception] = JSON.parse(listed.stdout).exceptions;
    const removed = await rootwarden(['exceptions', 'remove', exception.id.slice(0, 8), '--by', 'bob']);
    expect(removed.exitCode).toBe(0);
    const history = await rootwarden(['exceptions', 'list', '--history']);
    expect(history.stdout).toMatch(/added\s+alice/);
    expect(history.stdout).toMatch(/removed\s+bob/);
    expect((await rootwarden(['exceptions', 'remove', exception.id])).exitCode).toBe(2);
  }, 120_000);

  it('refuses bad input with the field and the fix, without a stack trace', () => {
    const home = { ROOTWARDEN_HOME: join(dir, 'home') };
    const past = rootwardenProcess(
      [
        'exceptions',
        'add',
        '--account',
        '111111111111',
        '--reason',
        'r',
        '--owner',
        'o',
        '--expires',
        '2001-01-01',
      ],
      home,
    );
    expect(past.exitCode).toBe(2);
    expect(past.stderr).toMatch(/expires: 2001-01-01T23:59:59.999Z is already past/);
    const garbled = rootwardenProcess(
      [
        'exceptions',
        'add',
        '--account',
        '111111111111',
        '--reason',
        'r',
        '--owner',
        'o',
        '--expires',
        '31/03/2027',
      ],
      home,
    );
    expect(garbled.exitCode).toBe(2);
    expect(garbled.stderr).toMatch(/expires.*must be a date like 2027-03-31/);
    const file = join(dir, 'exceptions.json');
    writeFileSync(file, '{"version": 1, "exceptions": [{"accountId": "111111111111"}]}');
    const invalid = rootwardenProcess(['audit', '--sandbox', 'blog', '--exceptions', file], home);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toMatch(/exceptions\.0\.reason/);
    for (const result of [past, garbled, invalid]) expect(result.stderr).not.toMatch(STACK_TRACE);
  }, 180_000);
});

describe('rootwarden audit --compliance and the evidence formats', () => {
  it('prints a per-control table with the accounts behind each verdict and why MFA does not apply', async () => {
    const result = await rootwarden(['audit', '--sandbox', 'blog', '--compliance', 'cis-7.0']);
    expect(result.stdout).toMatch(
      /^2\.4\s+Ensure no 'root' user account access key exists\s+FAIL\s+5 pass, 1 fail, 0 n\/a, 0 unknown\s+111111111111$/m,
    );
    expect(result.stdout).toMatch(/^2\.1\.1\s+Ensure centralized root access in AWS Organizations\s+FAIL/m);
    expect(result.stdout).toMatch(
      /2\.5: 5 account\(s\) NOT_APPLICABLE: the root user has no password, access key or signing certificate/,
    );
    const json = await rootwarden([
      'audit',
      '--sandbox',
      'blog',
      '--compliance',
      'aws-security-hub',
      '--format',
      'json',
    ]);
    const controls = JSON.parse(json.stdout).controls.map(
      (control: { id: string; verdict: string }) => `${control.id}=${control.verdict}`,
    );
    expect(controls).toEqual(['IAM.4=FAIL', 'IAM.6=FAIL', 'IAM.9=PASS']);
    const usage = await rootwarden([
      'audit',
      '--sandbox',
      'blog',
      '--compliance',
      'cis-7.0',
      '--format',
      'sarif',
    ]);
    expect(usage.exitCode).toBe(2);
  }, 120_000);

  it('writes OCSF that validates against the OCSF 1.3.0 Compliance Finding schema, and a self-contained HTML page', async () => {
    const ocsf = join(dir, 'findings.ocsf.json');
    const html = join(dir, 'report.html');
    await rootwarden(['audit', '--sandbox', 'blog', '--format', 'ocsf', '--output', ocsf]);
    const events = JSON.parse(readFileSync(ocsf, 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(ocsfSchema);
    expect(validate(events), JSON.stringify(validate.errors)).toBe(true);
    expect(
      events.map((event: { finding_info: { types: string[] } }) => event.finding_info.types[0]).sort(),
    ).toEqual([
      'ROOT_ACCESS_KEY_ACTIVE',
      'ROOT_MFA_VIRTUAL_ONLY',
      'ROOT_PASSWORD_PRESENT',
      'ROOT_SIGNING_CERTIFICATE',
    ]);
    const shown = await rootwarden(['audits', 'list', '--json']);
    const [latest] = JSON.parse(shown.stdout).audits;
    await rootwarden(['audits', 'show', latest.auditId, '--format', 'html', '--output', html]);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`<code>${latest.auditId}</code>`);
    expect(page).toContain('data-drift="none"');
  }, 120_000);
});
