import { describe, expect, it } from 'vitest';
import {
  type AccountSpec,
  accessKey,
  CERTIFICATE,
  makeReport,
  PASSWORD,
  VIRTUAL_MFA,
} from '../../test/fixtures.js';
import { type AccountDiff, AuditDiffSchema } from '../domain/audit-diff.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { CoreError } from '../errors.js';
import { diffAudits } from './diff-audits.js';

const A = '111111111111';
const B = '222222222222';
const KEY1 = 'AKIAAAAAAAAAAAAAAAA1';
const KEY2 = 'AKIAAAAAAAAAAAAAAAA2';
const HARDWARE = { serialNumber: 'GAHT12345678', kind: 'hardware' as const, enableDate: null };

const one = (spec: Partial<RootCredentials> | 'unknown' | 'skipped'): AccountSpec =>
  typeof spec === 'string'
    ? { accountId: A, name: 'Prod', status: spec }
    : { accountId: A, name: 'Prod', credentials: spec };

function pair(before: AccountSpec[], after: AccountSpec[]) {
  return [
    makeReport({ auditId: 'old', startedAt: '2026-11-01T10:00:00.000Z', accounts: before }),
    makeReport({ auditId: 'new', startedAt: '2026-11-02T10:00:00.000Z', accounts: after }),
  ] as const;
}

// One row per kind of drift the product promises, plus the cases that must NOT count as drift.
const table: Array<{ name: string; before: AccountSpec[]; after: AccountSpec[]; accounts: AccountDiff[] }> = [
  {
    name: 'nothing changed',
    before: [one({ loginProfile: PASSWORD })],
    after: [one({ loginProfile: PASSWORD })],
    accounts: [],
  },
  {
    name: 'a root password re-created after deletion (clean → exposed)',
    before: [one({})],
    after: [one({ loginProfile: PASSWORD })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'clean',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'password', id: 'password', change: 'appeared', from: null, to: PASSWORD.createDate },
        ],
      },
    ],
  },
  {
    name: 'password deleted (exposed → clean)',
    before: [one({ loginProfile: PASSWORD })],
    after: [one({})],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'clean',
        credentials: [
          { kind: 'password', id: 'password', change: 'disappeared', from: PASSWORD.createDate, to: null },
        ],
      },
    ],
  },
  {
    name: 'password replaced between audits (new creation date)',
    before: [one({ loginProfile: PASSWORD })],
    after: [one({ loginProfile: { ...PASSWORD, createDate: '2026-11-01T12:00:00.000Z' } })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          {
            kind: 'password',
            id: 'password',
            change: 'replaced',
            from: PASSWORD.createDate,
            to: '2026-11-01T12:00:00.000Z',
          },
        ],
      },
    ],
  },
  {
    name: 'a password whose creation date AWS did not report is not called replaced',
    before: [one({ loginProfile: PASSWORD })],
    after: [one({ loginProfile: { ...PASSWORD, createDate: null } })],
    accounts: [],
  },
  {
    name: 'an access key added next to another, one deactivated',
    before: [one({ accessKeys: [accessKey(KEY1, 'Active')] })],
    after: [one({ accessKeys: [accessKey(KEY1, 'Inactive'), accessKey(KEY2, 'Active')] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'access-key', id: KEY1, change: 'status-changed', from: 'Active', to: 'Inactive' },
          { kind: 'access-key', id: KEY2, change: 'appeared', from: null, to: 'Active' },
        ],
      },
    ],
  },
  {
    name: 'an access key reactivated, another deleted',
    before: [one({ accessKeys: [accessKey(KEY1, 'Inactive'), accessKey(KEY2, 'Active')] })],
    after: [one({ accessKeys: [accessKey(KEY1, 'Active')] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'access-key', id: KEY1, change: 'status-changed', from: 'Inactive', to: 'Active' },
          { kind: 'access-key', id: KEY2, change: 'disappeared', from: 'Active', to: null },
        ],
      },
    ],
  },
  {
    name: 'a signing certificate uploaded',
    before: [one({})],
    after: [one({ signingCertificates: [CERTIFICATE] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'clean',
        statusAfter: 'exposed',
        credentials: [
          {
            kind: 'signing-certificate',
            id: CERTIFICATE.certificateId,
            change: 'appeared',
            from: null,
            to: 'Active',
          },
        ],
      },
    ],
  },
  {
    name: 'signing certificate deactivated',
    before: [one({ signingCertificates: [CERTIFICATE] })],
    after: [one({ signingCertificates: [{ ...CERTIFICATE, status: 'Inactive' }] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          {
            kind: 'signing-certificate',
            id: CERTIFICATE.certificateId,
            change: 'status-changed',
            from: 'Active',
            to: 'Inactive',
          },
        ],
      },
    ],
  },
  {
    name: 'an MFA device removed and a hardware one added (status unchanged)',
    before: [one({ loginProfile: PASSWORD, mfaDevices: [VIRTUAL_MFA] })],
    after: [one({ loginProfile: PASSWORD, mfaDevices: [HARDWARE] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'mfa-device', id: HARDWARE.serialNumber, change: 'appeared', from: null, to: 'hardware' },
          {
            kind: 'mfa-device',
            id: VIRTUAL_MFA.serialNumber,
            change: 'disappeared',
            from: 'virtual',
            to: null,
          },
        ],
      },
    ],
  },
  {
    name: 'the last credential removed: password, key, certificate and MFA all disappear in kind order',
    before: [
      one({
        loginProfile: PASSWORD,
        accessKeys: [accessKey(KEY1)],
        signingCertificates: [CERTIFICATE],
        mfaDevices: [VIRTUAL_MFA],
      }),
    ],
    after: [one({})],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'clean',
        credentials: [
          { kind: 'password', id: 'password', change: 'disappeared', from: PASSWORD.createDate, to: null },
          { kind: 'access-key', id: KEY1, change: 'disappeared', from: 'Active', to: null },
          {
            kind: 'signing-certificate',
            id: CERTIFICATE.certificateId,
            change: 'disappeared',
            from: 'Active',
            to: null,
          },
          {
            kind: 'mfa-device',
            id: VIRTUAL_MFA.serialNumber,
            change: 'disappeared',
            from: 'virtual',
            to: null,
          },
        ],
      },
    ],
  },
  {
    name: 'an account that could not be audited: status change only, credentials not compared',
    before: [one({ loginProfile: PASSWORD })],
    after: [one('unknown')],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'unknown',
        credentials: [],
      },
    ],
  },
  {
    name: 'audited again after being unknown: status change only',
    before: [one('unknown')],
    after: [one({ accessKeys: [accessKey(KEY1)] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'changed',
        statusBefore: 'unknown',
        statusAfter: 'exposed',
        credentials: [],
      },
    ],
  },
  { name: 'unknown twice is no drift', before: [one('unknown')], after: [one('unknown')], accounts: [] },
  { name: 'skipped twice is no drift', before: [one('skipped')], after: [one('skipped')], accounts: [] },
  {
    name: 'an account joined with a root key; another left',
    before: [{ accountId: B, name: 'Old', credentials: { loginProfile: PASSWORD } }],
    after: [one({ accessKeys: [accessKey(KEY1)] })],
    accounts: [
      {
        accountId: A,
        name: 'Prod',
        change: 'added',
        statusBefore: null,
        statusAfter: 'exposed',
        credentials: [{ kind: 'access-key', id: KEY1, change: 'appeared', from: null, to: 'Active' }],
      },
      {
        accountId: B,
        name: 'Old',
        change: 'removed',
        statusBefore: 'exposed',
        statusAfter: null,
        credentials: [
          { kind: 'password', id: 'password', change: 'disappeared', from: PASSWORD.createDate, to: null },
        ],
      },
    ],
  },
];

describe('diffAudits', () => {
  it.each(table)('$name', ({ before, after, accounts }) => {
    const diff = diffAudits(...pair(before, after));
    expect(diff.accounts).toEqual(accounts);
    expect(diff.drift).toBe(accounts.length > 0);
    expect(AuditDiffSchema.parse(diff)).toEqual(diff);
  });

  it('summarizes the changes', () => {
    const diff = diffAudits(
      ...pair(
        [
          one({ accessKeys: [accessKey(KEY1, 'Active')] }),
          { accountId: B, credentials: {} },
          { accountId: '333333333333', credentials: { loginProfile: PASSWORD } },
          { accountId: '444444444444', credentials: {} },
        ],
        [
          one({
            accessKeys: [accessKey(KEY1, 'Inactive'), accessKey(KEY2)],
            signingCertificates: [CERTIFICATE],
          }),
          { accountId: B, credentials: { loginProfile: PASSWORD } },
          { accountId: '333333333333', credentials: { loginProfile: PASSWORD } },
          { accountId: '555555555555', credentials: {} },
        ],
      ),
    );
    expect(diff.summary).toEqual({
      accountsCompared: 3,
      accountsAdded: 1,
      accountsRemoved: 1,
      accountsChanged: 2,
      statusChanges: 1,
      credentialsAppeared: 3,
      credentialsDisappeared: 0,
      credentialsChanged: 1,
    });
    expect(diff.before).toEqual({
      auditId: 'old',
      startedAt: '2026-11-01T10:00:00.000Z',
      finishedAt: '2026-11-01T10:01:00.000Z',
      complete: true,
    });
    expect(diff.after.auditId).toBe('new');
    expect(diff.organizationId).toBe('o-a1b2c3d4e5');
    expect(diff.warnings).toEqual([]);
  });

  it('refuses audits of two organizations', () => {
    const before = makeReport({ auditId: 'old', startedAt: '2026-11-01T10:00:00.000Z', accounts: [] });
    const after = makeReport({
      auditId: 'new',
      organizationId: 'o-zzzzzzzzzz',
      startedAt: '2026-11-02T10:00:00.000Z',
      accounts: [],
    });
    expect(() => diffAudits(before, after)).toThrow(CoreError);
    expect(() => diffAudits(before, after)).toThrow(/same organization/);
    try {
      diffAudits(before, after);
    } catch (error) {
      expect((error as CoreError).code).toBe('INVALID_INPUT');
    }
  });

  it('warns when the comparison is weaker: interrupted audit, different selections, reversed order', () => {
    const before = makeReport({
      auditId: 'old',
      startedAt: '2026-11-03T10:00:00.000Z',
      complete: false,
      accounts: [],
    });
    const after = makeReport({
      auditId: 'new',
      startedAt: '2026-11-02T10:00:00.000Z',
      accounts: [],
      selection: { ous: ['ou-ab12-cd34ef56'] },
    });
    expect(diffAudits(before, after).warnings).toEqual([
      'The older audit old was interrupted: accounts it did not reach are unknown.',
      'The audits selected different accounts (--account/--ou/--exclude): accounts outside one selection show as added, removed or skipped.',
      'The "older" audit old started after the "newer" one new.',
    ]);
  });
});
