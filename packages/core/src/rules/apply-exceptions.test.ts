import { describe, expect, it } from 'vitest';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { FindingException } from '../domain/exception.js';
import { NewExceptionSchema } from '../domain/exception.js';
import { acceptFindings, applyExceptions } from './apply-exceptions.js';
import { countsMeetThreshold } from './severity.js';
import { summarizeResults } from './summarize.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

const account: AccountAuditResult = {
  accountId: '111111111111',
  name: 'Account1',
  email: 'a@example.com',
  state: 'ACTIVE',
  ouPath: [],
  ouPathText: 'Root',
  status: 'exposed',
  rootCredentials: null,
  findings: [
    { code: 'ROOT_ACCESS_KEY_ACTIVE', severity: 'critical', message: 'key', resource: 'AKIA1' },
    { code: 'ROOT_PASSWORD_PRESENT', severity: 'medium', message: 'password', resource: 'password' },
  ],
  auditedAt: NOW.toISOString(),
};

function exception(overrides: Partial<FindingException>): FindingException {
  return {
    id: 'ex-1',
    accountId: '111111111111',
    findingCode: 'ROOT_ACCESS_KEY_ACTIVE',
    reason: 'legacy integration, replaced in Q1',
    owner: 'platform-team',
    expiresAt: '2027-03-31T23:59:59.999Z',
    createdAt: null,
    createdBy: null,
    source: 'store',
    ...overrides,
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

describe('acceptFindings', () => {
  it.each([
    ['a finding-specific exception accepts only that finding', [exception({})], ['accepted', 'open'], []],
    [
      'an account-wide exception accepts every finding',
      [exception({ findingCode: null })],
      ['accepted', 'accepted'],
      [],
    ],
    [
      'another account’s exception accepts nothing',
      [exception({ accountId: '222222222222' })],
      ['open', 'open'],
      [],
    ],
    [
      'an expired exception stops applying and is named',
      [exception({ expiresAt: '2026-11-30T23:59:59.999Z' })],
      ['open', 'open'],
      ['ex-1'],
    ],
    [
      'an unexpired exception wins over an expired one for the same finding',
      [exception({ id: 'old', expiresAt: '2026-01-01T00:00:00.000Z' }), exception({ id: 'new' })],
      ['accepted', 'open'],
      [],
    ],
  ] as const)('%s', (_name, exceptions, marks, expired) => {
    const outcome = acceptFindings(account, exceptions, NOW);
    expect(outcome.result.findings.map((finding) => (finding.accepted ? 'accepted' : 'open'))).toEqual(marks);
    expect(outcome.expired.map((entry) => entry.exceptionId)).toEqual(expired);
  });
});

describe('applyExceptions', () => {
  it('keeps accepted findings in the report but out of the counts --fail-on reads', () => {
    const applied = applyExceptions(report([account]), [exception({})], NOW);
    expect(applied.accounts[0]?.findings).toHaveLength(2);
    expect(applied.summary.findings).toEqual({ critical: 0, high: 0, medium: 1, low: 0 });
    expect(applied.summary.accepted).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
    expect(countsMeetThreshold(applied.summary.findings, 'high')).toBe(false);
    expect(countsMeetThreshold(applied.summary.findings, 'medium')).toBe(true);
    expect(applied.exceptions).toEqual({ applied: 1, expired: [] });
  });

  it('leaves a report untouched without exceptions', () => {
    const plain = report([account]);
    expect(applyExceptions(plain, [], NOW)).toBe(plain);
  });
});

describe('NewExceptionSchema', () => {
  it('reads --expires DATE as the end of that day, UTC', () => {
    const parsed = NewExceptionSchema.parse({
      accountId: '111111111111',
      reason: 'r',
      owner: 'o',
      expires: '2027-03-31',
    });
    expect(parsed.expires).toBe('2027-03-31T23:59:59.999Z');
  });
  it.each([['31/03/2027'], ['2027-13-45'], ['tomorrow']])('refuses --expires %s', (expires) => {
    expect(
      NewExceptionSchema.safeParse({ accountId: '111111111111', reason: 'r', owner: 'o', expires }).success,
    ).toBe(false);
  });
});
