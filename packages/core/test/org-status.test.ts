import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, type SandboxFixture, startSandbox, TRANSPORTS } from './sandbox.js';

describe.each(TRANSPORTS)('org status and enable (%s)', (transport) => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'blog' });
  });
  afterAll(() => fixture.close());

  it('shows the seed organization from the management account, root sessions off', async () => {
    fixture.sandbox.admin.reset();
    const status = await fixture.engine({ transport }).getOrgStatus();
    expect(status.caller).toEqual({
      accountId: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/admin',
      role: 'management',
    });
    expect(status.organization).toEqual({
      id: 'o-8j81brsjuj',
      featureSet: 'ALL',
      managementAccountId: '123456789012',
    });
    expect(status.trustedAccessForIam).toBe(true);
    expect(status.rootCredentialsManagement).toBe(true);
    expect(status.rootSessions).toBe(false);
    expect(status.delegatedAdministrators).toEqual([{ accountId: '222222222222', name: 'Account2' }]);
    expect(status.problems.map((problem) => problem.code)).toEqual(['ROOT_SESSIONS_NOT_ENABLED']);
    expect(status.problems[0]?.fix).toBe('rootwarden org enable');
    expect(status.capabilities).toMatchObject({ audit: true, unlockResourcePolicies: false, enable: true });
  });

  it('recognises the IAM delegated administrator', async () => {
    fixture.sandbox.admin.reset();
    const status = await fixture.engine({ transport, principal: 'delegated-admin' }).getOrgStatus();
    expect(status.caller.role).toBe('delegated-admin');
    expect(status.capabilities).toMatchObject({ audit: true, enable: false });
  });

  it('explains a caller that is neither management nor delegated admin', async () => {
    fixture.sandbox.admin.reset();
    const status = await fixture.engine({ transport, principal: 'no-rights' }).getOrgStatus();
    expect(status.caller.role).toBe('other');
    expect(status.problems.map((problem) => problem.code)).toContain('NOT_AUTHORIZED_CALLER');
    expect(status.capabilities.audit).toBe(false);
  });

  it('lists every missing prerequisite with its fix when nothing is enabled', async () => {
    fixture.sandbox.admin.reset();
    fixture.sandbox.admin.setOrganization({ trustedAccess: [], rootFeatures: [] });
    const status = await fixture.engine({ transport }).getOrgStatus();
    expect(status.trustedAccessForIam).toBe(false);
    expect(status.problems.map((problem) => problem.code)).toEqual([
      'TRUSTED_ACCESS_NOT_ENABLED',
      'ROOT_ACCESS_NOT_ENABLED',
      'ROOT_SESSIONS_NOT_ENABLED',
    ]);
    expect(status.problems.every((problem) => problem.fix.startsWith('rootwarden org enable'))).toBe(true);
  });

  it('enables trusted access, then the features, idempotently', async () => {
    fixture.sandbox.admin.reset();
    fixture.sandbox.admin.setOrganization({ trustedAccess: [], rootFeatures: [] });
    fixture.sandbox.admin.clearCalls();
    const engine = fixture.engine({ transport });

    const preview = await engine.previewEnableRootAccess({ rootSessions: true });
    expect(preview.steps.map((step) => step.status)).toEqual(['pending', 'pending', 'pending']);
    const writes = () =>
      fixture.sandbox.admin
        .calls()
        .filter((call) => /^(Enable|Register)/.test(call.operation))
        .map((call) => call.operation);
    expect(writes()).toEqual([]); // the preview changed nothing

    const first = await engine.enableRootAccess({ rootSessions: true });
    expect(first.steps.map((step) => step.status)).toEqual(['done', 'done', 'done']);
    expect(first.status.problems).toEqual([]);
    expect(writes()).toEqual([
      'EnableAWSServiceAccess',
      'EnableOrganizationsRootCredentialsManagement',
      'EnableOrganizationsRootSessions',
    ]);

    const second = await engine.enableRootAccess({ rootSessions: true });
    expect(second.steps.map((step) => step.status)).toEqual([
      'already-enabled',
      'already-enabled',
      'already-enabled',
    ]);
    expect(writes()).toHaveLength(3);
  });

  it('refuses enable from the delegated admin before any change', async () => {
    fixture.sandbox.admin.reset();
    fixture.sandbox.admin.setOrganization({ rootFeatures: ['RootCredentialsManagement'] });
    const error = await rejection(() =>
      fixture.engine({ transport, principal: 'delegated-admin' }).enableRootAccess({ rootSessions: true }),
    );
    expect(error.code).toBe('NOT_AUTHORIZED_CALLER');
    expect(error.message).toContain('Only the management account (123456789012)');
    expect(fixture.sandbox.admin.calls().filter((call) => call.operation.startsWith('Enable'))).toEqual([]);
  });
});
