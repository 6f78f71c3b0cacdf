import { GetUserCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { awsError, TASK, TRANSPORTS, useSandbox } from './helpers.js';
import { FORM, ORGS, raw, xmlCode } from './raw.js';

const ctx = useSandbox({ scenario: 'blog' });
const identity = 'Action=GetCallerIdentity&Version=2011-06-15';

describe('SigV4 over raw HTTP', () => {
  it('accepts a correctly signed request and rejects it after one changed byte', async () => {
    const credentials = ctx.sandbox.managementPrincipal();
    const ok = await raw(ctx.server.url, { body: identity, headers: FORM, credentials });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<Arn>arn:aws:iam::123456789012:user/admin</Arn>');
    const body = await raw(ctx.server.url, {
      body: identity,
      headers: FORM,
      credentials,
      tamper: (r) => {
        r.body = Buffer.from(identity.replace('2011', '2012'));
      },
    });
    expect(body.status).toBe(403);
    expect(xmlCode(body.body)).toBe('SignatureDoesNotMatch');
    expect(body.body).toContain(
      'The request signature we calculated does not match the signature you provided.',
    );
    const header = await raw(ctx.server.url, {
      body: '{}',
      headers: ORGS('ListRoots'),
      service: 'organizations',
      credentials,
      tamper: (r) => {
        r.headers['x-amz-target'] = 'AWSOrganizationsV20161128.ListRooTs';
      },
    });
    expect(header.status).toBe(400);
    expect(JSON.parse(header.body).__type).toBe('InvalidSignatureException');
    const signature = await raw(ctx.server.url, {
      method: 'GET',
      path: '/',
      service: 's3',
      credentials,
      tamper: (r) => {
        r.headers.authorization = (r.headers.authorization as string).replace(
          /Signature=(.)/,
          (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
        );
      },
    });
    expect(signature.status).toBe(403);
    expect(xmlCode(signature.body)).toBe('SignatureDoesNotMatch');
  });

  it('answers unknown keys, missing tokens, skewed clocks and unsigned requests per protocol', async () => {
    const fake = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) };
    expect(
      xmlCode((await raw(ctx.server.url, { body: identity, headers: FORM, credentials: fake })).body),
    ).toBe('InvalidClientTokenId');
    const orgs = await raw(ctx.server.url, {
      body: '{}',
      headers: ORGS('ListRoots'),
      service: 'organizations',
      credentials: fake,
    });
    expect(JSON.parse(orgs.body)).toMatchObject({
      __type: 'UnrecognizedClientException',
      Message: 'The security token included in the request is invalid.',
    });
    const s3 = await raw(ctx.server.url, { method: 'GET', path: '/', service: 's3', credentials: fake });
    expect([s3.status, xmlCode(s3.body)]).toEqual([403, 'InvalidAccessKeyId']);

    const { Credentials } = await ctx.as('in-process').sts.send(
      new AssumeRootCommand({
        TargetPrincipal: '111111111111',
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
      }),
    );
    const noToken = {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
    };
    const missing = await raw(ctx.server.url, {
      body: 'Action=GetUser&Version=2010-05-08',
      headers: FORM,
      service: 'iam',
      credentials: noToken,
    });
    expect([missing.status, xmlCode(missing.body)]).toEqual([403, 'InvalidClientTokenId']);

    const credentials = ctx.sandbox.managementPrincipal();
    const skewed = await raw(ctx.server.url, {
      body: identity,
      headers: FORM,
      credentials,
      now: Date.now() - 20 * 60_000,
    });
    expect(skewed.status).toBe(403);
    expect(xmlCode(skewed.body)).toBe('SignatureDoesNotMatch');
    expect(skewed.body).toMatch(
      /Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)/,
    );
    // The sandbox clock never affects signature time checks.
    ctx.sandbox.admin.advanceClock(3_600_000);
    expect((await raw(ctx.server.url, { body: identity, headers: FORM, credentials })).status).toBe(200);
    ctx.sandbox.admin.reset();

    const unsigned = await raw(ctx.server.url, { body: identity, headers: FORM });
    expect([unsigned.status, xmlCode(unsigned.body)]).toEqual([403, 'MissingAuthenticationToken']);
    const unsignedJson = await raw(ctx.server.url, { body: '{}', headers: ORGS('ListRoots') });
    expect(JSON.parse(unsignedJson.body).__type).toBe('MissingAuthenticationTokenException');
    const unsignedS3 = await raw(ctx.server.url, { method: 'GET', path: '/some-bucket?policy' });
    expect([unsignedS3.status, xmlCode(unsignedS3.body)]).toEqual([403, 'AccessDenied']);
  });

  it('accepts any region in the credential scope of iam and organizations', async () => {
    const c = ctx.sandbox.managementPrincipal();
    for (const region of ['eu-west-1', 'ap-northeast-1']) {
      const res = await raw(ctx.server.url, {
        body: 'Action=ListOrganizationsFeatures&Version=2010-05-08',
        headers: FORM,
        service: 'iam',
        region,
        credentials: c,
      });
      expect(res.status).toBe(200);
      const orgs = await raw(ctx.server.url, {
        body: '{}',
        headers: ORGS('ListRoots'),
        service: 'organizations',
        region,
        credentials: c,
      });
      expect(orgs.status).toBe(200);
    }
  });
});

describe.each(TRANSPORTS)('expired sessions over %s', (transport) => {
  it('answer the expired-token error of each protocol', async () => {
    const session = await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials');
    ctx.sandbox.admin.advanceClock(16 * 60_000);
    try {
      expect(await awsError(() => session.iam.send(new GetUserCommand({})))).toMatchObject({
        name: 'ExpiredToken',
        status: 403,
      });
      expect(await awsError(() => session.organizations.send(new ListAccountsCommand({})))).toMatchObject({
        name: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
      });
    } finally {
      ctx.sandbox.admin.reset();
    }
  });
});
