import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './helpers.js';
import { FORM, ORGS, type RawRequest, raw, SQS } from './raw.js';

const ctx = useSandbox({ scenario: 'exposed' });

interface Case {
  name: string;
  request: () => RawRequest;
  status: number;
  code: string;
}

const mgmt = () => ctx.sandbox.managementPrincipal();
const iam = (body: string): RawRequest => ({ body, headers: FORM, service: 'iam', credentials: mgmt() });
const sts = (body: string): RawRequest => ({ body, headers: FORM, service: 'sts', credentials: mgmt() });
const orgs = (op: string, body: string | Buffer): RawRequest => ({
  body,
  headers: ORGS(op),
  service: 'organizations',
  credentials: mgmt(),
});
const sqs = (op: string, body: string): RawRequest => ({
  body,
  headers: SQS(op),
  service: 'sqs',
  credentials: mgmt(),
});

const CASES: Case[] = [
  {
    name: 'XML sent to a query API',
    request: () => iam('<ListUsers><x/></ListUsers>'),
    status: 400,
    code: 'InvalidAction',
  },
  {
    name: 'unknown IAM action',
    request: () => iam('Action=MakeCoffee&Version=2010-05-08'),
    status: 400,
    code: 'InvalidAction',
  },
  {
    name: 'missing required IAM parameter',
    request: () => iam('Action=DeleteAccessKey&Version=2010-05-08'),
    status: 400,
    code: 'ValidationError',
  },
  {
    name: 'AssumeRoot with a non-numeric duration',
    request: () =>
      sts(
        'Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=300000000003&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials&DurationSeconds=abc',
      ),
    status: 400,
    code: 'ValidationError',
  },
  {
    name: 'AssumeRoot without parameters',
    request: () => sts('Action=AssumeRoot&Version=2011-06-15'),
    status: 400,
    code: 'ValidationError',
  },
  {
    name: 'broken JSON',
    request: () => orgs('ListAccounts', '{"MaxResults": '),
    status: 400,
    code: 'SerializationException',
  },
  {
    name: 'JSON array instead of object',
    request: () => orgs('ListAccounts', '[]'),
    status: 400,
    code: 'SerializationException',
  },
  {
    name: 'wrong JSON type',
    request: () => orgs('ListAccounts', '{"MaxResults":"5"}'),
    status: 400,
    code: 'SerializationException',
  },
  {
    name: 'binary garbage',
    request: () => orgs('ListAccounts', Buffer.from([0xff, 0xfe, 0x00, 0x01])),
    status: 400,
    code: 'SerializationException',
  },
  {
    name: 'missing required Organizations parameter',
    request: () => orgs('DescribeAccount', '{}'),
    status: 400,
    code: 'InvalidInputException',
  },
  {
    name: 'unknown Organizations operation',
    request: () => orgs('LaunchRockets', '{}'),
    status: 400,
    code: 'UnknownOperationException',
  },
  {
    name: 'missing X-Amz-Target',
    request: () => ({
      body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      service: 'organizations',
      credentials: mgmt(),
    }),
    status: 400,
    code: 'UnknownOperationException',
  },
  { name: 'broken SQS JSON', request: () => sqs('ListQueues', '{'), status: 400, code: 'MalformedInput' },
  {
    name: 'SQS attributes of the wrong type',
    request: () =>
      sqs('SetQueueAttributes', '{"QueueUrl":"http://x/300000000011/open-events","Attributes":[1]}'),
    status: 400,
    code: 'MalformedInput',
  },
  {
    name: 'SQS missing QueueUrl',
    request: () => sqs('GetQueueAttributes', '{}'),
    status: 400,
    code: 'MissingParameter',
  },
  {
    name: 'S3 policy that is XML',
    request: () => ({
      method: 'PUT',
      path: '/exposed-open-reports?policy',
      body: '<Policy/>',
      service: 's3',
      credentials: mgmt(),
    }),
    status: 403,
    code: 'AccessDenied',
  },
  {
    name: 'huge body',
    request: () => iam(`Action=GetUser&Version=2010-05-08&Junk=${'x'.repeat(2 * 1024 * 1024)}`),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'unsigned',
    request: () => ({ body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: FORM }),
    status: 403,
    code: 'MissingAuthenticationToken',
  },
  {
    name: 'garbage Authorization header',
    request: () => ({
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: { ...FORM, authorization: 'AWS4-HMAC-SHA256 nonsense' },
    }),
    status: 403,
    code: 'IncompleteSignature',
  },
  {
    name: 'SigV2-style Authorization header to S3',
    request: () => ({ method: 'GET', path: '/', headers: { authorization: 'AWS AKIAEXAMPLE:abc=' } }),
    status: 400,
    code: 'AuthorizationHeaderMalformed',
  },
  {
    name: 'a service the sandbox does not model',
    request: () => ({
      body: '{}',
      headers: { 'x-amz-target': 'Lambda.ListFunctions' },
      service: 'lambda',
      credentials: mgmt(),
    }),
    status: 400,
    code: 'UnknownOperationException',
  },
  {
    name: 'an S3 operation the sandbox does not model',
    request: () => ({ method: 'GET', path: '/exposed-open-reports?acl', service: 's3', credentials: mgmt() }),
    status: 501,
    code: 'NotImplemented',
  },
];

function codeOf(body: string, headers: Headers): string | undefined {
  const query = headers.get('x-amzn-query-error');
  if (query) return query.split(';')[0];
  const xml = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  if (xml) return xml;
  try {
    const type = (JSON.parse(body) as { __type?: string }).__type ?? '';
    return type.slice(type.indexOf('#') + 1);
  } catch {
    return undefined;
  }
}

describe('malformed requests', () => {
  it.each(CASES)('$name → $status $code', async ({ request, status, code }) => {
    const answer = await raw(ctx.server.url, request());
    expect(answer.status).toBe(status);
    expect(codeOf(answer.body, answer.headers)).toBe(code);
    expect(answer.headers.get('content-type') ?? '').toMatch(/xml|json/);
    expect(answer.body).not.toMatch(/<html/i);
  });

  it('survives garbage on the socket and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(ctx.server.port, '127.0.0.1', () =>
        socket.end('\x00\x01 NOT HTTP AT ALL\r\n\r\n'),
      );
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const ok = await raw(ctx.server.url, {
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: FORM,
      credentials: mgmt(),
    });
    expect(ok.status).toBe(200);
  });
});
