import { explicitDenyMessage, implicitDenyMessage, type OperationContext } from '../../context.js';
import { kindError, serviceError } from '../../errors.js';
import { renderS3Error, renderS3Xml } from '../../protocol/rest-xml.js';
import type { WireRequest, WireResponse } from '../../protocol/wire.js';
import type { BucketState } from '../../state/world.js';
import { isoMillis } from '../../util/time.js';
import { escapeXml } from '../../util/xml.js';
import { isPolicyDocument, policyDeniesEveryone } from '../resource-policy.js';
import type { ServiceDefinition, ServiceOperation } from '../service.js';

/** S3 bucket policies are limited to 20 KB. */
const MAX_POLICY_BYTES = 20 * 1024;

interface S3Address {
  bucket?: string;
  key?: string;
  sub: URLSearchParams;
}

const addresses = new WeakMap<WireRequest, S3Address>();

/**
 * Path-style (`/bucket?policy` from the AWS CLI, `/bucket/?policy=` from the SDK) and
 * virtual-hosted (`bucket.s3.region.amazonaws.com`, `bucket.localhost`) addressing.
 */
function s3Address(req: WireRequest): S3Address {
  const cached = addresses.get(req);
  if (cached) return cached;
  const sub = new URLSearchParams(req.rawQuery);
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const virtual = /^(.+?)\.s3[.-]/.exec(host)?.[1] ?? /^(.+)\.localhost$/.exec(host)?.[1];
  const segments = req.path.split('/').slice(1);
  let bucket: string | undefined;
  let key: string | undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (virtual) {
    bucket = virtual;
    key = segments.join('/') || undefined;
  } else {
    bucket = segments[0] ? decode(segments[0]) : undefined;
    key = segments.slice(1).join('/') || undefined;
  }
  const address: S3Address = { sub, ...(bucket ? { bucket } : {}), ...(key ? { key: decode(key) } : {}) };
  addresses.set(req, address);
  return address;
}

const SUBRESOURCE_NAMES: Record<string, string> = {
  acl: 'Acl',
  cors: 'Cors',
  encryption: 'Encryption',
  lifecycle: 'LifecycleConfiguration',
  location: 'Location',
  logging: 'Logging',
  notification: 'NotificationConfiguration',
  ownershipControls: 'OwnershipControls',
  publicAccessBlock: 'PublicAccessBlock',
  replication: 'Replication',
  tagging: 'Tagging',
  versioning: 'Versioning',
  website: 'Website',
  policyStatus: 'PolicyStatus',
};

/** Operation names, also for calls the sandbox does not implement, so root sessions are fenced by name. */
function operationName(req: WireRequest): string | undefined {
  const { bucket, key, sub } = s3Address(req);
  const method = req.method.toUpperCase();
  const verb =
    method === 'GET'
      ? 'Get'
      : method === 'PUT'
        ? 'Put'
        : method === 'DELETE'
          ? 'Delete'
          : method === 'HEAD'
            ? 'Head'
            : 'Post';
  if (!bucket) return method === 'GET' ? 'ListBuckets' : undefined;
  if (key) return method === 'HEAD' ? 'HeadObject' : `${verb}Object`;
  if (sub.has('policy')) return `${verb}BucketPolicy`;
  for (const [param, name] of Object.entries(SUBRESOURCE_NAMES))
    if (sub.has(param)) return `${verb}Bucket${name}`;
  if (method === 'GET') return sub.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  if (method === 'HEAD') return 'HeadBucket';
  if (method === 'PUT') return 'CreateBucket';
  if (method === 'DELETE') return 'DeleteBucket';
  return undefined;
}

/** The IAM action of an S3 operation. */
function actionFor(operation: string): string {
  if (operation === 'ListBuckets') return 's3:ListAllMyBuckets';
  if (operation === 'HeadBucket' || operation.startsWith('ListObjects')) return 's3:ListBucket';
  if (operation === 'HeadObject') return 's3:GetObject';
  if (operation === 'GetBucketLocation') return 's3:GetBucketLocation';
  return `s3:${operation}`;
}

function bucketResource(ctx: OperationContext): string | undefined {
  const { bucket, key } = s3Address(ctx.request);
  if (!bucket) return undefined;
  return key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`;
}

function canonicalUserId(accountId: string): string {
  return Buffer.from(`sandbox-canonical-${accountId}`).toString('hex').padEnd(64, '0').slice(0, 64);
}

/** Bucket lookup plus the owner and bucket-policy checks every bucket operation makes. */
function bucketFor(ctx: OperationContext, action: string): BucketState {
  const name = s3Address(ctx.request).bucket as string;
  const bucket = ctx.world.buckets.get(name);
  if (!bucket)
    throw serviceError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
  ctx.log.targetAccountId = bucket.accountId;
  // A bucket addressed in another region than its own answers 301 PermanentRedirect with its region
  // in `x-amz-bucket-region`, before any authorization
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html;
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html, x-amz-bucket-region).
  if (bucket.region !== ctx.region)
    throw serviceError(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      301,
      {
        Bucket: name,
        Endpoint: `${name}.s3.${bucket.region}.amazonaws.com`,
        'header:x-amz-bucket-region': bucket.region,
      },
    );
  const resource = `arn:aws:s3:::${name}`;
  if (bucket.accountId !== ctx.caller.accountId)
    throw kindError(
      'access-denied',
      implicitDenyMessage(ctx.caller.arn, action, resource, { quoteResource: true }, 'resource-based'),
    );
  // The owner account's root can always manage the bucket policy, even past a deny-all policy (S3 API reference).
  const ownerRoot = ctx.caller.isRoot && action.endsWith('BucketPolicy');
  if (!ownerRoot && policyDeniesEveryone(bucket.policy, action))
    throw kindError(
      'access-denied',
      explicitDenyMessage(ctx.caller.arn, action, resource, 'a resource-based policy', {
        quoteResource: true,
      }),
    );
  return bucket;
}

const noContent = (ctx: OperationContext): WireResponse => ({
  status: 204,
  headers: { 'x-amz-request-id': ctx.requestId },
  body: '',
});

function listBuckets(ctx: OperationContext): WireResponse {
  const q = s3Address(ctx.request).sub;
  const prefix = q.get('prefix') ?? '';
  const regionFilter = q.get('bucket-region');
  const max = Math.min(10_000, Math.max(1, Number(q.get('max-buckets') ?? 10_000) || 10_000));
  const after = q.get('continuation-token') ?? '';
  // BucketRegion is only returned when the request carries a parameter (aws-facts.md §5.1).
  // (The SDK's `x-id` operation marker is not a parameter.)
  const withRegion = [...q.keys()].some((k) => k !== 'x-id');
  const owned = [...ctx.world.buckets.values()]
    .filter(
      (b) =>
        b.accountId === ctx.caller.accountId &&
        b.name.startsWith(prefix) &&
        (!regionFilter || b.region === regionFilter),
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .filter((b) => b.name > after);
  const page = owned.slice(0, max);
  const buckets = page
    .map(
      (b) =>
        `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${isoMillis(b.creationDate)}</CreationDate>${withRegion ? `<BucketRegion>${b.region}</BucketRegion>` : ''}</Bucket>`,
    )
    .join('');
  const token =
    owned.length > page.length
      ? `<ContinuationToken>${escapeXml(page[page.length - 1]?.name ?? '')}</ContinuationToken>`
      : '';
  const prefixXml = q.has('prefix') ? `<Prefix>${escapeXml(prefix)}</Prefix>` : '';
  return renderS3Xml(
    'ListAllMyBucketsResult',
    `<Owner><ID>${canonicalUserId(ctx.caller.accountId)}</ID></Owner><Buckets>${buckets}</Buckets>${token}${prefixXml}`,
    ctx.requestId,
  );
}

function getBucketPolicy(ctx: OperationContext): WireResponse {
  const bucket = bucketFor(ctx, 's3:GetBucketPolicy');
  if (!bucket.policy)
    throw serviceError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, {
      BucketName: bucket.name,
    });
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amz-request-id': ctx.requestId },
    body: bucket.policy,
  };
}

function putBucketPolicy(ctx: OperationContext): WireResponse {
  const bucket = bucketFor(ctx, 's3:PutBucketPolicy');
  const text = ctx.request.body.toString('utf8');
  if (ctx.request.body.length > MAX_POLICY_BYTES)
    throw serviceError('MalformedPolicy', 'Policy exceeds the maximum allowed document size.', 400);
  if (!isPolicyDocument(text))
    throw serviceError('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'", 400);
  bucket.policy = text;
  return noContent(ctx);
}

function deleteBucketPolicy(ctx: OperationContext): WireResponse {
  const bucket = bucketFor(ctx, 's3:DeleteBucketPolicy');
  bucket.policy = undefined;
  return noContent(ctx);
}

const op = (handle: ServiceOperation['handle']): ServiceOperation => ({ resource: bucketResource, handle });

export const s3Service: ServiceDefinition = {
  name: 's3',
  actionPrefix: 's3',
  protocol: 'rest-xml',
  operationName: (req) => operationName(req),
  renderError: renderS3Error,
  fallbackResource: bucketResource,
  actionFor,
  operations: {
    ListBuckets: { action: 's3:ListAllMyBuckets', handle: listBuckets },
    GetBucketPolicy: op(getBucketPolicy),
    PutBucketPolicy: op(putBucketPolicy),
    DeleteBucketPolicy: op(deleteBucketPolicy),
  },
};
