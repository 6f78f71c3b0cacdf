import {
  type AccountAuditResult,
  type AuditReport,
  evaluateFindings,
  openSqliteStore,
  type RootCredentials,
  statusOf,
  summarizeResults,
} from '@rootwarden/core';

const ORG = 'o-a1b2c3d4e5';
export const IDS = {
  first: '1a2b3c4d-0000-4000-8000-000000000001',
  second: '1a2b3c4d-0000-4000-8000-000000000002',
  third: '5e6f7a8b-0000-4000-8000-000000000003',
  otherOrg: '9c8d7e6f-0000-4000-8000-000000000004',
};

const NONE: RootCredentials = {
  userCreateDate: '2023-03-27T23:19:57.000Z',
  passwordLastUsed: null,
  loginProfile: null,
  accessKeys: [],
  signingCertificates: [],
  mfaDevices: [],
};
const PASSWORD = { createDate: '2024-01-02T03:04:05.000Z', passwordResetRequired: false };
const KEY = {
  accessKeyId: 'AKIAEXAMPLEROOTKEY01',
  status: 'Active' as const,
  createDate: '2025-12-13T22:14:40.000Z',
  lastUsedDate: null,
  lastUsedService: null,
  lastUsedRegion: null,
};
const MFA = {
  serialNumber: 'arn:aws:iam::222222222222:mfa/root',
  kind: 'virtual' as const,
  enableDate: null,
};

function account(
  accountId: string,
  name: string,
  partial: Partial<RootCredentials>,
  at: string,
): AccountAuditResult {
  const credentials = { ...NONE, ...partial };
  return {
    accountId,
    name,
    email: `${name.toLowerCase()}@example.com`,
    state: 'ACTIVE',
    ouPath: [{ id: 'r-ab12', name: 'Root' }],
    ouPathText: 'Root',
    status: statusOf(credentials),
    rootCredentials: credentials,
    findings: evaluateFindings(credentials, { now: new Date(at), recentDays: 90 }),
    auditedAt: at,
  };
}

function report(
  auditId: string,
  startedAt: string,
  accounts: AccountAuditResult[],
  organizationId = ORG,
): AuditReport {
  return {
    schemaVersion: 1,
    auditId,
    organizationId,
    managementAccountId: '999999999999',
    caller: { accountId: '999999999999', arn: 'arn:aws:iam::999999999999:user/admin', role: 'management' },
    startedAt,
    finishedAt: new Date(new Date(startedAt).getTime() + 42_000).toISOString(),
    complete: true,
    selection: { accounts: [], ous: [], exclude: [] },
    settings: { recentDays: 90 },
    summary: summarizeResults(accounts),
    accounts,
  };
}

/** Three audits of one org (a password re-created, a key added, an MFA device removed) and one of another org. */
export function historyReports(): AuditReport[] {
  const t1 = '2026-11-01T10:00:00.000Z';
  const t2 = '2026-11-02T10:00:00.000Z';
  const t3 = '2026-11-03T10:00:00.000Z';
  return [
    report(IDS.first, t1, [
      account('111111111111', 'Prod', {}, t1),
      account('222222222222', 'Dev', { mfaDevices: [MFA] }, t1),
    ]),
    report(
      IDS.otherOrg,
      '2026-11-01T12:00:00.000Z',
      [account('333333333333', 'Other', {}, t1)],
      'o-zzzzzzzzzz',
    ),
    report(IDS.second, t2, [
      account('111111111111', 'Prod', {}, t2),
      account('222222222222', 'Dev', { mfaDevices: [MFA] }, t2),
    ]),
    report(IDS.third, t3, [
      account('111111111111', 'Prod', { loginProfile: PASSWORD }, t3),
      account('222222222222', 'Dev', { accessKeys: [KEY] }, t3),
    ]),
  ];
}

/** Saves reports into the history under `home` through the store API. */
export async function seedHistory(home: string, reports: AuditReport[] = historyReports()): Promise<void> {
  const store = await openSqliteStore({ home });
  try {
    for (const item of reports) await store.saveAudit(item);
  } finally {
    await store.close();
  }
}
