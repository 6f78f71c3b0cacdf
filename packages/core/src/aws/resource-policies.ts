import { CoreError } from '../errors.js';
import { abortable } from './call-aws.js';
import { hasAwsCode } from './map-aws-error.js';
import type { SessionScope } from './session-scope.js';

// S3 and SQS calls of the unlock tasks, made in a root session of the resource's own account with
// S3UnlockBucketPolicy (ListAllMyBuckets, Get/Put/DeleteBucketPolicy) or SQSUnlockQueuePolicy
// (ListQueues, GetQueueUrl, Get/SetQueueAttributes). The owner's root may always manage a
// resource policy, even one that denies everyone (S3 API reference, DeleteBucketPolicy).
// The S3 and SQS SDK modules load on first use: an audit never needs them (start-up time, memory).
const s3Sdk = () => import('@aws-sdk/client-s3');
const sqsSdk = () => import('@aws-sdk/client-sqs');

/**
 * Finds a bucket of the session's account and its region with ListBuckets (the only S3 read in
 * S3UnlockBucketPolicy besides GetBucketPolicy; HeadBucket/GetBucketLocation are not allowed).
 * BucketRegion is returned because the request carries parameters (aws-facts §5.1).
 */
export async function findBucket(
  scope: SessionScope,
  bucket: string,
  fallbackRegion: string,
  signal?: AbortSignal,
): Promise<{ region: string }> {
  const { ListBucketsCommand } = await s3Sdk();
  let token: string | undefined;
  do {
    const page = await scope.call('ListBuckets', async ({ s3 }) =>
      (await s3()).send(
        new ListBucketsCommand({ Prefix: bucket, MaxBuckets: 1000, ContinuationToken: token }),
        abortable(signal),
      ),
    );
    const found = page.Buckets?.find((candidate) => candidate.Name === bucket);
    if (found) return { region: found.BucketRegion ?? fallbackRegion };
    token = page.ContinuationToken;
  } while (token);
  throw new CoreError('RESOURCE_NOT_FOUND', `Bucket ${bucket} is not in account ${scope.accountId}.`, {
    fix: `Check the bucket name and the account that owns it (aws s3api list-buckets in account ${scope.accountId}).`,
    details: { field: 'bucket', bucket, accountId: scope.accountId },
  });
}

/** The bucket policy exactly as S3 returns it, or null when the bucket has none. */
export async function getBucketPolicy(
  scope: SessionScope,
  bucket: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<string | null> {
  const { GetBucketPolicyCommand } = await s3Sdk();
  try {
    const output = await scope.call('GetBucketPolicy', async ({ s3 }) =>
      (await s3(region)).send(new GetBucketPolicyCommand({ Bucket: bucket }), abortable(signal)),
    );
    return output.Policy ?? null;
  } catch (error) {
    if (hasAwsCode(error, 'NoSuchBucketPolicy')) return null;
    throw error;
  }
}

export async function deleteBucketPolicy(
  scope: SessionScope,
  bucket: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const { DeleteBucketPolicyCommand } = await s3Sdk();
  await scope.call('DeleteBucketPolicy', async ({ s3 }) =>
    (await s3(region)).send(new DeleteBucketPolicyCommand({ Bucket: bucket }), abortable(signal)),
  );
}

export async function putBucketPolicy(
  scope: SessionScope,
  bucket: string,
  policy: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const { PutBucketPolicyCommand } = await s3Sdk();
  await scope.call('PutBucketPolicy', async ({ s3 }) =>
    (await s3(region)).send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }),
      abortable(signal),
    ),
  );
}

/**
 * The region of a queue URL (`https://sqs.eu-west-1.amazonaws.com/…`, legacy
 * `https://eu-west-1.queue.amazonaws.com/…`); undefined for other hosts (a custom endpoint).
 */
export function queueRegion(queueUrl: string): string | undefined {
  const host = new URL(queueUrl).hostname;
  return (
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1]
  );
}

/** The queue policy exactly as SQS returns it, or null when the queue has none. */
export async function getQueuePolicy(
  scope: SessionScope,
  queueUrl: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<string | null> {
  const { GetQueueAttributesCommand } = await sqsSdk();
  const output = await scope.call('GetQueueAttributes', async ({ sqs }) =>
    (await sqs(region)).send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] }),
      abortable(signal),
    ),
  );
  const policy = output.Attributes?.Policy;
  return policy === undefined || policy === '' ? null : policy;
}

/** SetQueueAttributes Policy="" removes the policy (aws-facts §5.2; RemovePermission is not in the task policy). */
export async function removeQueuePolicy(
  scope: SessionScope,
  queueUrl: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  await setQueuePolicy(scope, queueUrl, '', region, signal);
}

export async function setQueuePolicy(
  scope: SessionScope,
  queueUrl: string,
  policy: string,
  region: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const { SetQueueAttributesCommand } = await sqsSdk();
  await scope.call('SetQueueAttributes', async ({ sqs }) =>
    (await sqs(region)).send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } }),
      abortable(signal),
    ),
  );
}
