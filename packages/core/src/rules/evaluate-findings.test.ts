import { describe, expect, it } from 'vitest';
import type { RootCredentials } from '../domain/root-credentials.js';
import { evaluateFindings, statusOf } from './evaluate-findings.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const DAYS_AGO = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const none: RootCredentials = {
  userCreateDate: '2023-03-27T23:19:57.000Z',
  passwordLastUsed: null,
  loginProfile: null,
  accessKeys: [],
  signingCertificates: [],
  mfaDevices: [],
};
const password = { createDate: '2023-03-27T23:19:57.000Z', passwordResetRequired: false };
const key = (status: 'Active' | 'Inactive', lastUsedDate: string | null = null) => ({
  accessKeyId: status === 'Active' ? 'AKIAACTIVE0000000001' : 'AKIAINACTIVE00000001',
  status,
  createDate: '2025-12-13T22:14:40.000Z',
  lastUsedDate,
  lastUsedService: lastUsedDate ? 'iam' : null,
  lastUsedRegion: lastUsedDate ? 'us-east-1' : null,
});
const virtualMfa = {
  serialNumber: 'arn:aws:iam::111122223333:mfa/Authapp',
  kind: 'virtual' as const,
  enableDate: null,
};
const fidoMfa = {
  serialNumber: 'arn:aws:iam::111122223333:u2f/root/key-R1234',
  kind: 'fido' as const,
  enableDate: null,
};
const hardwareMfa = { serialNumber: 'GAHT12345678', kind: 'hardware' as const, enableDate: null };
const certificate = {
  certificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY',
  status: 'Active' as const,
  uploadDate: null,
};

// One row per rule of the product's findings table, plus the cases peers get wrong.
const table: Array<{
  name: string;
  credentials: RootCredentials;
  status: 'clean' | 'exposed';
  codes: string[];
}> = [
  { name: 'no credentials at all', credentials: none, status: 'clean', codes: [] },
  {
    name: 'no credentials, but GetUser still reports an old PasswordLastUsed (seed Account6)',
    credentials: { ...none, passwordLastUsed: DAYS_AGO(3) },
    status: 'clean',
    codes: [],
  },
  {
    name: 'active key never used',
    credentials: { ...none, accessKeys: [key('Active')] },
    status: 'exposed',
    codes: ['ROOT_ACCESS_KEY_ACTIVE'],
  },
  {
    name: 'inactive key',
    credentials: { ...none, accessKeys: [key('Inactive')] },
    status: 'exposed',
    codes: ['ROOT_ACCESS_KEY_INACTIVE'],
  },
  {
    name: 'active key used 10 days ago',
    credentials: { ...none, accessKeys: [key('Active', DAYS_AGO(10))] },
    status: 'exposed',
    codes: ['ROOT_ACCESS_KEY_ACTIVE', 'ROOT_RECENTLY_USED'],
  },
  {
    name: 'key used 91 days ago is not recent',
    credentials: { ...none, accessKeys: [key('Inactive', DAYS_AGO(91))] },
    status: 'exposed',
    codes: ['ROOT_ACCESS_KEY_INACTIVE'],
  },
  {
    name: 'password without MFA, used recently',
    credentials: { ...none, loginProfile: password, passwordLastUsed: DAYS_AGO(1) },
    status: 'exposed',
    codes: ['ROOT_RECENTLY_USED', 'ROOT_PASSWORD_WITHOUT_MFA', 'ROOT_PASSWORD_PRESENT'],
  },
  {
    name: 'password with a virtual MFA only',
    credentials: { ...none, loginProfile: password, mfaDevices: [virtualMfa] },
    status: 'exposed',
    codes: ['ROOT_PASSWORD_PRESENT', 'ROOT_MFA_VIRTUAL_ONLY'],
  },
  {
    name: 'password with virtual and FIDO MFA',
    credentials: { ...none, loginProfile: password, mfaDevices: [virtualMfa, fidoMfa] },
    status: 'exposed',
    codes: ['ROOT_PASSWORD_PRESENT'],
  },
  {
    name: 'password with hardware MFA',
    credentials: { ...none, loginProfile: password, mfaDevices: [hardwareMfa] },
    status: 'exposed',
    codes: ['ROOT_PASSWORD_PRESENT'],
  },
  {
    name: 'signing certificate only',
    credentials: { ...none, signingCertificates: [certificate] },
    status: 'exposed',
    codes: ['ROOT_SIGNING_CERTIFICATE'],
  },
  {
    name: 'MFA device left behind without a password',
    credentials: { ...none, mfaDevices: [virtualMfa] },
    status: 'exposed',
    codes: ['ROOT_MFA_VIRTUAL_ONLY'],
  },
  {
    name: 'the seed Account1: password used recently, active key, certificate, virtual MFA',
    credentials: {
      ...none,
      passwordLastUsed: DAYS_AGO(2),
      loginProfile: password,
      accessKeys: [key('Active')],
      signingCertificates: [certificate],
      mfaDevices: [virtualMfa],
    },
    status: 'exposed',
    codes: [
      'ROOT_ACCESS_KEY_ACTIVE',
      'ROOT_RECENTLY_USED',
      'ROOT_PASSWORD_PRESENT',
      'ROOT_SIGNING_CERTIFICATE',
      'ROOT_MFA_VIRTUAL_ONLY',
    ],
  },
];

describe('evaluateFindings', () => {
  it.each(table)('$name', ({ credentials, status, codes }) => {
    const findings = evaluateFindings(credentials, { now: NOW, recentDays: 90 });
    expect(findings.map((finding) => finding.code)).toEqual(codes);
    expect(statusOf(credentials)).toBe(status);
  });

  it('orders findings from the most to the least severe', () => {
    const findings = evaluateFindings(table.at(-1)?.credentials as RootCredentials, {
      now: NOW,
      recentDays: 90,
    });
    expect(findings.map((finding) => finding.severity)).toEqual([
      'critical',
      'high',
      'medium',
      'medium',
      'low',
    ]);
  });

  it('honours the recent-use window', () => {
    const credentials = { ...none, accessKeys: [key('Active', DAYS_AGO(20))] };
    expect(evaluateFindings(credentials, { now: NOW, recentDays: 30 }).map((f) => f.code)).toContain(
      'ROOT_RECENTLY_USED',
    );
    expect(evaluateFindings(credentials, { now: NOW, recentDays: 7 }).map((f) => f.code)).not.toContain(
      'ROOT_RECENTLY_USED',
    );
  });

  it('names the credential each finding is about', () => {
    const findings = evaluateFindings(
      { ...none, accessKeys: [key('Active')], signingCertificates: [certificate] },
      { now: NOW, recentDays: 90 },
    );
    expect(findings.map((finding) => finding.resource)).toEqual([
      'AKIAACTIVE0000000001',
      certificate.certificateId,
    ]);
  });
});
