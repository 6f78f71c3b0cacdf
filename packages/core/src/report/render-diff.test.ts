import { describe, expect, it } from 'vitest';
import { accessKey, CERTIFICATE, makeReport, PASSWORD, VIRTUAL_MFA } from '../../test/fixtures.js';
import type { CredentialChange } from '../domain/audit-diff.js';
import { diffAudits } from '../rules/diff-audits.js';
import { describeCredentialChange, describeDrift, renderAuditDiff } from './render-diff.js';

function sampleDiff() {
  const before = makeReport({
    auditId: 'aaaa0001-0000-4000-8000-000000000001',
    startedAt: '2026-11-01T10:00:00.000Z',
    accounts: [
      { accountId: '111111111111', name: 'Prod | EU', credentials: { mfaDevices: [VIRTUAL_MFA] } },
      { accountId: '222222222222', credentials: { accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1')] } },
      { accountId: '333333333333', credentials: {} },
    ],
  });
  const after = makeReport({
    auditId: 'aaaa0002-0000-4000-8000-000000000002',
    startedAt: '2026-11-02T10:00:00.000Z',
    complete: false,
    accounts: [
      { accountId: '111111111111', name: 'Prod | EU', credentials: { loginProfile: PASSWORD } },
      {
        accountId: '222222222222',
        credentials: {
          accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1', 'Inactive')],
          signingCertificates: [CERTIFICATE],
        },
      },
      { accountId: '444444444444', credentials: {} },
    ],
  });
  return diffAudits(before, after);
}

describe('renderAuditDiff', () => {
  it('renders markdown', () => {
    expect(renderAuditDiff(sampleDiff(), 'markdown')).toMatchSnapshot();
  });

  it('renders JSON that parses back to the diff', () => {
    const diff = sampleDiff();
    expect(JSON.parse(renderAuditDiff(diff, 'json'))).toEqual(diff);
  });

  it('says when nothing drifted', () => {
    const report = makeReport({ auditId: 'a', startedAt: '2026-11-01T10:00:00.000Z', accounts: [] });
    const diff = diffAudits(report, { ...report, auditId: 'b' });
    expect(describeDrift(diff)).toBe('No drift: 0 account(s) unchanged.');
    expect(renderAuditDiff(diff, 'markdown')).toContain('**no drift**');
  });
});

describe('describeCredentialChange', () => {
  const table: Array<[CredentialChange, string]> = [
    [{ kind: 'password', id: 'password', change: 'appeared', from: null, to: 'x' }, '+ password'],
    [{ kind: 'password', id: 'password', change: 'disappeared', from: 'x', to: null }, '- password'],
    [
      { kind: 'password', id: 'password', change: 'replaced', from: 'a', to: '2026-11-01T00:00:00.000Z' },
      'password re-created (2026-11-01T00:00:00.000Z)',
    ],
    [
      { kind: 'access-key', id: 'AKIA1', change: 'appeared', from: null, to: 'Active' },
      '+ access key AKIA1 (Active)',
    ],
    [
      { kind: 'access-key', id: 'AKIA1', change: 'status-changed', from: 'Active', to: 'Inactive' },
      'access key AKIA1 Active → Inactive',
    ],
    [
      { kind: 'mfa-device', id: 'GAHT1', change: 'disappeared', from: 'hardware', to: null },
      '- MFA device GAHT1 (hardware)',
    ],
    [
      { kind: 'signing-certificate', id: 'C1', change: 'appeared', from: null, to: 'Active' },
      '+ signing certificate C1 (Active)',
    ],
  ];
  it.each(table)('%j → %s', (change, text) => {
    expect(describeCredentialChange(change)).toBe(text);
  });
});
