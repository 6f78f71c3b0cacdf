import { explicitDenyMessage, type OperationContext } from '../../context.js';
import { AwsError, kindError } from '../../errors.js';
import { renderJson, renderSqsError } from '../../protocol/json.js';
import type { WireResponse } from '../../protocol/wire.js';
import { type QueueState, queueKey } from '../../state/world.js';
import { isPolicyDocument, policyDeniesEveryone } from '../resource-policy.js';
import type { ServiceDefinition, ServiceOperation } from '../service.js';

const TARGET_PREFIX = 'AmazonSQS.';

const reply = (ctx: OperationContext, body: unknown): WireResponse => renderJson(body, '1.0', ctx.requestId);

/** SQS errors carry the JSON type and the legacy query code (`x-amzn-query-error`, aws-facts.md §5.2). */
function sqsError(name: string, queryCode: string, message: string, status = 400): AwsError {
  return new AwsError({ code: name, jsonType: `com.amazonaws.sqs#${name}`, queryCode, message, status });
}

const queueMissing = () =>
  sqsError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  );

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};
const READ_ONLY = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];
const SETTABLE = new Set([
  ...Object.keys(DEFAULT_ATTRIBUTES),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
]);
const KNOWN = new Set([...SETTABLE, ...READ_ONLY, 'All']);

const extraAttributes = new WeakMap<QueueState, Record<string, string>>();

function str(ctx: OperationContext, name: string, required: boolean): string | undefined {
  const value = ctx.json[name];
  if (value === undefined || value === null) {
    if (required) throw kindError('missing-parameter', `The request must contain the parameter ${name}.`);
    return undefined;
  }
  if (typeof value !== 'string')
    throw kindError('malformed-body', `Start of structure or map found where not expected for ${name}.`);
  return value;
}

function queueUrl(ctx: OperationContext, queue: QueueState): string {
  // Point back at whatever endpoint the client used, so SDKs that send requests to the QueueUrl still reach the sandbox.
  const host = ctx.request.headers.host ?? `sqs.${queue.region}.amazonaws.com`;
  return `${ctx.request.scheme}://${host}/${queue.accountId}/${queue.name}`;
}

function queueArn(queue: QueueState): string {
  return `arn:aws:sqs:${queue.region}:${queue.accountId}:${queue.name}`;
}

function parseQueueUrl(ctx: OperationContext): { accountId: string; name: string } {
  const url = str(ctx, 'QueueUrl', true) as string;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    throw sqsError('InvalidAddress', 'InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  }
  const [accountId, name] = path.split('/').filter(Boolean);
  if (!accountId || !name || !/^\d{12}$/.test(accountId))
    throw sqsError('InvalidAddress', 'InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  return { accountId, name };
}

function queueResource(ctx: OperationContext): string | undefined {
  try {
    const { accountId, name } = parseQueueUrl(ctx);
    return `arn:aws:sqs:${ctx.region}:${accountId}:${name}`;
  } catch {
    return undefined;
  }
}

/** Lookup plus the owner and queue-policy checks (the owner's root passes a deny-all policy for SetQueueAttributes). */
function queueFor(ctx: OperationContext, action: string): QueueState {
  const { accountId, name } = parseQueueUrl(ctx);
  const queue = ctx.world.queues.get(queueKey(accountId, ctx.region, name));
  if (!queue) throw queueMissing();
  ctx.log.targetAccountId = queue.accountId;
  const denied = () =>
    kindError('access-denied', `Access to the resource ${queueUrl(ctx, queue)} is denied.`);
  if (queue.accountId !== ctx.caller.accountId) throw denied();
  const ownerRoot = ctx.caller.isRoot;
  if (!ownerRoot && policyDeniesEveryone(queue.policy, action))
    throw kindError(
      'access-denied',
      explicitDenyMessage(ctx.caller.arn, action, queueArn(queue), 'a resource-based policy'),
    );
  return queue;
}

function attributes(queue: QueueState): Record<string, string> {
  const all: Record<string, string> = {
    QueueArn: queueArn(queue),
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '0',
    CreatedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedTimestamp / 1000)),
    ...DEFAULT_ATTRIBUTES,
    ...extraAttributes.get(queue),
  };
  if (queue.policy) all.Policy = queue.policy;
  return all;
}

const operations: Record<string, ServiceOperation> = {
  ListQueues: {
    handle: (ctx) => {
      const prefix = str(ctx, 'QueueNamePrefix', false) ?? '';
      const maxRaw = ctx.json.MaxResults;
      if (maxRaw !== undefined && (typeof maxRaw !== 'number' || maxRaw < 1 || maxRaw > 1000))
        throw sqsError(
          'InvalidParameterValue',
          'InvalidParameterValue',
          'Value for parameter MaxResults is invalid. Reason: must be between 1 and 1000.',
        );
      const max = typeof maxRaw === 'number' ? maxRaw : 1000;
      const after = str(ctx, 'NextToken', false) ?? '';
      const names = [...ctx.world.queues.values()]
        .filter(
          (q) => q.accountId === ctx.caller.accountId && q.region === ctx.region && q.name.startsWith(prefix),
        )
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .filter((q) => q.name > after);
      const page = names.slice(0, max);
      const body: Record<string, unknown> = {};
      if (page.length > 0) body.QueueUrls = page.map((q) => queueUrl(ctx, q));
      if (maxRaw !== undefined && names.length > page.length) body.NextToken = page[page.length - 1]?.name;
      return reply(ctx, body);
    },
  },
  GetQueueUrl: {
    resource: (ctx) =>
      `arn:aws:sqs:${ctx.region}:${(ctx.json.QueueOwnerAWSAccountId as string | undefined) ?? ctx.caller.accountId}:${String(ctx.json.QueueName ?? '')}`,
    handle: (ctx) => {
      const name = str(ctx, 'QueueName', true) as string;
      const owner = str(ctx, 'QueueOwnerAWSAccountId', false) ?? ctx.caller.accountId;
      const queue = ctx.world.queues.get(queueKey(owner, ctx.region, name));
      if (!queue || (owner !== ctx.caller.accountId && !queue.policy)) throw queueMissing();
      return reply(ctx, { QueueUrl: queueUrl(ctx, queue) });
    },
  },
  GetQueueAttributes: {
    resource: queueResource,
    handle: (ctx) => {
      const namesRaw = ctx.json.AttributeNames;
      if (
        namesRaw !== undefined &&
        !(Array.isArray(namesRaw) && namesRaw.every((n) => typeof n === 'string'))
      )
        throw kindError('malformed-body', 'Expected a list of strings for AttributeNames.');
      const queue = queueFor(ctx, 'sqs:GetQueueAttributes');
      const names = (namesRaw as string[] | undefined) ?? [];
      for (const n of names)
        if (!KNOWN.has(n))
          throw sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${n}.`);
      const all = attributes(queue);
      const wanted = names.includes('All')
        ? all
        : Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n] as string]));
      return reply(ctx, Object.keys(wanted).length > 0 ? { Attributes: wanted } : {});
    },
  },
  SetQueueAttributes: {
    resource: queueResource,
    handle: (ctx) => {
      // Input shape is checked before the queue is looked up, as AWS deserializes before it authorizes.
      const attrs = ctx.json.Attributes;
      if (attrs === undefined || attrs === null)
        throw kindError('missing-parameter', 'The request must contain the parameter Attributes.');
      if (
        typeof attrs !== 'object' ||
        Array.isArray(attrs) ||
        !Object.values(attrs).every((v) => typeof v === 'string')
      )
        throw kindError('malformed-body', 'Expected a map of strings for Attributes.');
      const queue = queueFor(ctx, 'sqs:SetQueueAttributes');
      const entries = Object.entries(attrs as Record<string, string>);
      for (const [name, value] of entries) {
        if (!SETTABLE.has(name))
          throw sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
        if (name === 'Policy' && value !== '' && !isPolicyDocument(value))
          throw sqsError(
            'InvalidAttributeValue',
            'InvalidAttributeValue',
            'Invalid value for the parameter Policy.',
          );
      }
      for (const [name, value] of entries) {
        // An empty Policy removes the policy: the documented unlock (aws-facts.md §5.2).
        if (name === 'Policy') queue.policy = value === '' ? undefined : value;
        else {
          const extra = extraAttributes.get(queue) ?? {};
          extra[name] = value;
          extraAttributes.set(queue, extra);
        }
      }
      queue.lastModifiedTimestamp = ctx.now;
      return reply(ctx, {});
    },
  },
};

export const sqsService: ServiceDefinition = {
  name: 'sqs',
  actionPrefix: 'sqs',
  protocol: 'json',
  operationName: (req) => {
    const target = req.headers['x-amz-target'];
    return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  },
  renderError: renderSqsError,
  operations,
};
