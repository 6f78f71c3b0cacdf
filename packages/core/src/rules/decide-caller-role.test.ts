import { describe, expect, it } from 'vitest';
import { type CallerRoleEvidence, decideCallerRole } from './decide-caller-role.js';

const MGMT = '111111111111';
const DA = '222222222222';
const base = { callerAccountId: DA, managementAccountId: MGMT };

describe('decideCallerRole', () => {
  it.each<[string, CallerRoleEvidence, string]>([
    [
      'management account, whatever else',
      { ...base, callerAccountId: MGMT, features: { kind: 'denied' }, delegatedAdministrators: null },
      'management',
    ],
    [
      'features answered (only management or the IAM delegated admin get an answer)',
      { ...base, features: { kind: 'answered', features: [] }, delegatedAdministrators: null },
      'delegated-admin',
    ],
    [
      'features answered although the delegated-admin list is denied',
      {
        ...base,
        features: { kind: 'answered', features: ['RootCredentialsManagement'] },
        delegatedAdministrators: null,
      },
      'delegated-admin',
    ],
    [
      'AWS says not management or delegated admin',
      { ...base, features: { kind: 'not-admin' }, delegatedAdministrators: null },
      'other',
    ],
    [
      'features denied, delegated-admin list names the caller',
      { ...base, features: { kind: 'denied' }, delegatedAdministrators: [DA] },
      'delegated-admin',
    ],
    [
      'features denied, delegated-admin list without the caller',
      { ...base, features: { kind: 'denied' }, delegatedAdministrators: ['333333333333'] },
      'other',
    ],
    [
      'trusted access off, delegated-admin list without the caller',
      { ...base, features: { kind: 'trusted-access-off' }, delegatedAdministrators: [] },
      'other',
    ],
    [
      'both reads denied: nothing decides it',
      { ...base, features: { kind: 'denied' }, delegatedAdministrators: null },
      'unverified',
    ],
  ])('%s', (_name, evidence, role) => {
    expect(decideCallerRole(evidence)).toBe(role);
  });
});
