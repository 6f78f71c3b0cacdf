import { describe, expect, it } from 'vitest';
import {
  type COMPLIANCE_FRAMEWORK_IDS,
  COMPLIANCE_FRAMEWORKS,
  controlLabel,
  controlsForFinding,
} from '../compliance/controls.js';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import { FINDING_CODES } from '../domain/finding.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { combineVerdicts, evaluateCheck, evaluateCompliance } from './evaluate-compliance.js';
import { evaluateFindings, statusOf } from './evaluate-findings.js';
import { summarizeResults } from './summarize.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const none: RootCredentials = {
  userCreateDate: '2023-03-27T23:19:57.000Z',
  passwordLastUsed: null,
  loginProfile: null,
  accessKeys: [],
  signingCertificates: [],
  mfaDevices: [],
};
const password = { createDate: '2023-03-27T23:19:57.000Z', passwordResetRequired: false };
const key = (status: 'Active' | 'Inactive') => ({
  accessKeyId: `AKIA${status.toUpperCase().padEnd(16, '0')}`,
  status,
  createDate: '2025-12-13T22:14:40.000Z',
  lastUsedDate: null,
  lastUsedService: null,
  lastUsedRegion: null,
});
const virtual = {
  serialNumber: 'arn:aws:iam::111122223333:mfa/app',
  kind: 'virtual' as const,
  enableDate: null,
};
const fido = {
  serialNumber: 'arn:aws:iam::111122223333:u2f/root/k',
  kind: 'fido' as const,
  enableDate: null,
};
const cert = { certificateId: 'CERT0000000000000001', status: 'Active' as const, uploadDate: null };

// Each row: the root user's credentials and the verdict of every check (no-root-access-key, root-mfa,
// root-hardware-mfa, no-root-credentials). Sources: CIS "no root access key" counts inactive keys (aws-facts §13);
// AWS Config root MFA rules are NOT_APPLICABLE without root credentials (root-account-mfa-enabled page).
const table: Array<[string, RootCredentials, [string, string, string, string]]> = [
  ['no credentials (centrally managed)', none, ['PASS', 'NOT_APPLICABLE', 'NOT_APPLICABLE', 'PASS']],
  [
    'no credentials but a leftover MFA device',
    { ...none, mfaDevices: [virtual] },
    ['PASS', 'NOT_APPLICABLE', 'NOT_APPLICABLE', 'PASS'],
  ],
  ['password, no MFA', { ...none, loginProfile: password }, ['PASS', 'FAIL', 'FAIL', 'FAIL']],
  [
    'password, virtual MFA',
    { ...none, loginProfile: password, mfaDevices: [virtual] },
    ['PASS', 'PASS', 'FAIL', 'FAIL'],
  ],
  [
    'password, FIDO + virtual MFA',
    { ...none, loginProfile: password, mfaDevices: [virtual, fido] },
    ['PASS', 'PASS', 'PASS', 'FAIL'],
  ],
  ['inactive key only', { ...none, accessKeys: [key('Inactive')] }, ['FAIL', 'FAIL', 'FAIL', 'FAIL']],
  [
    'active key with FIDO MFA',
    { ...none, accessKeys: [key('Active')], mfaDevices: [fido] },
    ['FAIL', 'PASS', 'PASS', 'FAIL'],
  ],
  ['signing certificate only', { ...none, signingCertificates: [cert] }, ['PASS', 'FAIL', 'FAIL', 'FAIL']],
];

describe('evaluateCheck', () => {
  it.each(table)('%s', (_name, credentials, expected) => {
    const findings = evaluateFindings(credentials, { now: NOW, recentDays: 90 });
    const verdicts = (
      ['no-root-access-key', 'root-mfa', 'root-hardware-mfa', 'no-root-credentials'] as const
    ).map((check) => evaluateCheck(check, credentials, { findings }).verdict);
    expect(verdicts).toEqual(expected);
  });

  it('writes out why MFA controls do not apply to a root user without credentials', () => {
    const { reason } = evaluateCheck('root-mfa', none, { findings: [] });
    expect(reason).toMatch(
      /^NOT_APPLICABLE: the root user has no password, access key or signing certificate/,
    );
  });

  it('fails avoid-root-use only on a recent use finding', () => {
    const used = { ...none, loginProfile: password, passwordLastUsed: '2026-11-20T00:00:00.000Z' };
    const findings = evaluateFindings(used, { now: NOW, recentDays: 90 });
    expect(evaluateCheck('avoid-root-use', used, { findings }).verdict).toBe('FAIL');
    expect(evaluateCheck('avoid-root-use', used, { findings: [] }).verdict).toBe('PASS');
  });
});

describe('combineVerdicts', () => {
  it.each([
    [['PASS', 'FAIL', 'UNKNOWN'], 'FAIL'],
    [['PASS', 'UNKNOWN'], 'UNKNOWN'],
    [['PASS', 'NOT_APPLICABLE'], 'PASS'],
    [['NOT_APPLICABLE'], 'NOT_APPLICABLE'],
    [[], 'NOT_APPLICABLE'],
  ] as const)('%j → %s', (verdicts, expected) => {
    expect(combineVerdicts(verdicts)).toBe(expected);
  });
});

describe('the mapping table', () => {
  it('maps every finding code to at least one control of every CIS version', () => {
    for (const code of FINDING_CODES) {
      const frameworks = new Set(controlsForFinding(code).map((ref) => ref.framework));
      for (const version of ['cis-3.0', 'cis-4.0', 'cis-5.0', 'cis-6.0'] as const)
        if (code !== 'ROOT_PASSWORD_PRESENT' && code !== 'ROOT_SIGNING_CERTIFICATE')
          expect(frameworks).toContain(version);
      expect(frameworks).toContain('cis-7.0');
    }
  });

  it('maps an open break-glass window to centralized root access and root use, never to keys or MFA', () => {
    expect(controlsForFinding('BREAKGLASS_WINDOW_OPEN').map(controlLabel)).toEqual([
      'cis-3.0 1.7',
      'cis-4.0 1.7',
      'cis-5.0 1.6',
      'cis-6.0 2.6',
      'cis-7.0 2.1.1',
      'cis-7.0 2.7',
    ]);
  });

  it('uses the CIS control numbers of each version (aws-facts.md §13, from Prowler compliance files)', () => {
    const ids = (framework: (typeof COMPLIANCE_FRAMEWORK_IDS)[number]) =>
      COMPLIANCE_FRAMEWORKS[framework].controls.map((control) => `${control.check}=${control.id}`);
    expect(ids('cis-3.0')).toEqual([
      'no-root-access-key=1.4',
      'root-mfa=1.5',
      'root-hardware-mfa=1.6',
      'avoid-root-use=1.7',
    ]);
    expect(ids('cis-4.0')).toEqual(ids('cis-3.0'));
    expect(ids('cis-5.0')).toEqual([
      'no-root-access-key=1.3',
      'root-mfa=1.4',
      'root-hardware-mfa=1.5',
      'avoid-root-use=1.6',
    ]);
    expect(ids('cis-6.0')).toEqual([
      'no-root-access-key=2.3',
      'root-mfa=2.4',
      'root-hardware-mfa=2.5',
      'avoid-root-use=2.6',
    ]);
    expect(ids('cis-7.0')).toEqual([
      'no-root-credentials=2.1.1',
      'no-root-access-key=2.4',
      'root-mfa=2.5',
      'root-hardware-mfa=2.6',
      'avoid-root-use=2.7',
    ]);
    expect(ids('aws-security-hub')).toEqual([
      'no-root-access-key=IAM.4',
      'root-hardware-mfa=IAM.6',
      'root-mfa=IAM.9',
    ]);
    expect(
      controlsForFinding('ROOT_ACCESS_KEY_INACTIVE').map((ref) => `${ref.framework} ${ref.id}`),
    ).toContain('aws-config iam-root-access-key-check');
  });
});

function result(
  accountId: string,
  credentials: RootCredentials | null,
  status?: AccountAuditResult['status'],
): AccountAuditResult {
  const findings = credentials ? evaluateFindings(credentials, { now: NOW, recentDays: 90 }) : [];
  return {
    accountId,
    name: `Account ${accountId}`,
    email: 'a@example.com',
    state: 'ACTIVE',
    ouPath: [],
    ouPathText: 'Root',
    status: status ?? (credentials ? statusOf(credentials) : 'unknown'),
    ...(status === 'unknown' ? { error: { code: 'AWS_ACCESS_DENIED', message: 'denied' } } : {}),
    ...(status === 'skipped'
      ? { skipReason: 'MANAGEMENT_ACCOUNT' as const, skipDetail: 'management account' }
      : {}),
    rootCredentials: credentials,
    findings,
    auditedAt: credentials ? NOW.toISOString() : null,
  };
}

function report(accounts: AccountAuditResult[]): AuditReport {
  return {
    schemaVersion: 1,
    auditId: 'a1',
    organizationId: 'o-aa11bb22cc',
    managementAccountId: '999999999999',
    caller: { accountId: '999999999999', arn: 'arn:aws:iam::999999999999:user/x', role: 'management' },
    startedAt: NOW.toISOString(),
    finishedAt: NOW.toISOString(),
    complete: true,
    selection: { accounts: [], ous: [], exclude: [] },
    settings: { recentDays: 90 },
    summary: summarizeResults(accounts),
    accounts,
  };
}

describe('evaluateCompliance', () => {
  const audit = report([
    result('111111111111', { ...none, accessKeys: [key('Active')], loginProfile: password }),
    result('222222222222', none),
    result('333333333333', null, 'unknown'),
    result('999999999999', null, 'skipped'),
  ]);

  it('gives each control the accounts behind its verdict and leaves skipped accounts out', () => {
    const cis = evaluateCompliance(audit, 'cis-7.0', { rootCredentialsManagement: true });
    const byId = Object.fromEntries(cis.controls.map((control) => [control.id, control]));
    expect(byId['2.4']?.verdict).toBe('FAIL');
    expect(byId['2.4']?.counts).toEqual({ pass: 1, fail: 1, notApplicable: 0, unknown: 1 });
    expect(byId['2.5']?.accounts.map((account) => `${account.accountId}:${account.verdict}`)).toEqual([
      '111111111111:FAIL',
      '222222222222:NOT_APPLICABLE',
      '333333333333:UNKNOWN',
    ]);
    expect(byId['2.1.1']?.organization?.verdict).toBe('PASS');
    expect(cis.notEvaluated).toEqual([
      { accountId: '999999999999', name: 'Account 999999999999', reason: 'management account' },
    ]);
  });

  it('is UNKNOWN, not PASS, when an account could not be audited and nothing failed', () => {
    const partial = report([result('222222222222', none), result('333333333333', null, 'unknown')]);
    const hub = evaluateCompliance(partial, 'aws-security-hub');
    expect(hub.controls.map((control) => `${control.id}:${control.verdict}`)).toEqual([
      'IAM.4:UNKNOWN',
      'IAM.6:UNKNOWN',
      'IAM.9:UNKNOWN',
    ]);
    const clean = evaluateCompliance(report([result('222222222222', none)]), 'aws-security-hub');
    expect(clean.controls.map((control) => `${control.id}:${control.verdict}`)).toEqual([
      'IAM.4:PASS',
      'IAM.6:NOT_APPLICABLE',
      'IAM.9:NOT_APPLICABLE',
    ]);
  });

  it('fails centralized root access when the organization feature is off, and says it was not read otherwise', () => {
    const clean = report([result('222222222222', none)]);
    expect(
      evaluateCompliance(clean, 'cis-7.0', { rootCredentialsManagement: false }).controls[0]?.verdict,
    ).toBe('FAIL');
    const unread = evaluateCompliance(clean, 'cis-7.0').controls[0];
    expect(unread?.verdict).toBe('UNKNOWN');
    expect(unread?.organization?.reason).toMatch(/was not read/);
  });
});
