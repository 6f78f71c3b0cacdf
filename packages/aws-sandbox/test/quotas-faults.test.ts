import { GetUserCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { AssumeRootCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, DEFAULT_QUOTAS } from '../src/index.js';
import { awsError, TASK, TRANSPORTS, useSandbox } from './helpers.js';

const ctx = useSandbox({ scenario: 'exposed', quotas: {} });
beforeEach(() => ctx.sandbox.admin.reset());

async function settle<T>(count: number, call: () => Promise<T>) {
  const results = await Promise.allSettled(Array.from({ length: count }, call));
  const rejected = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as { name: string; $metadata?: { httpStatusCode?: number } });
  return { ok: results.length - rejected.length, errors: rejected };
}

describe('published defaults', () => {
  it('uses AWS numbers for Organizations and 600/s for AssumeRoot', () => {
    expect(DEFAULT_QUOTAS['organizations:ListAccounts']).toEqual({
      rate: 8,
      burst: 12,
      orgRate: 9,
      orgBurst: 15,
    });
    expect(DEFAULT_QUOTAS['sts:AssumeRoot']).toMatchObject({ rate: 600 });
    expect(DEFAULT_QUOTAS['iam:*']).toEqual({ rate: 20, burst: 40 });
  });
});

describe.each(TRANSPORTS)('quotas over %s', (transport) => {
  it('throttles ListAccounts above its burst with TooManyRequestsException', async () => {
    const orgs = ctx.as(transport).organizations;
    const { ok, errors } = await settle(30, () => orgs.send(new ListAccountsCommand({})));
    expect(ok).toBeGreaterThanOrEqual(12);
    expect(ok).toBeLessThan(30);
    expect(new Set(errors.map((e) => e.name))).toEqual(new Set(['TooManyRequestsException']));
    expect(errors[0]?.$metadata?.httpStatusCode).toBe(400);
    expect(
      ctx.sandbox.admin.calls({ operation: 'ListAccounts' }).filter((c) => c.injected === 'quota'),
    ).toHaveLength(errors.length);
  });

  it('answers each protocol’s throttling error', async () => {
    const s3Session = await ctx.rootSession(transport, '300000000011', 'S3UnlockBucketPolicy');
    const sqsSession = await ctx.rootSession(transport, '300000000011', 'SQSUnlockQueuePolicy');
    const otherSession = await ctx.rootSession(transport, '300000000003', 'IAMAuditRootUserCredentials');
    const slow = { rate: 0.001, burst: 1 };
    ctx.sandbox.admin.setQuotas({
      rules: { 'iam:*': { rate: 0.001, burst: 2 }, 's3:*': slow, 'sqs:*': slow, 'sts:AssumeRoot': slow },
    });
    const mgmt = ctx.as(transport);
    const iam = await settle(3, () => mgmt.iam.send(new ListOrganizationsFeaturesCommand({})));
    expect(iam.errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([['Throttling', 400]]);
    const assume = await settle(2, () =>
      mgmt.sts.send(
        new AssumeRootCommand({
          TargetPrincipal: '300000000011',
          TaskPolicyArn: { arn: TASK('S3UnlockBucketPolicy') },
        }),
      ),
    );
    expect(assume.errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([['Throttling', 400]]);
    const s3 = await settle(2, () => s3Session.s3.send(new ListBucketsCommand({})));
    expect(s3.errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([['SlowDown', 503]]);
    const sqs = await settle(2, () => sqsSession.sqs.send(new ListQueuesCommand({})));
    expect(sqs.errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([['RequestThrottled', 403]]);
    // Buckets are per caller account: another member's root session has its own IAM bucket.
    const other = await settle(3, () => otherSession.iam.send(new GetUserCommand({})));
    expect(other.errors.map((e) => e.name)).toEqual(['Throttling']);
  });

  it('can be disabled', async () => {
    ctx.sandbox.admin.setQuotas({ enabled: false });
    const { ok } = await settle(40, () => ctx.as(transport).organizations.send(new ListAccountsCommand({})));
    expect(ok).toBe(40);
  });
});

describe.each(TRANSPORTS)('faults and latency over %s', (transport) => {
  it('injects 5xx and throttling by operation, at most `count` times', async () => {
    ctx.sandbox.admin.setQuotas({ enabled: false });
    ctx.sandbox.admin.setFaults([
      { operation: 'iam:GetUser', rate: 1, kind: 'internal', count: 2 },
      { operation: 'organizations:*', rate: 1, kind: 'unavailable' },
      { operation: 'sts:GetCallerIdentity', rate: 1, kind: 'throttle' },
    ]);
    const session = await ctx.rootSession(transport, '300000000003', 'IAMAuditRootUserCredentials');
    const failures = await settle(3, () => session.iam.send(new GetUserCommand({})));
    expect(failures.ok).toBe(1);
    expect(failures.errors.map((e) => [e.name, e.$metadata?.httpStatusCode])).toEqual([
      ['ServiceFailureException', 500],
      ['ServiceFailureException', 500],
    ]);
    expect(
      await awsError(() => ctx.as(transport).organizations.send(new ListAccountsCommand({}))),
    ).toMatchObject({ name: 'ServiceException', status: 503 });
    expect(await awsError(() => ctx.as(transport).sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
    });
    expect(ctx.sandbox.admin.calls().filter((c) => c.injected === 'fault').length).toBe(4);
  });

  it('drops connections', async () => {
    ctx.sandbox.admin.setFaults([{ operation: 'sts:*', rate: 1, kind: 'drop' }]);
    const error = await awsError(() => ctx.as(transport).sts.send(new GetCallerIdentityCommand({})));
    expect(error.status).toBeUndefined();
    expect(`${error.name} ${error.message} ${String(error.error.code)}`).toMatch(
      /ECONNRESET|socket hang up|other side closed/i,
    );
    expect(ctx.sandbox.admin.calls().at(-1)).toMatchObject({
      outcome: 'ConnectionDropped',
      injected: 'drop',
    });
  });

  it('adds latency', async () => {
    ctx.sandbox.admin.setLatency({ fixedMs: 120, jitterMs: 30 });
    const started = performance.now();
    await ctx.as(transport).sts.send(new GetCallerIdentityCommand({}));
    // Only a lower bound: shared machines make upper bounds flaky.
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('seeded reproducibility', () => {
  it('two sandboxes with the same seed inject the same faults', async () => {
    const outcomes = async (seed: number) => {
      const sandbox = createSandbox({
        scenario: 'clean',
        seed,
        faults: [{ rate: 0.5, kind: 'random' }],
        quotas: { enabled: false },
      });
      const sts = new STSClient({
        region: 'us-east-1',
        credentials: sandbox.managementPrincipal(),
        requestHandler: sandbox.requestHandler,
        maxAttempts: 1,
      });
      const out: string[] = [];
      for (let i = 0; i < 20; i += 1)
        out.push(
          await sts.send(new GetCallerIdentityCommand({})).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      return out;
    };
    const a = await outcomes(42);
    expect(await outcomes(42)).toEqual(a);
    expect(a.filter((o) => o !== 'ok').length).toBeGreaterThan(0);
    expect(await outcomes(7)).not.toEqual(a);
  });
});
