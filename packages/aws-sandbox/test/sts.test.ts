import { AssumeRootCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ROOT_SESSIONS_NOT_ENABLED, SERVICE_NOT_ENABLED } from '../src/index.js';
import { awsError, TASK, TRANSPORTS, useSandbox } from './helpers.js';

const ctx = useSandbox({ scenario: 'blog' });

describe.each(TRANSPORTS)('STS over %s', (transport) => {
  it('GetCallerIdentity answers for every kind of principal', async () => {
    const mgmt = await ctx.as(transport).sts.send(new GetCallerIdentityCommand({}));
    expect(mgmt).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin' });
    expect(mgmt.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const root = await ctx.as(transport, 'management-root').sts.send(new GetCallerIdentityCommand({}));
    expect(root).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
      UserId: '123456789012',
    });
    const role = await ctx.as(transport, 'management-role').sts.send(new GetCallerIdentityCommand({}));
    expect(role.Arn).toBe('arn:aws:sts::123456789012:assumed-role/OrganizationAdmin/alice');
    expect(role.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
    // No identity policy is needed for GetCallerIdentity.
    const none = await ctx.as(transport, 'no-rights').sts.send(new GetCallerIdentityCommand({}));
    expect(none.Arn).toBe('arn:aws:iam::333333333333:user/developer');
  });

  it('AssumeRoot returns ASIA credentials expiring after DurationSeconds (default 900) on the sandbox clock', async () => {
    const before = ctx.sandbox.admin.now().getTime();
    const out = await ctx.as(transport).sts.send(
      new AssumeRootCommand({
        TargetPrincipal: '111111111111',
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(500);
    expect(out.SourceIdentity).toBeUndefined();
    // 900 s from the moment of issue (whole seconds), which lies between before and after on the
    // sandbox clock however long the call took.
    const after = ctx.sandbox.admin.now().getTime();
    const expiry = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiry).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expiry).toBeLessThanOrEqual(after + 900_000);
    const short = await ctx.as(transport).sts.send(
      new AssumeRootCommand({
        TargetPrincipal: 'arn:aws:iam::666666666666:root',
        TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        DurationSeconds: 60,
      }),
    );
    const shortExpiry = short.Credentials?.Expiration?.getTime() ?? 0;
    expect(shortExpiry).toBeGreaterThanOrEqual(Math.floor(after / 1000) * 1000 + 60_000);
    expect(shortExpiry).toBeLessThanOrEqual(ctx.sandbox.admin.now().getTime() + 60_000);
    const session = await ctx.rootSession(transport, '666666666666', 'IAMAuditRootUserCredentials');
    expect(await session.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '666666666666',
      Arn: 'arn:aws:iam::666666666666:root',
      UserId: '666666666666',
    });
  });

  it('validates DurationSeconds, the task policy and the target', async () => {
    const sts = ctx.as(transport).sts;
    const tooLong = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '111111111111',
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
          DurationSeconds: 901,
        }),
      ),
    );
    expect(tooLong).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(tooLong.message).toBe(
      "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    );
    const policy = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '111111111111',
          TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        }),
      ),
    );
    expect(policy).toMatchObject({ name: 'ValidationError', status: 400 });
    const target = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: 'arn:aws:iam::111111111111:user/x',
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        }),
      ),
    );
    expect(target.name).toBe('ValidationError');
    const short = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '1111',
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        }),
      ),
    );
    expect(short.message).toContain(
      "at 'targetPrincipal' failed to satisfy constraint: Member must have length greater than or equal to 12",
    );
  });

  it('gates tasks on the organization features with the seed texts', async () => {
    const sts = ctx.as(transport).sts;
    const s3 = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '666666666666',
          TaskPolicyArn: { arn: TASK('S3UnlockBucketPolicy') },
        }),
      ),
    );
    expect(s3).toMatchObject({ name: 'AccessDenied', status: 403, message: ROOT_SESSIONS_NOT_ENABLED });
    expect(ROOT_SESSIONS_NOT_ENABLED).toBe('Root sessions feature is not enabled for your AWS Organization.');
    ctx.sandbox.admin.setOrganization({ rootFeatures: [] });
    try {
      const audit = await awsError(() =>
        sts.send(
          new AssumeRootCommand({
            TargetPrincipal: '666666666666',
            TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
          }),
        ),
      );
      expect(audit).toMatchObject({ name: 'AccessDenied', status: 403, message: SERVICE_NOT_ENABLED });
      expect(SERVICE_NOT_ENABLED).toBe('Service not enabled for AWS Organizations.');
    } finally {
      ctx.sandbox.admin.reset();
    }
  });

  it('refuses root users, members, the management account and inactive targets; allows the delegated admin', async () => {
    const audit = { TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') } };
    const root = await awsError(() =>
      ctx
        .as(transport, 'management-root')
        .sts.send(new AssumeRootCommand({ TargetPrincipal: '111111111111', ...audit })),
    );
    expect(root).toMatchObject({ name: 'AccessDenied', status: 403 });
    const none = await awsError(() =>
      ctx
        .as(transport, 'no-rights')
        .sts.send(new AssumeRootCommand({ TargetPrincipal: '111111111111', ...audit })),
    );
    expect(none.name).toBe('AccessDenied');
    expect(none.message).toBe(
      'User: arn:aws:iam::333333333333:user/developer is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::111111111111:root because no identity-based policy allows the sts:AssumeRoot action',
    );
    const mgmtTarget = await awsError(() =>
      ctx.as(transport).sts.send(new AssumeRootCommand({ TargetPrincipal: '123456789012', ...audit })),
    );
    expect(mgmtTarget.name).toBe('AccessDenied');
    const unknown = await awsError(() =>
      ctx.as(transport).sts.send(new AssumeRootCommand({ TargetPrincipal: '999999999999', ...audit })),
    );
    expect(unknown.name).toBe('AccessDenied');
    ctx.sandbox.admin.setAccount('444444444444', { state: 'SUSPENDED' });
    try {
      const suspended = await awsError(() =>
        ctx.as(transport).sts.send(new AssumeRootCommand({ TargetPrincipal: '444444444444', ...audit })),
      );
      expect(suspended.name).toBe('AccessDenied');
    } finally {
      ctx.sandbox.admin.reset();
    }
    const da = await ctx
      .as(transport, 'delegated-admin')
      .sts.send(new AssumeRootCommand({ TargetPrincipal: '111111111111', ...audit }));
    expect(da.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    // A root session is fenced: it cannot chain into another root session.
    const session = await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials');
    const chained = await awsError(() =>
      session.sts.send(new AssumeRootCommand({ TargetPrincipal: '666666666666', ...audit })),
    );
    expect(chained.message).toBe(
      'User: arn:aws:iam::111111111111:root is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::666666666666:root with an explicit deny in an identity-based policy',
    );
  });

  it('answers InvalidAction for AssumeRoot on the global endpoint', async () => {
    const sts = ctx.clients(transport, ctx.sandbox.managementPrincipal(), 'aws-global').sts;
    const error = await awsError(() =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '111111111111',
          TaskPolicyArn: { arn: TASK('IAMAuditRootUserCredentials') },
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'InvalidAction', status: 400, message: 'Unknown Operation' });
  });
});
