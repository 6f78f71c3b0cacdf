import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../domain/audit.js';
import { evaluateFindings, statusOf } from '../rules/evaluate-findings.js';
import { summarizeResults } from '../rules/summarize.js';
import { CompactReport } from './compact-report.js';
import { auditReportJsonSchema, jsonReportChunks, renderReport } from './render-report.js';

const published = JSON.parse(
  readFileSync(new URL('../../schemas/audit-report.v1.json', import.meta.url), 'utf8'),
);

function sampleReport(): AuditReport {
  const credentials = {
    userCreateDate: '2023-03-27T23:19:57.000Z',
    passwordLastUsed: '2026-11-20T22:11:47.000Z',
    loginProfile: { createDate: '2023-03-27T23:19:57.000Z', passwordResetRequired: false },
    accessKeys: [
      {
        accessKeyId: 'AKIA6FU7H6FWXAD6YL54',
        status: 'Active' as const,
        createDate: '2025-12-13T22:14:40.000Z',
        lastUsedDate: null,
        lastUsedService: null,
        lastUsedRegion: null,
      },
    ],
    signingCertificates: [],
    mfaDevices: [
      { serialNumber: 'arn:aws:iam::111111111111:mfa/Authapp', kind: 'virtual' as const, enableDate: null },
    ],
  };
  const at = '2026-11-28T12:00:00.000Z';
  const base = {
    email: 'a@example.com',
    state: 'ACTIVE' as const,
    ouPath: [{ id: 'r-ab12', name: 'Root' }],
    ouPathText: 'Root',
  };
  const accounts: AuditReport['accounts'] = [
    {
      ...base,
      accountId: '111111111111',
      name: 'Account1, "prod"',
      status: statusOf(credentials),
      rootCredentials: credentials,
      findings: evaluateFindings(credentials, { now: new Date(at), recentDays: 90 }),
      auditedAt: at,
    },
    {
      ...base,
      accountId: '123456789012',
      name: '=mgmt',
      status: 'skipped',
      skipReason: 'MANAGEMENT_ACCOUNT',
      skipDetail: 'management account',
      rootCredentials: null,
      findings: [],
      auditedAt: null,
    },
    {
      ...base,
      accountId: '222222222222',
      name: 'Account2',
      status: 'unknown',
      error: { code: 'AWS_ACCESS_DENIED', message: 'denied by an SCP', awsCode: 'AccessDenied' },
      rootCredentials: null,
      findings: [],
      auditedAt: null,
    },
  ];
  return {
    schemaVersion: 1,
    auditId: '00000000-0000-4000-8000-000000000000',
    organizationId: 'o-8j81brsjuj',
    managementAccountId: '123456789012',
    caller: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/admin', role: 'management' },
    startedAt: at,
    finishedAt: at,
    complete: true,
    selection: { accounts: [], ous: [], exclude: [] },
    settings: { recentDays: 90 },
    summary: summarizeResults(accounts),
    accounts,
  };
}

describe('the published JSON Schema', () => {
  it('is current (regenerate with `pnpm --filter @rootwarden/core schemas`)', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(auditReportJsonSchema())));
  });

  it('accepts the JSON report and rejects a broken one', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(published);
    const report = JSON.parse(renderReport(sampleReport(), 'json'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, accounts: [{ ...report.accounts[0], status: 'fine' }] })).toBe(false);
  });
});

describe('renderReport', () => {
  const report = sampleReport();

  it('json: streamed chunks are byte for byte JSON.stringify of the whole report', () => {
    const expected = `${JSON.stringify({ $schema: 'https://rootwarden.dev/schemas/audit-report.v1.json', ...report }, null, 2)}\n`;
    expect(renderReport(report, 'json')).toBe(expected);
    expect(renderReport({ ...report, accounts: [] }, 'json')).toBe(
      `${JSON.stringify({ $schema: 'https://rootwarden.dev/schemas/audit-report.v1.json', ...report, accounts: [] }, null, 2)}\n`,
    );
  });

  it('json of a streamed report whose accounts were kept as text: the same bytes as the whole report', () => {
    const warnings = [
      { code: 'OU_NAMES_UNAVAILABLE', message: 'OU names could not be read.', fix: 'Retry.' },
    ];
    const exceptions = { applied: 0, expired: [] };
    const whole: AuditReport = { ...report, warnings, exceptions };
    // A streamed report has its keys in another order (accounts before warnings, exceptions last).
    const streamed: AuditReport = { ...report, accounts: [], warnings, exceptions };
    const texts = report.accounts.map((account) => JSON.stringify(account, null, 2));
    expect([...jsonReportChunks(streamed, texts)].join('')).toBe(renderReport(whole, 'json'));
    const parsed = JSON.parse([...jsonReportChunks(streamed, texts)].join(''));
    expect(parsed.accounts).toEqual(report.accounts);
    expect(Object.keys(parsed).at(-1)).toBe('accounts');
    expect([...jsonReportChunks({ ...report, accounts: [] }, [])].join('')).toBe(
      renderReport({ ...report, accounts: [] }, 'json'),
    );
  });

  it('csv: one row per account, quoted and formula-safe', () => {
    expect(renderReport(report, 'csv')).toMatchSnapshot();
  });

  it('markdown', () => {
    expect(renderReport(report, 'markdown')).toMatchSnapshot();
  });

  it('sarif: one result per finding with a stable fingerprint', () => {
    const sarif = JSON.parse(renderReport(report, 'sarif', '1.2.3'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(report.accounts[0]?.findings.length ?? -1);
    expect(sarif.runs[0].results[0].partialFingerprints['rootwarden/v1']).toBe(
      '111111111111/ROOT_ACCESS_KEY_ACTIVE/AKIA6FU7H6FWXAD6YL54',
    );
    expect(sarif).toMatchSnapshot();
  });

  it('sarif: every unknown account is a tool execution notification, and the run did not fully succeed', () => {
    const sarif = JSON.parse(renderReport(report, 'sarif', '1.2.3'));
    const unknown = report.accounts.filter((result) => result.status === 'unknown');
    expect(unknown.length).toBeGreaterThan(0);
    const [invocation] = sarif.runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(false);
    expect(
      invocation.toolExecutionNotifications.map(
        (n: { locations: [{ logicalLocations: [{ name: string }] }] }) =>
          n.locations[0].logicalLocations[0].name,
      ),
    ).toEqual(unknown.map((result) => result.accountId));
    // The short reason and the fix, never AWS's own (long, untrusted) message.
    for (const result of unknown) expect(JSON.stringify(invocation)).not.toContain(result.error?.message);
  });

  it('sarif: a complete audit with no unknown account succeeded', () => {
    const clean = { ...report, accounts: report.accounts.filter((result) => result.status !== 'unknown') };
    clean.summary = { ...report.summary, unknown: 0 };
    const [invocation] = JSON.parse(renderReport(clean, 'sarif', '1.2.3')).runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([]);
  });
});

describe('CompactReport (results streamed in any order)', () => {
  it.each(['csv', 'markdown'] as const)('%s: the same bytes as the whole report', (format) => {
    const report = sampleReport();
    const compact = new CompactReport(format);
    for (const result of [...report.accounts].reverse()) compact.add(result);
    const { accounts: _accounts, ...header } = report;
    expect([...compact.chunks(header)].join('')).toBe(renderReport(report, format));
  });
});
