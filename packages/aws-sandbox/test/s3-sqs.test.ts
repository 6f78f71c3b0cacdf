import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/index.js';
import { awsError, TRANSPORTS, useSandbox } from './helpers.js';

const LOCKED = 'exposed-locked-audit-logs';
const OWNER = '300000000011';
const ctx = useSandbox({ scenario: 'exposed' });
beforeEach(() => ctx.sandbox.admin.reset());

describe.each(TRANSPORTS)('S3 over %s', (transport) => {
  it('unlocks a deny-all bucket policy in a root session', async () => {
    const { s3 } = await ctx.rootSession(transport, OWNER, 'S3UnlockBucketPolicy');
    const { Buckets, Owner } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(['exposed-locked-audit-logs', 'exposed-open-reports']);
    expect(Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(Buckets?.[0]?.BucketRegion).toBeUndefined();
    expect(Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const withRegion = await s3.send(new ListBucketsCommand({ MaxBuckets: 10 }));
    expect(withRegion.Buckets?.[0]?.BucketRegion).toBe('us-east-1');
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: LOCKED }));
    expect(JSON.parse(Policy as string).Statement[0]).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
    });
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: LOCKED }));
    const gone = await awsError(() => s3.send(new GetBucketPolicyCommand({ Bucket: LOCKED })));
    expect(gone).toMatchObject({
      name: 'NoSuchBucketPolicy',
      status: 404,
      message: 'The bucket policy does not exist',
    });
    const replacement = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${LOCKED}/*`,
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: LOCKED, Policy: replacement }));
    expect(ctx.sandbox.admin.bucketPolicy(LOCKED)).toBe(replacement);
    const malformed = await awsError(() =>
      s3.send(new PutBucketPolicyCommand({ Bucket: LOCKED, Policy: 'not json' })),
    );
    expect(malformed).toMatchObject({ name: 'MalformedPolicy', status: 400 });
    expect(
      (await awsError(() => s3.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket-here' })))).name,
    ).toBe('NoSuchBucket');
    // Data access stays fenced.
    const object = await awsError(() => s3.send(new GetObjectCommand({ Bucket: LOCKED, Key: 'a.txt' })));
    expect(object).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(object.message).toBe(
      `User: arn:aws:iam::${OWNER}:root is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${LOCKED}/a.txt" with an explicit deny in an identity-based policy`,
    );
  });

  it('refuses other accounts and sessions of other tasks', async () => {
    const mgmt = ctx.as(transport).s3;
    expect((await mgmt.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    const cross = await awsError(() => mgmt.send(new GetBucketPolicyCommand({ Bucket: LOCKED })));
    expect(cross).toMatchObject({ name: 'AccessDenied', status: 403 });
    const audit = await ctx.rootSession(transport, OWNER, 'IAMAuditRootUserCredentials');
    const fenced = await awsError(() => audit.s3.send(new ListBucketsCommand({})));
    expect(fenced.message).toBe(
      `User: arn:aws:iam::${OWNER}:root is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy`,
    );
  });
});

describe.each(TRANSPORTS)('SQS over %s', (transport) => {
  it('unlocks a deny-all queue policy in a root session', async () => {
    const { sqs } = await ctx.rootSession(transport, OWNER, 'SQSUnlockQueuePolicy');
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls).toHaveLength(2);
    expect(QueueUrls?.[0]).toMatch(new RegExp(`/${OWNER}/locked-events$`));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'locked-events' }));
    expect(QueueUrl).toBe(QueueUrls?.[0]);
    const before = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy', 'QueueArn'] }),
    );
    expect(before.Attributes?.QueueArn).toBe(`arn:aws:sqs:us-east-1:${OWNER}:locked-events`);
    expect(JSON.parse(before.Attributes?.Policy as string).Statement[0].Effect).toBe('Deny');
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(after.Attributes?.Policy).toBeUndefined();
    expect(after.Attributes?.VisibilityTimeout).toBe('30');
    expect(ctx.sandbox.admin.queuePolicy(OWNER, 'locked-events')).toBeNull();
  });

  it('answers SQS errors with their modeled names', async () => {
    const { sqs } = await ctx.rootSession(transport, OWNER, 'SQSUnlockQueuePolicy');
    const missing = await awsError(() => sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    expect(missing).toMatchObject({
      name: 'QueueDoesNotExist',
      status: 400,
      message: 'The specified queue does not exist.',
    });
    expect(missing.code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'open-events' }));
    const badName = await awsError(() =>
      sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Bogus' as never] })),
    );
    expect(badName.name).toBe('InvalidAttributeName');
    const badPolicy = await awsError(() =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '[' } })),
    );
    expect(badPolicy.name).toBe('InvalidAttributeValue');
    const cross = await awsError(() =>
      ctx.as(transport).sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })),
    );
    expect(cross).toMatchObject({ status: 403 });
    expect(cross.code).toBe('AccessDenied');
    const fenced = await awsError(async () =>
      (await ctx.rootSession(transport, OWNER, 'S3UnlockBucketPolicy')).sqs.send(new ListQueuesCommand({})),
    );
    expect(fenced.message).toContain(
      'is not authorized to perform: sqs:ListQueues with an explicit deny in an identity-based policy',
    );
  });
});

describe('resource policies against owner principals', () => {
  const custom = useSandbox({
    scenario: {
      name: 'locked-owner',
      organization: {
        id: 'o-lockedowner',
        managementAccountId: '500000000000',
        rootId: 'r-lock',
        trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-1d' }],
        rootFeatures: ['RootCredentialsManagement', 'RootSessions'],
      },
      accounts: [
        { id: '500000000000', name: 'Management', email: 'mgmt@example.com', joinedTimestamp: 'now-100d' },
        {
          id: '500000000001',
          name: 'Data',
          email: 'data@example.com',
          joinedTimestamp: 'now-50d',
          buckets: [
            {
              name: 'data-locked',
              policy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
              },
            },
          ],
          queues: [
            {
              name: 'q',
              policy: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: '*' }],
              },
            },
          ],
        },
      ],
      principals: [
        {
          name: 'admin',
          accountId: '500000000000',
          userName: 'admin',
          accessKeyId: 'AKIAEXAMPLELOCKADMIN',
          secretAccessKey: 'locked/admin/NOT-A-REAL-SECRET',
        },
        {
          name: 'data-admin',
          accountId: '500000000001',
          userName: 'data-admin',
          accessKeyId: 'AKIAEXAMPLELOCKDATA1',
          secretAccessKey: 'locked/data/NOT-A-REAL-SECRET',
        },
      ],
    },
  });

  it('a deny-all policy locks out the owner account’s own IAM principals but not its root session', async () => {
    const owner = custom.as('http', 'data-admin');
    const s3 = await awsError(() => owner.s3.send(new GetBucketPolicyCommand({ Bucket: 'data-locked' })));
    expect(s3.message).toBe(
      'User: arn:aws:iam::500000000001:user/data-admin is not authorized to perform: s3:GetBucketPolicy on resource: "arn:aws:s3:::data-locked" with an explicit deny in a resource-based policy',
    );
    const url = (await owner.sqs.send(new GetQueueUrlCommand({ QueueName: 'q' }))).QueueUrl;
    expect(
      (
        await awsError(() =>
          owner.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] })),
        )
      ).status,
    ).toBe(403);
    const root = await custom.rootSession('http', '500000000001', 'S3UnlockBucketPolicy');
    await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: 'data-locked' }));
    expect(custom.sandbox.admin.bucketPolicy('data-locked')).toBeNull();
    expect(loadScenario('blog').name).toBe('blog');
  });
});
