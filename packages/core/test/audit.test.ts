import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditReportSchema } from '../src/domain/audit.js';
import { FINDING_CODES } from '../src/domain/finding.js';
import { expectedCredentials } from './expected.js';
import { issuedSecrets, rejection, type SandboxFixture, startSandbox, TRANSPORTS } from './sandbox.js';

describe.each(TRANSPORTS)('audit (%s)', (transport) => {
  let blog: SandboxFixture;
  let exposed: SandboxFixture;
  beforeAll(async () => {
    blog = await startSandbox({ scenario: 'blog' });
    exposed = await startSandbox({ scenario: 'exposed' });
  });
  afterAll(async () => {
    await blog.close();
    await exposed.close();
  });

  it('audits the seed organization: Account1 exposed, the others clean, the management account skipped', async () => {
    blog.sandbox.admin.reset();
    const report = await blog.engine({ transport }).audit();
    expect(AuditReportSchema.parse(report)).toEqual(report);
    expect(report.organizationId).toBe('o-8j81brsjuj');
    expect(report.complete).toBe(true);
    const status = Object.fromEntries(report.accounts.map((result) => [result.name, result.status]));
    expect(status).toEqual({
      Management: 'skipped',
      Account1: 'exposed',
      Account2: 'clean',
      Account3: 'clean',
      Account4: 'clean',
      Account5: 'clean',
      Account6: 'clean',
    });
    const account1 = report.accounts.find((result) => result.name === 'Account1');
    expect(account1?.rootCredentials).toEqual(
      expectedCredentials(blog.sandbox.admin.rootCredentials('111111111111')),
    );
    expect(account1?.findings.map((finding) => finding.code)).toEqual([
      'ROOT_ACCESS_KEY_ACTIVE',
      'ROOT_PASSWORD_PRESENT',
      'ROOT_SIGNING_CERTIFICATE',
      'ROOT_MFA_VIRTUAL_ONLY',
    ]);
    // Account6 has no credentials although GetUser still shows a PasswordLastUsed: clean, no MFA finding.
    const account6 = report.accounts.find((result) => result.name === 'Account6');
    expect(account6?.rootCredentials?.passwordLastUsed).toBe('2025-06-18T02:05:10.000Z');
    expect(account6?.findings).toEqual([]);
    expect(report.summary).toMatchObject({ accounts: 7, clean: 5, exposed: 1, skipped: 1, unknown: 0 });
  });

  it('observes exactly the sandbox state of every account, with the audit task policy only', async () => {
    exposed.sandbox.admin.reset();
    exposed.sandbox.admin.clearCalls();
    const report = await exposed.engine({ transport }).audit();
    for (const result of report.accounts.filter(
      (entry) => entry.status === 'clean' || entry.status === 'exposed',
    )) {
      expect(result.rootCredentials, result.accountId).toEqual(
        expectedCredentials(exposed.sandbox.admin.rootCredentials(result.accountId)),
      );
    }
    const sessionCalls = exposed.sandbox.admin.calls().filter((call) => call.sessionTaskPolicy);
    expect(new Set(sessionCalls.map((call) => call.sessionTaskPolicy))).toEqual(
      new Set(['IAMAuditRootUserCredentials']),
    );
    expect(new Set(sessionCalls.map((call) => call.operation))).toEqual(
      new Set([
        'GetUser',
        'GetLoginProfile',
        'ListAccessKeys',
        'GetAccessKeyLastUsed',
        'ListSigningCertificates',
        'ListMFADevices',
      ]),
    );
    // The exposed mix exercises every finding rule about root credentials (BREAKGLASS_WINDOW_OPEN comes
    // from rootwarden's own history, test/breakglass.test.ts) and every skip reason.
    const codes = new Set(
      report.accounts.flatMap((result) => result.findings.map((finding) => finding.code)),
    );
    expect([...codes].sort()).toEqual(
      FINDING_CODES.filter((code) => code !== 'BREAKGLASS_WINDOW_OPEN').sort(),
    );
    const reasons = new Set(
      report.accounts.flatMap((result) => (result.skipReason ? [result.skipReason] : [])),
    );
    expect([...reasons].sort()).toEqual(['MANAGEMENT_ACCOUNT', 'NOT_ACTIVE']);
    // An SCP denying the root session makes that one account unknown, with the AWS code.
    const locked = report.accounts.find((result) => result.name === 'ScpLocked');
    expect(locked).toMatchObject({
      status: 'unknown',
      error: { code: 'AWS_ACCESS_DENIED', awsCode: 'AccessDenied' },
    });
    // Nothing the sandbox issued leaks into the report.
    const text = JSON.stringify(report);
    for (const secret of issuedSecrets(exposed.sandbox)) expect(text).not.toContain(secret);
  });

  it('reports excluded accounts as skipped and audits only the selection', async () => {
    exposed.sandbox.admin.reset();
    const engine = exposed.engine({ transport });
    const all = await engine.listAccounts();
    const security = all.accounts.find((account) => account.name === 'Security')?.accountId as string;
    const logArchive = all.accounts.find((account) => account.name === 'LogArchive')?.accountId as string;
    const excluded = await engine.audit({ exclude: [security] });
    expect(excluded.accounts.find((result) => result.accountId === security)).toMatchObject({
      status: 'skipped',
      skipReason: 'EXCLUDED',
    });
    const selected = await engine.audit({ accounts: [logArchive, security] });
    expect(selected.accounts.map((result) => result.accountId).sort()).toEqual([logArchive, security].sort());
    expect(selected.selection.accounts).toEqual([logArchive, security]);
  });

  it('stops with ROOT_ACCESS_NOT_ENABLED (the seed error) when root credentials management is off', async () => {
    blog.sandbox.admin.reset();
    blog.sandbox.admin.setOrganization({ rootFeatures: [] });
    const error = await rejection(() => blog.engine({ transport }).audit());
    expect(error.code).toBe('ROOT_ACCESS_NOT_ENABLED');
    expect(error.message).toContain('Service not enabled for AWS Organizations.');
    expect(error.fix).toContain('rootwarden org enable');
  });

  it('refuses a caller that is neither the management account nor the delegated admin, and serves the delegated admin', async () => {
    blog.sandbox.admin.reset();
    const error = await rejection(() => blog.engine({ transport, principal: 'no-rights' }).audit());
    expect(error.code).toBe('NOT_AUTHORIZED_CALLER');
    const report = await blog.engine({ transport, principal: 'delegated-admin' }).audit();
    expect(report.caller.role).toBe('delegated-admin');
    expect(report.summary.exposed).toBe(1);
  });

  it.each([
    [{ accounts: ['12345'] }, 'INVALID_INPUT', 'accounts[0]: must be a 12-digit AWS account id'],
    [{ accounts: ['111111111111'], ous: ['r-8j81'] }, 'INVALID_INPUT', 'not both'],
    [{ accounts: ['111111111111'], exclude: ['111111111111'] }, 'INVALID_INPUT', 'both selected'],
    [{ accounts: ['999999999999'] }, 'ACCOUNT_NOT_IN_ORG', 'not a member of organization o-8j81brsjuj'],
    [{ ous: ['ou-8j81-nothere1'] }, 'OU_NOT_FOUND', 'ou-8j81-nothere1'],
    [{ concurrency: 0 }, 'INVALID_INPUT', 'concurrency'],
  ])('bad input %o → %s', async (input, code, text) => {
    blog.sandbox.admin.reset();
    const error = await rejection(() => blog.engine({ transport }).audit(input));
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
  });
});
