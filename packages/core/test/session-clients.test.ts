import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsRuntime } from '../src/aws/runtime.js';
import { SessionScope } from '../src/aws/session-scope.js';
import { expectedCredentials } from './expected.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

/**
 * Root sessions share one IAM client per engine that signs each request with the session of the call
 * that sent it. These tests prove no request is ever signed with another account's session, with many
 * accounts audited at once over real HTTP.
 */
describe('shared root-session clients', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'generated:80:5', quotas: { enabled: false } });
  });
  afterAll(() => fixture.close());

  it('every IAM call of a concurrent audit acts on the account its session was assumed for', async () => {
    fixture.sandbox.admin.clearCalls();
    const report = await fixture.engine().audit({ concurrency: 64 });
    const audited = report.accounts.filter((result) => result.rootCredentials !== null);
    // Every account not skipped was audited (none unknown): 80 accounts, 8 or more sessions at once.
    expect(report.summary.unknown).toBe(0);
    expect(audited).toHaveLength(report.summary.accounts - report.summary.skipped);
    expect(report.summary.accounts).toBe(fixture.sandbox.admin.scenario().accounts);
    for (const result of audited)
      expect(result.rootCredentials).toEqual(
        expectedCredentials(fixture.sandbox.admin.rootCredentials(result.accountId)),
      );

    const calls = fixture.sandbox.admin.calls();
    const iamCalls = calls.filter((call) => call.service === 'iam' && call.sessionTaskPolicy !== undefined);
    // Five reads per audited account plus GetAccessKeyLastUsed per key, each in that account's session.
    for (const result of audited) {
      const own = iamCalls.filter((call) => call.targetAccountId === result.accountId);
      expect(own.length).toBe(5 + (result.rootCredentials?.accessKeys.length ?? 0));
    }
    const notSkipped = new Set(
      report.accounts.filter((result) => result.status !== 'skipped').map((result) => result.accountId),
    );
    for (const call of iamCalls) expect(notSkipped.has(call.targetAccountId as string)).toBe(true);
  }, 240_000);

  it('a root-session client refuses to sign outside a session call instead of using any session', async () => {
    const who = fixture.sandbox.managementPrincipal();
    const runtime = await AwsRuntime.create({
      region: 'us-east-1',
      endpoint: fixture.url,
      credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
    });
    try {
      const accountId = fixture.sandbox.admin.calls().find((call) => call.operation === 'AssumeRoot')
        ?.targetAccountId as string;
      const scope = new SessionScope(runtime, { accountId, task: 'audit' });
      const { GetUserCommand } = await import('@aws-sdk/client-iam');
      // Inside the session: signed with it.
      const inside = await scope.call('GetUser', ({ iam }) => iam.send(new GetUserCommand({})));
      expect(inside.User?.Arn).toContain(accountId);
      // The same client used outside `call` (no session in its async context): refused before sending.
      fixture.sandbox.admin.clearCalls();
      const clients = await scope.clients();
      const error = await rejection(() => clients.iam.send(new GetUserCommand({})));
      expect(error.code).toBe('INTERNAL');
      expect(fixture.sandbox.admin.calls()).toEqual([]);
    } finally {
      runtime.destroy();
    }
  }, 240_000);
});
