import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll } from 'vitest';
import { createSandbox, type ListeningServer, type Sandbox, type SandboxOptions } from '../src/index.js';

export type Transport = 'http' | 'in-process';
export const TRANSPORTS: Transport[] = ['http', 'in-process'];

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface Clients {
  sts: STSClient;
  iam: IAMClient;
  organizations: OrganizationsClient;
  s3: S3Client;
  sqs: SQSClient;
}

export const TASK = (name: string) => `arn:aws:iam::aws:policy/root-task/${name}`;

/** One sandbox per test file, served over HTTP and in-process; quotas off unless a test wants them. */
export function useSandbox(options: SandboxOptions = {}) {
  const state: { sandbox: Sandbox; server: ListeningServer } = {} as never;
  beforeAll(async () => {
    state.sandbox = createSandbox({ quotas: { enabled: false }, ...options });
    state.server = await state.sandbox.listen();
  });
  afterAll(async () => {
    await state.server?.close();
  });
  const clients = (
    transport: Transport,
    credentials: Credentials,
    region = 'us-east-1',
    extra: Record<string, unknown> = {},
  ): Clients => {
    const config = {
      region,
      credentials,
      maxAttempts: 1,
      ...(transport === 'http'
        ? { endpoint: state.server.url }
        : { requestHandler: state.sandbox.requestHandler }),
      ...extra,
    };
    return {
      sts: new STSClient(config),
      iam: new IAMClient(config),
      organizations: new OrganizationsClient(config),
      s3: new S3Client({ ...config, forcePathStyle: true }),
      sqs: new SQSClient(config),
    };
  };
  const as = (transport: Transport, principal?: string, region?: string) =>
    clients(
      transport,
      principal ? state.sandbox.principal(principal) : state.sandbox.managementPrincipal(),
      region,
    );
  const rootSession = async (transport: Transport, accountId: string, task: string, principal?: string) => {
    const { Credentials: c } = await as(transport, principal).sts.send(
      new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: TASK(task) } }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error('AssumeRoot returned no credentials');
    return clients(transport, {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    });
  };
  return {
    get sandbox() {
      return state.sandbox;
    },
    get server() {
      return state.server;
    },
    clients,
    as,
    rootSession,
  };
}

/** Runs `fn` expecting an AWS error; returns it for assertions on name, code, message and status. */
export async function awsError(fn: () => Promise<unknown>): Promise<{
  name: string;
  message: string;
  status: number | undefined;
  code: string | undefined;
  error: Record<string, unknown>;
}> {
  try {
    await fn();
  } catch (error) {
    const e = error as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number };
      Code?: string;
      Error?: { Code?: string };
    };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      code: e.Code ?? e.Error?.Code,
      error: e as never,
    };
  }
  throw new Error('expected the call to fail');
}
