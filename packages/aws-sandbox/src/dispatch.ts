import { randomUUID } from 'node:crypto';
import { authorize, type Caller, type OperationContext } from './context.js';
import { AwsError, kindError } from './errors.js';
import { parseForm, renderQueryError } from './protocol/query.js';
import type { WireRequest, WireResponse } from './protocol/wire.js';
import type { SandboxCore } from './sandbox-core.js';
import { ec2Service } from './services/ec2/index.js';
import { iamService } from './services/iam/index.js';
import { organizationsService } from './services/organizations/index.js';
import { s3Service } from './services/s3/index.js';
import type { ServiceDefinition } from './services/service.js';
import { sqsService } from './services/sqs/index.js';
import { isSsoPortalRequest, ssoGetRoleCredentials } from './services/sso/index.js';
import { stsService } from './services/sts/index.js';
import { type ParsedAuthorization, parseAuthorization, verifySignature } from './sigv4.js';
import { isWorldMutation } from './state/world-file.js';
import { FileLockTimeoutError } from './util/file-lock.js';
import { isoMillis } from './util/time.js';

const SERVICES: Record<string, ServiceDefinition> = {
  sts: stsService,
  iam: iamService,
  organizations: organizationsService,
  s3: s3Service,
  sqs: sqsService,
  ec2: ec2Service,
};

const EMPTY_QUERY: Map<string, string> = new Map();
const QUERY_VERSIONS: Record<string, string> = {
  '2011-06-15': 'sts',
  '2010-05-08': 'iam',
  '2016-11-15': 'ec2',
};

/** Without a credential scope (unsigned or malformed requests) the service is inferred like AWS's front ends would route. */
function guessService(req: WireRequest): string {
  const target = req.headers['x-amz-target'] ?? '';
  if (target.startsWith('AWSOrganizationsV20161128.')) return 'organizations';
  if (target.startsWith('AmazonSQS.')) return 'sqs';
  const host = req.headers.host ?? '';
  const fromHost = /^(sts|iam|organizations|sqs|ec2)\./.exec(host)?.[1];
  if (fromHost) return fromHost;
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded') && req.body.length < 65_536) {
    const form = parseForm(req.body, req.rawQuery);
    const byVersion = QUERY_VERSIONS[form.get('Version') ?? ''];
    if (byVersion) return byVersion;
    if (form.has('Action')) return 'sts';
  }
  if (target) return 'organizations';
  return 's3';
}

/** Services the sandbox does not model still answer in a plausible protocol, never with HTML. */
function unknownService(name: string, req: WireRequest): ServiceDefinition {
  const target = req.headers['x-amz-target'];
  const isQuery =
    !target && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  return {
    name,
    actionPrefix: name,
    protocol: target ? 'json' : isQuery ? 'query' : 'rest-xml',
    operationName: (_req, ctx) =>
      target ? target.slice(target.indexOf('.') + 1) || undefined : ctx.query.get('Action'),
    renderError: (error, requestId) => {
      if (isQuery) return renderQueryError(error, `https://${name}.amazonaws.com/doc/`, requestId);
      const code =
        error.kind === 'access-denied'
          ? 'AccessDeniedException'
          : error.kind === 'service'
            ? error.code
            : error.kind === 'throttling'
              ? 'ThrottlingException'
              : 'UnknownOperationException';
      const status = error.kind === 'access-denied' ? 403 : error.status >= 500 ? error.status : 400;
      return {
        status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({
          __type: code,
          message: error.message || `The sandbox does not model the ${name} service.`,
        }),
      };
    },
    operations: {},
  };
}

function authenticate(
  core: SandboxCore,
  req: WireRequest,
  auth: ParsedAuthorization,
  service: string,
): Caller {
  const credential = core.credentials.byAccessKey.get(auth.accessKeyId);
  const token = req.headers['x-amz-security-token'];
  if (!credential)
    throw kindError('unknown-key', '', service === 's3' ? { AWSAccessKeyId: auth.accessKeyId } : undefined);
  const verify = (secretAccessKey: string) =>
    verifySignature({
      method: req.method,
      path: req.path,
      rawQuery: req.rawQuery,
      headers: req.headers,
      body: req.body,
      auth,
      secretAccessKey,
      now: Date.now(),
    });
  if (credential.kind === 'session') {
    const session = credential.session;
    if (token !== session.sessionToken) throw kindError('invalid-token');
    // Expiry runs on the sandbox clock so tests can age sessions without waiting.
    if (core.clock.now() >= session.expiration) throw kindError('expired-token');
    verify(session.secretAccessKey);
    return {
      kind: 'session',
      session,
      accountId: session.accountId,
      arn: `arn:aws:iam::${session.accountId}:root`,
      userId: session.accountId,
      accessKeyId: session.accessKeyId,
      isRoot: true,
    };
  }
  const principal = credential.principal;
  if (principal.sessionToken ? token !== principal.sessionToken : token !== undefined)
    throw kindError('invalid-token');
  // Role sessions from AssumeRole / SSO expire like root sessions, on the sandbox clock.
  if (principal.expiration !== undefined && core.clock.now() >= principal.expiration)
    throw kindError('expired-token');
  verify(principal.secretAccessKey);
  return {
    kind: 'principal',
    principal,
    accountId: principal.accountId,
    arn: principal.arn,
    userId: principal.userId,
    accessKeyId: principal.accessKeyId,
    isRoot: principal.type === 'root',
  };
}

function parseJsonBody(body: Buffer): Record<string, unknown> | AwsError {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  return kindError('malformed-body', 'Start of structure or map found where not expected.');
}

function unknownOperationMessage(
  service: ServiceDefinition,
  operation: string | undefined,
  query: Map<string, string>,
): string {
  if (service.protocol === 'query') {
    if (!operation) return 'Missing Action';
    return `Could not find operation ${operation} for version ${query.get('Version') ?? 'unknown'}`;
  }
  if (service.protocol === 'ec2') return `The action ${operation ?? ''} is not valid for this web service.`;
  if (service.protocol === 'json')
    return operation ? `Unknown operation ${operation}` : 'Missing X-Amz-Target header';
  return '';
}

/** The entity an Organizations call names, logged even when the call is throttled or faulted. */
function organizationsSubject(service: string, json: Record<string, unknown>): string | undefined {
  if (service !== 'organizations') return undefined;
  for (const key of ['ParentId', 'ChildId', 'AccountId', 'OrganizationalUnitId']) {
    const value = json[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole AWS side of the sandbox: one request in, one AWS-shaped answer out. */
export async function dispatchAws(core: SandboxCore, req: WireRequest): Promise<WireResponse> {
  const requestId = randomUUID();
  core.persistence?.refresh();
  // The IAM Identity Center portal API is unsigned (a bearer token header), so it is routed by path.
  if (isSsoPortalRequest(req)) return ssoGetRoleCredentials(core, req, requestId);
  const authHeader = req.headers.authorization;
  const auth = authHeader ? parseAuthorization(authHeader) : undefined;
  const serviceName = typeof auth === 'object' ? auth.service : guessService(req);
  const region = typeof auth === 'object' && auth.region ? auth.region : 'us-east-1';
  const service = SERVICES[serviceName] ?? unknownService(serviceName, req);

  let query = EMPTY_QUERY;
  let json: Record<string, unknown> = {};
  let inputError: AwsError | undefined;
  if (!req.bodyTooLarge) {
    if (service.protocol === 'query' || service.protocol === 'ec2') query = parseForm(req.body, req.rawQuery);
    else if (service.protocol === 'json') {
      const parsed = parseJsonBody(req.body);
      if (parsed instanceof AwsError) inputError = parsed;
      else json = parsed;
    }
  }
  const operation = service.operationName(req, { query, json });
  const api = `${service.name}:${operation ?? 'Unknown'}`;
  const subject = organizationsSubject(service.name, json);
  let caller: Caller | undefined;
  let injected: 'fault' | 'quota' | 'drop' | undefined;
  const log: OperationContext['log'] = {};
  let response: WireResponse;
  let mutating = false;
  try {
    if (req.bodyTooLarge) throw kindError('too-large');
    if (!authHeader) throw kindError('missing-auth');
    if (typeof auth === 'string') throw kindError('incomplete-signature', auth);
    if (!auth) throw kindError('missing-auth');
    caller = authenticate(core, req, auth, service.name);

    const fault = core.faults.pick(api);
    if (fault) {
      injected = fault === 'drop' ? 'drop' : 'fault';
      if (fault === 'drop') throw kindError('internal', 'dropped');
      throw kindError(fault === 'throttle' ? 'throttling' : fault);
    }
    if (operation && !core.quotas.take(service.name, operation, caller.accountId, region)) {
      injected = 'quota';
      throw kindError('throttling');
    }
    if (inputError) throw inputError;
    if (!operation) throw kindError('unknown-operation', unknownOperationMessage(service, operation, query));

    const definition = service.operations[operation];
    if (definition && core.persistence && isWorldMutation(service.name, operation)) {
      await core.persistence.beginMutation();
      mutating = true;
    }
    const ctx: OperationContext = {
      core,
      world: core.world,
      caller,
      service: service.name,
      operation,
      region,
      request: req,
      requestId,
      now: core.clock.now(),
      query,
      json,
      log,
    };
    if (!definition?.skipAuthorization) {
      const action =
        definition?.action ?? service.actionFor?.(operation) ?? `${service.actionPrefix}:${operation}`;
      const resource = definition ? definition.resource?.(ctx) : service.fallbackResource?.(ctx);
      authorize(ctx, action, resource, { quoteResource: service.name === 's3' });
    }
    if (!definition) throw kindError('unknown-operation', unknownOperationMessage(service, operation, query));
    response = await definition.handle(ctx);
  } catch (error) {
    if (error instanceof AwsError) response = service.renderError(error, requestId);
    // Another process held the saved sandbox too long: busy, as AWS says when it cannot serve now.
    else if (error instanceof FileLockTimeoutError)
      response = service.renderError(kindError('unavailable'), requestId);
    else {
      // A sandbox bug still answers in the protocol's shape; the stack goes to stderr for whoever runs it.
      console.error('[aws-sandbox] internal error', error);
      response = service.renderError(kindError('internal'), requestId);
    }
  } finally {
    if (mutating) core.persistence?.endMutation();
  }

  const session = caller?.kind === 'session' ? caller.session : undefined;
  core.log.add({
    time: isoMillis(core.clock.now()),
    service: service.name,
    operation: operation ?? 'Unknown',
    region,
    ...(caller
      ? {
          callerArn: caller.kind === 'session' ? (session?.callerArn ?? caller.arn) : caller.arn,
          callerAccountId: caller.kind === 'session' ? caller.accountId : caller.accountId,
          accessKeyId: caller.accessKeyId,
          targetAccountId: log.targetAccountId ?? caller.accountId,
        }
      : typeof auth === 'object'
        ? { accessKeyId: auth.accessKeyId }
        : {}),
    ...(session ? { sessionTaskPolicy: session.taskPolicy } : {}),
    ...(subject === undefined ? {} : { subject }),
    outcome: injected === 'drop' ? 'ConnectionDropped' : response.status < 300 ? 'OK' : errorCode(response),
    httpStatus: injected === 'drop' ? 0 : response.status,
    ...(injected ? { injected } : {}),
  });

  const delay = core.faults.delayMs(api);
  if (delay > 0) await sleep(delay);
  if (injected === 'drop') return { status: 0, headers: {}, body: '', drop: true };
  return response;
}

/** The error code of a rendered error, for the call log (cheap string probes, no parsing). */
function errorCode(response: WireResponse): string {
  const queryError = response.headers['x-amzn-query-error'];
  if (queryError) return queryError.split(';')[0] ?? 'Unknown';
  const errorType = response.headers['x-amzn-errortype'];
  if (errorType) return errorType;
  const body = typeof response.body === 'string' ? response.body : response.body.toString('utf8');
  return (
    /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? /"__type":"(?:[^"#]*#)?([^"]+)"/.exec(body)?.[1] ?? 'Unknown'
  );
}
