import type { AccountAuditResult, AuditReport } from '../src/domain/audit.js';
import type { AccessKey, RootCredentials } from '../src/domain/root-credentials.js';
import { evaluateFindings, statusOf } from '../src/rules/evaluate-findings.js';
import { summarizeResults } from '../src/rules/summarize.js';

const ORG = 'o-a1b2c3d4e5';
const MANAGEMENT = '999999999999';

export const NO_CREDENTIALS: RootCredentials = {
  userCreateDate: '2023-03-27T23:19:57.000Z',
  passwordLastUsed: null,
  loginProfile: null,
  accessKeys: [],
  signingCertificates: [],
  mfaDevices: [],
};

export const PASSWORD = { createDate: '2024-01-02T03:04:05.000Z', passwordResetRequired: false };

export function accessKey(accessKeyId: string, status: AccessKey['status'] = 'Active'): AccessKey {
  return {
    accessKeyId,
    status,
    createDate: '2025-12-13T22:14:40.000Z',
    lastUsedDate: null,
    lastUsedService: null,
    lastUsedRegion: null,
  };
}

export const VIRTUAL_MFA = {
  serialNumber: 'arn:aws:iam::111111111111:mfa/Authapp',
  kind: 'virtual' as const,
  enableDate: null,
};

export const CERTIFICATE = {
  certificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY',
  status: 'Active' as const,
  uploadDate: null,
};

export type AccountSpec =
  | { accountId: string; name?: string; credentials: Partial<RootCredentials> }
  | { accountId: string; name?: string; status: 'unknown' | 'skipped' };

const base = {
  email: 'root@example.com',
  state: 'ACTIVE' as const,
  ouPath: [{ id: 'r-ab12', name: 'Root' }],
  ouPathText: 'Root',
};

function accountResult(spec: AccountSpec, at: string): AccountAuditResult {
  const name = spec.name ?? `Account ${spec.accountId.slice(-2)}`;
  if ('status' in spec) {
    return spec.status === 'skipped'
      ? {
          ...base,
          accountId: spec.accountId,
          name,
          skipReason: 'MANAGEMENT_ACCOUNT',
          skipDetail: 'management account',
          status: 'skipped',
          rootCredentials: null,
          findings: [],
          auditedAt: null,
        }
      : {
          ...base,
          accountId: spec.accountId,
          name,
          status: 'unknown',
          error: { code: 'THROTTLED', message: 'Rate exceeded', awsCode: 'Throttling' },
          rootCredentials: null,
          findings: [],
          auditedAt: null,
        };
  }
  const credentials = { ...NO_CREDENTIALS, ...spec.credentials };
  return {
    ...base,
    accountId: spec.accountId,
    name,
    status: statusOf(credentials),
    rootCredentials: credentials,
    findings: evaluateFindings(credentials, { now: new Date(at), recentDays: 90 }),
    auditedAt: at,
  };
}

export interface ReportSpec {
  auditId: string;
  organizationId?: string;
  startedAt: string;
  complete?: boolean;
  accounts: AccountSpec[];
  selection?: Partial<AuditReport['selection']>;
}

/** A consistent audit report (statuses, findings and summary computed by the real rules). */
export function makeReport(spec: ReportSpec): AuditReport {
  const finishedAt = new Date(new Date(spec.startedAt).getTime() + 60_000).toISOString();
  const accounts = spec.accounts
    .map((account) => accountResult(account, spec.startedAt))
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
  return {
    schemaVersion: 1,
    auditId: spec.auditId,
    organizationId: spec.organizationId ?? ORG,
    managementAccountId: MANAGEMENT,
    caller: { accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/admin`, role: 'management' },
    startedAt: spec.startedAt,
    finishedAt,
    complete: spec.complete ?? true,
    selection: { accounts: [], ous: [], exclude: [], ...spec.selection },
    settings: { recentDays: 90 },
    summary: summarizeResults(accounts),
    accounts,
  };
}
