import { GetAccountSummaryCommand, ListAccessKeysCommand, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand, ListParentsCommand } from '@aws-sdk/client-organizations';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsError, TASK, useSandbox } from './helpers.js';

// Admin answers are free-form JSON; the assertions below check their shape.
// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the admin surface
type Any = any;

const ctx = useSandbox({ scenario: 'blog' });
beforeEach(() => ctx.sandbox.admin.reset());

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Any }> {
  const response = await fetch(`${ctx.server.url}/_sandbox${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, json: await response.json() };
}

describe('admin surface over HTTP', () => {
  it('lists its routes and refuses non-loopback peers', async () => {
    const index = await admin('GET', '/');
    expect(index.json.routes.length).toBeGreaterThan(20);
    const remote = await ctx.sandbox.handle({
      method: 'GET',
      path: '/_sandbox/secrets',
      rawQuery: '',
      headers: {},
      body: Buffer.alloc(0),
      scheme: 'http',
      loopback: false,
    });
    expect(remote.status).toBe(403);
    expect((await admin('GET', '/nothing')).status).toBe(404);
    expect((await admin('DELETE', '/secrets')).status).toBe(405);
  });

  it('logs calls and lists every issued secret, across resets', async () => {
    const session = await ctx.rootSession('http', '111111111111', 'IAMAuditRootUserCredentials');
    await session.iam.send(new ListAccessKeysCommand({}));
    const calls = (await admin('GET', '/calls')).json;
    expect(calls.at(-2)).toMatchObject({
      service: 'sts',
      operation: 'AssumeRoot',
      callerArn: 'arn:aws:iam::123456789012:user/admin',
      callerAccountId: '123456789012',
      accessKeyId: ctx.sandbox.managementPrincipal().accessKeyId,
      targetAccountId: '111111111111',
      outcome: 'OK',
      httpStatus: 200,
    });
    expect(calls.at(-1)).toMatchObject({
      service: 'iam',
      operation: 'ListAccessKeys',
      sessionTaskPolicy: 'IAMAuditRootUserCredentials',
      callerAccountId: '111111111111',
      targetAccountId: '111111111111',
      outcome: 'OK',
    });
    await awsError(() =>
      ctx.as('http').sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '666666666666',
          TaskPolicyArn: { arn: TASK('S3UnlockBucketPolicy') },
        }),
      ),
    );
    expect((await admin('GET', `/calls?since=${calls.at(-1).seq}`)).json).toEqual([
      expect.objectContaining({ operation: 'AssumeRoot', outcome: 'AccessDenied', httpStatus: 403 }),
    ]);
    const secrets = (await admin('GET', '/secrets')).json as { kind: string; value: string }[];
    const kinds = new Set(secrets.map((s) => s.kind));
    expect(kinds).toEqual(
      new Set([
        'static-secret-access-key',
        'static-session-token',
        'session-secret-access-key',
        'session-token',
      ]),
    );
    await admin('POST', '/reset');
    expect((await admin('GET', '/calls')).json).toEqual([]);
    expect((await admin('GET', '/secrets')).json).toHaveLength(secrets.length);
    expect(ctx.sandbox.admin.sessions()).toEqual([]);
  });

  it('sets and advances the clock', async () => {
    const set = await admin('PUT', '/clock', { now: '2030-01-01T00:00:00Z' });
    expect(Date.parse(set.json.now)).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    const advanced = await admin('PUT', '/clock', { advanceSeconds: 3600 });
    expect(Date.parse(advanced.json.now)).toBeGreaterThanOrEqual(Date.parse('2030-01-01T01:00:00Z'));
    const { Credentials } = await ctx.as('http').sts.send(
      new AssumeRootCommand({
        TargetPrincipal: '111111111111',
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
      }),
    );
    expect(Credentials?.Expiration?.getUTCFullYear()).toBe(2030);
  });

  it('configures latency, faults and quotas', async () => {
    expect((await admin('PUT', '/latency', { fixedMs: 5, jitterMs: 2 })).json).toMatchObject({
      fixedMs: 5,
      jitterMs: 2,
    });
    expect((await admin('PUT', '/faults', [{ operation: 'iam:*', rate: 0.1, kind: 'drop' }])).json).toEqual([
      { operation: 'iam:*', rate: 0.1, kind: 'drop' },
    ]);
    expect((await admin('PUT', '/faults', [{ rate: 2, kind: 'drop' }])).status).toBe(400);
    const quotas = await admin('PUT', '/quotas', {
      rules: { 'organizations:ListAccounts': { rate: 100, burst: 200 } },
    });
    expect(quotas.json.rules['organizations:ListAccounts']).toEqual({ rate: 100, burst: 200 });
    expect((await admin('GET', '/quotas')).json.enabled).toBe(true);
  });

  it('mutates root credentials, visible to the next audit', async () => {
    const state = (await admin('GET', '/accounts/666666666666/root')).json;
    expect(state).toMatchObject({
      accountId: '666666666666',
      loginProfile: null,
      accessKeys: [],
      passwordLastUsed: '2025-06-18T02:05:10Z',
    });
    const added = await admin('POST', '/accounts/666666666666/root/access-keys', { status: 'Inactive' });
    const keyId = added.json.accessKeys[0].accessKeyId as string;
    expect(keyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    await admin('POST', '/accounts/666666666666/root/mfa-devices', { kind: 'fido', name: 'YubiKey' });
    await admin('PUT', '/accounts/666666666666/root/login-profile', {});
    expect((await admin('PUT', '/accounts/666666666666/root/login-profile', {})).status).toBe(409);
    const audit = (await ctx.rootSession('http', '666666666666', 'IAMAuditRootUserCredentials')).iam;
    expect((await audit.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([
      expect.objectContaining({ AccessKeyId: keyId, Status: 'Inactive' }),
    ]);
    const serial = (await audit.send(new ListMFADevicesCommand({}))).MFADevices?.[0]?.SerialNumber as string;
    expect(serial).toMatch(/^arn:aws:iam::666666666666:u2f\/root\/YubiKey-/);
    await admin('DELETE', `/accounts/666666666666/root/mfa-devices/${encodeURIComponent(serial)}`);
    expect((await audit.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    expect((await admin('POST', '/accounts/999999999999/root/access-keys', {})).status).toBe(404);
    await admin('POST', '/accounts/666666666666/root/access-keys', {});
    expect((await admin('POST', '/accounts/666666666666/root/access-keys', {})).json.error).toMatch(
      /at most 2 access keys/,
    );
    const suspended = await admin('PATCH', '/accounts/666666666666', { state: 'SUSPENDED' });
    expect(suspended.json.state).toBe('SUSPENDED');
  });

  it('accounts join (invited with their root password, created without), move and leave, as Organizations shows', async () => {
    const orgs = ctx.as('http').organizations;
    const listed = async () => (await orgs.send(new ListAccountsCommand({}))).Accounts ?? [];
    const before = (await listed()).length;
    const invited = await admin('POST', '/accounts', {
      id: '777777777777',
      name: 'Acquired',
      joinedMethod: 'INVITED',
    });
    expect(invited.status).toBe(200);
    const created = await admin('POST', '/accounts', {
      id: '888888888888',
      name: 'Fresh',
      joinedMethod: 'CREATED',
    });
    expect(created.json).toMatchObject({ id: '888888888888', state: 'ACTIVE' });
    expect(
      (await admin('POST', '/accounts', { id: '777777777777', name: 'Again', joinedMethod: 'INVITED' }))
        .status,
    ).toBe(409);
    expect((await admin('POST', '/accounts', { name: 'Bad', joinedMethod: 'ADOPTED' })).status).toBe(400);
    const accounts = await listed();
    expect(accounts).toHaveLength(before + 2);
    expect(accounts.find((account) => account.Id === '777777777777')).toMatchObject({
      Name: 'Acquired',
      JoinedMethod: 'INVITED',
      State: 'ACTIVE',
    });
    // The invited account keeps a root password; the created one has none.
    const summary = async (accountId: string) => {
      const session = await ctx.rootSession('http', accountId, 'IAMAuditRootUserCredentials');
      return (await session.iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.AccountPasswordPresent;
    };
    expect(await summary('777777777777')).toBe(1);
    expect(await summary('888888888888')).toBe(0);
    expect(
      (await admin('PUT', '/accounts/777777777777/parent', { parentId: 'ou-none-00000000' })).status,
    ).toBe(404);
    expect((await admin('PUT', '/accounts/777777777777/parent', { parentId: 'r-8j81' })).status).toBe(200);
    const { Parents } = await orgs.send(new ListParentsCommand({ ChildId: '777777777777' }));
    expect(Parents?.[0]?.Id).toBe('r-8j81');
    expect((await admin('DELETE', '/accounts/888888888888')).status).toBe(200);
    expect((await listed()).map((account) => account.Id)).not.toContain('888888888888');
  });

  it('reads and sets bucket and queue policies, and loads scenarios', async () => {
    expect((await admin('GET', '/buckets/account5-locked-bucket/policy')).json.policy).toContain('"Deny"');
    expect((await admin('DELETE', '/buckets/account5-locked-bucket/policy')).json.policy).toBeNull();
    expect(
      (
        await admin('PUT', '/queues/555555555555/account5-locked-queue/policy', {
          Version: '2012-10-17',
          Statement: [],
        })
      ).json.policy,
    ).toBe('{"Version":"2012-10-17","Statement":[]}');
    expect((await admin('PUT', '/scenario', { name: 'clean' })).json).toMatchObject({
      name: 'clean',
      organizationId: 'o-c1ean0rg00',
      accounts: 6,
    });
    const bad = await admin('PUT', '/scenario', {
      scenario: { organization: {}, accounts: [], principals: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^organization\.id: /)]));
    expect((await admin('GET', '/principals')).json.map((p: { name: string }) => p.name)).toContain(
      'delegated-admin',
    );
    await admin('PUT', '/scenario', { name: 'blog' });
  });
  it.each([
    ['PUT', '/faults', [{ rate: 2, kind: 'drop' }], 'body.0.rate'],
    ['PUT', '/faults', { faults: [{ rate: 0.5, kind: 'flood' }] }, 'body'],
    ['POST', '/accounts', { name: 'Bad', joinedMethod: 'ADOPTED' }, 'body.joinedMethod'],
    ['POST', '/accounts', { id: '12', name: 'Short', joinedMethod: 'CREATED' }, 'body.id'],
    ['PUT', '/accounts/666666666666/parent', {}, 'body.parentId'],
    ['PATCH', '/accounts/666666666666', { state: 'GONE' }, 'body.state'],
    ['PATCH', '/accounts/666666666666/root', {}, 'body.passwordLastUsed'],
    ['POST', '/accounts/666666666666/root/mfa-devices', { kind: 'sms' }, 'body.kind'],
    ['POST', '/accounts/666666666666/root/access-keys', { status: 'Enabled' }, 'body.status'],
    ['PUT', '/clock', {}, 'body'],
    ['PUT', '/clock', { advanceSeconds: '1h' }, 'body.advanceSeconds'],
    ['PUT', '/latency', { fixedMs: -1 }, 'body.fixedMs'],
    ['PUT', '/quotas', { rules: { 'iam:*': { rate: 0, burst: 1 } } }, 'body.rules.iam:*.rate'],
    ['PATCH', '/organization', { rootFeatures: ['Everything'] }, 'body.rootFeatures.0'],
    ['PUT', '/scenario', { scenario: 'blog' }, 'body.scenario'],
    ['PUT', '/buckets/account5-locked-bucket/policy', ['not', 'a', 'document'], 'body'],
  ] as const)('%s %s with a bad body: 400 naming %s', async (method, path, body, field) => {
    const before = (await admin('GET', '/faults')).json;
    const answer = await admin(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${field.replace(/[.*]/g, '\\$&')}: `))]),
    );
    expect(answer.json.error).toContain(`${field}: `);
    expect((await admin('GET', '/faults')).json).toEqual(before);
  });
});
