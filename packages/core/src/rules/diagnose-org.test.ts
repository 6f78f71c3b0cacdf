import { describe, expect, it } from 'vitest';
import { diagnoseOrganization, type OrgObservations } from './diagnose-org.js';
import { planEnableSteps } from './plan-enable.js';

const base: OrgObservations = {
  caller: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/admin' },
  organization: { id: 'o-8j81brsjuj', featureSet: 'ALL', managementAccountId: '123456789012' },
  delegatedAdministrators: [{ accountId: '444455556666', name: 'security' }],
  trustedAccessForIam: true,
  enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
};

describe('diagnoseOrganization', () => {
  it('finds nothing wrong in a fully enabled organization seen from the management account', () => {
    const diagnosis = diagnoseOrganization(base);
    expect(diagnosis.role).toBe('management');
    expect(diagnosis.problems).toEqual([]);
    expect(diagnosis.capabilities).toEqual({
      audit: true,
      deleteRootCredentials: true,
      allowPasswordRecovery: true,
      unlockResourcePolicies: true,
      enable: true,
    });
  });

  it.each<[string, Partial<OrgObservations>, string[]]>([
    [
      'trusted access off',
      { trustedAccessForIam: false, enabledFeatures: [] },
      ['TRUSTED_ACCESS_NOT_ENABLED', 'ROOT_ACCESS_NOT_ENABLED', 'ROOT_SESSIONS_NOT_ENABLED'],
    ],
    [
      'root sessions off (the seed)',
      { enabledFeatures: ['RootCredentialsManagement'] },
      ['ROOT_SESSIONS_NOT_ENABLED'],
    ],
    [
      'consolidated billing only',
      {
        organization: {
          id: 'o-8j81brsjuj',
          featureSet: 'CONSOLIDATED_BILLING',
          managementAccountId: '123456789012',
        },
      },
      ['ORGANIZATION_NOT_IN_ALL_FEATURES_MODE'],
    ],
    ['no organization', { organization: null }, ['ORGANIZATION_NOT_FOUND']],
    [
      'an organization it may not read',
      { organization: null, organizationDenied: true },
      ['NOT_AUTHORIZED_CALLER'],
    ],
    [
      'a member account that is not delegated admin',
      { caller: { accountId: '777788889999', arn: 'arn:aws:iam::777788889999:role/x' } },
      ['NOT_AUTHORIZED_CALLER'],
    ],
    [
      'root user credentials',
      { caller: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' } },
      ['ROOT_USER_CALLER'],
    ],
  ])('%s', (_name, change, codes) => {
    expect(diagnoseOrganization({ ...base, ...change }).problems.map((problem) => problem.code)).toEqual(
      codes,
    );
  });

  it('recognises the IAM delegated admin, who may audit but not enable', () => {
    const diagnosis = diagnoseOrganization({
      ...base,
      caller: { accountId: '444455556666', arn: 'arn:aws:iam::444455556666:role/audit' },
    });
    expect(diagnosis.role).toBe('delegated-admin');
    expect(diagnosis.capabilities.audit).toBe(true);
    expect(diagnosis.capabilities.enable).toBe(false);
  });

  it('tells a delegated admin to enable from the management account', () => {
    const diagnosis = diagnoseOrganization({
      ...base,
      caller: { accountId: '444455556666', arn: 'arn:aws:iam::444455556666:role/audit' },
      enabledFeatures: ['RootCredentialsManagement'],
    });
    expect(diagnosis.problems[0]?.fix).toContain('From the management account (123456789012)');
  });
});

describe('planEnableSteps', () => {
  const status = (trusted: boolean | null, rcm: boolean | null, sessions: boolean | null) =>
    ({ trustedAccessForIam: trusted, rootCredentialsManagement: rcm, rootSessions: sessions }) as Parameters<
      typeof planEnableSteps
    >[0];

  it('plans every step on a fresh organization, in AWS order', () => {
    expect(
      planEnableSteps(status(false, false, false), true).map((step) => [step.step, step.status]),
    ).toEqual([
      ['trusted-access', 'pending'],
      ['root-credentials-management', 'pending'],
      ['root-sessions', 'pending'],
    ]);
  });

  it('is idempotent: nothing pending once enabled', () => {
    expect(
      planEnableSteps(status(true, true, true), true).every((step) => step.status === 'already-enabled'),
    ).toBe(true);
  });

  it('leaves root sessions alone unless asked', () => {
    expect(planEnableSteps(status(true, true, false), false).map((step) => step.step)).toEqual([
      'trusted-access',
      'root-credentials-management',
    ]);
  });
});
