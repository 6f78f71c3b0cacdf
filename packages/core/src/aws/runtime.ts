import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CoreError } from '../errors.js';
import {
  type ConfiguredEndpoints,
  ENDPOINT_SERVICES,
  type EndpointService,
  resolveConfiguredEndpoints,
} from './configured-endpoints.js';
import { Pacer } from './pacer.js';
import { profileCredentialChain } from './profile-credentials.js';

/** An AWS SDK v3 request handler (the `requestHandler` seam), e.g. the sandbox's in-process handler. */
export interface RequestHandler {
  handle(request: never, options?: never): Promise<unknown>;
  destroy?(): void;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface AwsConnectionOptions {
  /** Named profile of the shared config/credentials files (SSO profiles included). */
  profile?: string;
  /** Region for STS (AssumeRoot needs a regional endpoint) and the regional services. */
  region?: string;
  /** Endpoint for every service (like AWS_ENDPOINT_URL), e.g. the sandbox's URL. */
  endpoint?: string;
  /** Explicit caller credentials; default: the standard AWS credential chain. */
  credentials?: StaticCredentials;
  /** Serve requests with this handler instead of HTTP (the sandbox's in-process seam). */
  requestHandler?: RequestHandler;
  /** Upper bound of open sockets shared by every client. */
  maxSockets?: number;
}

type CallerCredentials = NonNullable<STSClientConfig['credentials']>;

/** What a root-session client signs with: the session of the call in progress. */
export interface SessionCredentialSource {
  revealCredentials(): StaticCredentials;
}

/**
 * Every AWS client the engine uses, built once per engine: one STS, Organizations and IAM client for
 * the caller, and one IAM client (one S3 and SQS client per region) for all root sessions, which
 * signs each request with the session of the call that sent it (`withSession`). All share one
 * keep-alive request handler. SDK retries are off (maxAttempts 1): the engine retries itself, so that
 * it sees every throttle and adapts concurrency.
 */
export class AwsRuntime {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly stsEndpoint: string;
  readonly sts: STSClient;
  readonly organizations: OrganizationsClient;
  readonly iam: IAMClient;
  /**
   * The caller's partition, learnt from GetCallerIdentity's ARN (`getCallerIdentity` sets it): the
   * ARNs the engine builds (task policies) must be in it.
   */
  partition = 'aws';
  /** Client-side pacing of Organizations calls to their published quotas. */
  readonly pacer = new Pacer();
  readonly #requestHandler: RequestHandler;
  readonly #ownsHandler: boolean;
  /**
   * Client settings the SDK would otherwise look up in the environment and config files again for
   * every new client (FIPS, dual-stack, app id…): resolved once from the caller's client and handed to
   * the thousands of per-session clients, whose construction would else dominate an audit's CPU.
   */
  #sessionSettings: Record<string, unknown> = {};
  /**
   * The root session of the call in progress. An SDK client per account session cost about a third of
   * an audit's memory churn (config resolution, middleware stack, signer, all promoted to the old
   * generation because they live as long as the account's audit); one shared client whose credentials
   * come from the calling async context costs nothing per account, and a request can only ever be
   * signed with the session of the code that sent it, even if it is still in flight after its
   * account's audit has moved on.
   */
  readonly #currentSession = new AsyncLocalStorage<SessionCredentialSource>();
  #sessionIam: IAMClient | undefined;
  /** S3 and SQS clients by region, built on first use (their SDK modules load then: audits never need them). */
  readonly #sessionClients = new Map<string, Promise<S3Client | SQSClient>>();

  /** Each service's endpoint: --endpoint-url for all, else what the environment and profile configure. */
  readonly #endpoints: ConfiguredEndpoints;
  readonly #configuredHere: boolean;

  private constructor(
    region: string,
    options: AwsConnectionOptions,
    credentials: CallerCredentials,
    configured: ConfiguredEndpoints | undefined,
  ) {
    this.region = region;
    this.endpoint = options.endpoint;
    this.#endpoints =
      options.endpoint === undefined
        ? (configured ?? {})
        : Object.fromEntries(Object.keys(ENDPOINT_SERVICES).map((service) => [service, options.endpoint]));
    // Resolved for the profile in use: the SDK must not look again for AWS_PROFILE's (or default's).
    this.#configuredHere = configured !== undefined;
    this.stsEndpoint = this.#endpoints.sts ?? `https://sts.${region}.amazonaws.com`;
    this.#ownsHandler = options.requestHandler === undefined;
    this.#requestHandler =
      options.requestHandler ??
      new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 }),
        connectionTimeout: 10_000,
        requestTimeout: 60_000,
      });
    // AssumeRoot is only served by regional STS endpoints; never let the SDK pick the global one.
    this.sts = new STSClient({ ...this.#clientConfig(credentials, 'sts'), useGlobalEndpoint: false });
    this.organizations = new OrganizationsClient(this.#clientConfig(credentials, 'organizations'));
    this.iam = new IAMClient(this.#clientConfig(credentials, 'iam'));
  }

  /** Resolves region and credentials source, refusing configurations that cannot work. */
  static async create(options: AwsConnectionOptions = {}): Promise<AwsRuntime> {
    // An explicit profile, else AWS_PROFILE: the SDK's chain skips environment keys whenever a profile
    // is named, so a misspelt AWS_PROFILE would otherwise fail with a vague message.
    const profile = options.profile ?? (process.env.AWS_PROFILE || undefined);
    if (profile !== undefined && options.credentials === undefined) await assertProfileExists(profile);
    const region = await resolveRegion(options);
    // Explicit credentials (the sandbox, tests) come with their own endpoint or none: no config files then.
    const configured =
      options.endpoint !== undefined || options.credentials !== undefined
        ? undefined
        : await resolveConfiguredEndpoints(options.profile);
    refuseGlobalStsEndpoint(region, options.endpoint ?? configured?.sts);
    const credentials: CallerCredentials =
      options.credentials ??
      profileCredentialChain(
        options.profile,
        region,
        options.endpoint === undefined
          ? (configured ?? {})
          : { sts: options.endpoint, sso: options.endpoint },
      );
    const runtime = new AwsRuntime(region, options, credentials, configured);
    await runtime.#resolveSessionSettings();
    return runtime;
  }

  async #resolveSessionSettings(): Promise<void> {
    const config = this.iam.config;
    this.#sessionSettings = {
      useFipsEndpoint: await config.useFipsEndpoint(),
      useDualstackEndpoint: await config.useDualstackEndpoint(),
      userAgentAppId: await config.userAgentAppId(),
      authSchemePreference: await config.authSchemePreference(),
      defaultsMode:
        typeof config.defaultsMode === 'function' ? await config.defaultsMode() : config.defaultsMode,
      retryMode: 'standard',
    };
  }

  #clientConfig(credentials: CallerCredentials, service: EndpointService) {
    const endpoint = this.#endpoints[service];
    return {
      region: this.region,
      credentials,
      requestHandler: this.#requestHandler as NonNullable<STSClientConfig['requestHandler']>,
      maxAttempts: 1,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(this.#configuredHere ? { ignoreConfiguredEndpointUrls: true } : {}),
    };
  }

  /**
   * The credentials provider of the shared root-session clients: the session of the calling async
   * context, read on every request, or a refusal outside any session (never a previous account's).
   * `memoized: true` tells the SDK not to wrap it in its identity cache
   * (@aws-sdk/core `normalizeCredentialProvider`), which would keep the first session's credentials
   * for every later request; core/test/session-clients.test.ts proves each account's calls carry its
   * own session.
   */
  #sessionCredentialsProvider() {
    const current = this.#currentSession;
    const provider = async (): Promise<StaticCredentials> => {
      const session = current.getStore();
      if (session === undefined)
        throw new CoreError('INTERNAL', 'A root-session client was used outside its session.');
      return session.revealCredentials();
    };
    return Object.assign(provider, { memoized: true });
  }

  #sessionConfig(service: EndpointService) {
    return { ...this.#clientConfig(this.#sessionCredentialsProvider(), service), ...this.#sessionSettings };
  }

  #sessionClient<T extends S3Client | SQSClient>(key: string, create: () => Promise<T>): Promise<T> {
    let client = this.#sessionClients.get(key) as Promise<T> | undefined;
    if (client === undefined) {
      client = create();
      this.#sessionClients.set(key, client);
    }
    return client;
  }

  /** Runs `work` as `session`: the root-session clients sign the requests it sends with that session. */
  withSession<T>(session: SessionCredentialSource, work: () => Promise<T>): Promise<T> {
    return this.#currentSession.run(session, work);
  }

  /** The IAM client of root sessions; it signs only inside `withSession`. */
  sessionIam(): IAMClient {
    this.#sessionIam ??= new IAMClient(this.#sessionConfig('iam'));
    return this.#sessionIam;
  }

  sessionS3(region = this.region): Promise<S3Client> {
    // Custom endpoints (the sandbox, a proxy) need path-style bucket addressing. A bucket in another
    // region than the one guessed answers 301 PermanentRedirect with `x-amz-bucket-region`
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html): the SDK sends the
    // call again there (followRegionRedirects, @aws-sdk/middleware-sdk-s3 region-redirect middleware).
    return this.#sessionClient(`s3:${region}`, async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({
        ...this.#sessionConfig('s3'),
        region,
        forcePathStyle: this.#endpoints.s3 !== undefined,
        followRegionRedirects: true,
      });
    });
  }

  sessionSqs(region = this.region): Promise<SQSClient> {
    // Requests go to the configured (or regional) endpoint, never to the host of a user-given queue URL:
    // a mistyped or foreign host must not receive requests signed with a root session.
    return this.#sessionClient(`sqs:${region}`, async () => {
      const { SQSClient } = await import('@aws-sdk/client-sqs');
      return new SQSClient({ ...this.#sessionConfig('sqs'), region, useQueueUrlAsEndpoint: false });
    });
  }

  destroy(): void {
    this.#sessionClients.clear();
    if (this.#ownsHandler) this.#requestHandler.destroy?.();
  }
}

/** A misspelt --profile otherwise surfaces as "Could not load credentials from any providers". */
async function assertProfileExists(profile: string): Promise<void> {
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  if (files.configFile[profile] || files.credentialsFile[profile]) return;
  const configPath = process.env.AWS_CONFIG_FILE ?? '~/.aws/config';
  const credentialsPath = process.env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials';
  throw new CoreError(
    'CREDENTIALS_MISSING',
    `AWS profile "${profile}" is not in ${configPath} or ${credentialsPath}.`,
    {
      fix: `Check the name (\`aws configure list-profiles\`), or create it: \`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`.`,
      details: { field: 'profile', profile },
    },
  );
}

async function resolveRegion(options: AwsConnectionOptions): Promise<string> {
  if (options.region) return options.region;
  const fromEnv = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  // The SDK's own resolution reads the profile's `region` from the shared config file.
  const probe = new STSClient(options.profile === undefined ? {} : { profile: options.profile });
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch {
    // No region anywhere: fall through to the clear error below.
  } finally {
    probe.destroy();
  }
  throw new CoreError('INVALID_INPUT', 'No AWS region is configured.', {
    fix: 'Pass --region (e.g. --region eu-west-1), set AWS_REGION, or add `region = …` to your profile. AssumeRoot needs a regional STS endpoint.',
    details: { field: 'region' },
  });
}

/**
 * AssumeRoot is not served by the global endpoint sts.amazonaws.com
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html); there it fails with
 * `InvalidAction: Unknown Operation` (boto/boto3#4461). Refuse such a configuration up front.
 */
function refuseGlobalStsEndpoint(region: string, endpoint: string | undefined): void {
  const host = endpoint ? safeHost(endpoint) : undefined;
  if (region === 'aws-global' || host === 'sts.amazonaws.com') {
    throw new CoreError(
      'GLOBAL_STS_ENDPOINT',
      `This configuration sends STS calls to the global endpoint (${host === 'sts.amazonaws.com' ? endpoint : 'region aws-global'}), which does not support AssumeRoot.`,
      {
        fix: 'Use a regional STS endpoint: pass --region with a real region (e.g. us-east-1) and drop the global endpoint override (AWS_ENDPOINT_URL_STS / --endpoint-url).',
        details: { region, endpoint: endpoint ?? null },
      },
    );
  }
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    throw new CoreError('INVALID_INPUT', `Endpoint URL "${url}" is not a valid URL.`, {
      fix: 'Pass a full URL such as http://127.0.0.1:4577.',
      details: { field: 'endpoint' },
    });
  }
}
