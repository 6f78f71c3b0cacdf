import { OpenAPIHono } from '@hono/zod-openapi';
import type { Engine, JobQueue, Schedule } from '@rootwarden/core';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { ZodError } from 'zod';
import { AuditJobs, describe } from './audit-jobs.js';
import { type Caller, createAuthenticator, type Scope, scopeAllows, type TokenConfig } from './auth.js';
import type { ApiEnv, RouteDeps } from './context.js';
import { ApiError, type FieldLocation, renderError } from './errors.js';
import { createHostGuard } from './host-guard.js';
import { IdempotentApply } from './idempotent-apply.js';
import { createLogger, type Logger } from './logger.js';
import { type ApiMetrics, createApiMetrics } from './metrics.js';
import { buildOpenApiDocument, registerSecurityScheme } from './openapi.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createReadCache } from './read-cache.js';
import { registerAuditRoutes } from './routes/audits.js';
import { registerBreakglassRoutes } from './routes/breakglass.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerExceptionRoutes } from './routes/exceptions.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerOrganizationRoutes } from './routes/organization.js';
import { registerPlanRoutes } from './routes/plans.js';
import { registerScheduleRoutes } from './routes/schedules.js';
import { type PeriodicTask, Scheduler } from './scheduler.js';
import { StreamSlots } from './stream-slots.js';
import { API_VERSION } from './version.js';

export interface CreateAppOptions {
  /** The engine every route calls (the same one behind the CLI and the MCP server). */
  engine: Engine;
  /** Accepted bearer tokens, by hash. At least one, unless `allowNoTokens` (tests of the 401 path). */
  tokens: readonly TokenConfig[];
  /** JSON logs (default: pino to stdout). */
  logger?: Logger;
  /** Browser origins allowed to call the API (CORS). Default none: no CORS headers at all. */
  corsOrigins?: readonly string[];
  /**
   * Host names the API answers to (DNS rebinding); `'any'` skips the check. Default: the loopback names
   * (localhost, 127.0.0.1, [::1]).
   */
  allowedHosts?: readonly string[] | 'any';
  /** Largest accepted request body in bytes (default 64 KiB). */
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions;
  /** Audits running at once (default 2) and waiting (default 20). */
  maxConcurrentAudits?: number;
  maxQueuedAudits?: number;
  /** Replicas on one PostgreSQL store: the shared job queue (see AuditJobsOptions.queue). */
  queue?: JobQueue;
  /** This replica's name in job leases. */
  replicaId?: string;
  /** How long a job lease lasts, in seconds (replicas only; default 30). */
  jobLeaseSeconds?: number;
  /**
   * How long an organization status or inventory answer is reused, in seconds (default 30). Concurrent
   * identical requests always share one AWS lookup; 0 keeps nothing beyond that.
   */
  readCacheSeconds?: number;
  /** Event streams open at once: overall (default 256) and per token (default 32); 429 beyond. */
  maxStreams?: number;
  maxStreamsPerToken?: number;
  /** Allows an empty token list (every authenticated route then answers 401). */
  allowNoTokens?: boolean;
  now?: () => Date;
  /** Audit schedules (parsed and validated: see parseSchedules). */
  schedules?: readonly Schedule[];
  /** How often the scheduler looks for due runs, in ms (default 15 s). */
  schedulerTickMs?: number;
  /**
   * Work for every scheduler tick besides schedules. Default: closing break-glass windows whose time is
   * up (`engine.closeExpiredBreakglassWindows(now)`).
   */
  periodicTasks?: readonly PeriodicTask[];
}

export interface RootwardenApi {
  /** The Hono app: `app.request(...)` in tests, `app.fetch` for a server. */
  app: OpenAPIHono<ApiEnv>;
  /** The audit jobs (recover() marks a previous process's unfinished jobs interrupted). */
  jobs: AuditJobs;
  /** The audit schedules: main starts it once the previous process's jobs are recovered. */
  scheduler: Scheduler;
  metrics: ApiMetrics;
  /**
   * Stops the scheduler (after its tick in progress), stops taking work, interrupts running audits
   * (recording them), waits for applies in flight.
   */
  shutdown(): Promise<void>;
}

/** The engine's periodic guard work: break-glass windows whose time is up close (cleanup plan, notification). */
function guardTasks(engine: Engine): PeriodicTask[] {
  return [{ name: 'breakglass', run: (now) => engine.closeExpiredBreakglassWindows(now) }];
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Security headers on every answer (errors included); a route may set a looser CSP for itself (/docs). */
const securityHeaders: MiddlewareHandler<ApiEnv> = async (c, next) => {
  await next();
  const headers = c.res.headers;
  const set = (name: string, value: string) => {
    if (!headers.has(name)) headers.set(name, value);
  };
  set('Content-Security-Policy', API_CSP);
  set('X-Content-Type-Options', 'nosniff');
  set('X-Frame-Options', 'DENY');
  set('Referrer-Policy', 'no-referrer');
  set('Cross-Origin-Opener-Policy', 'same-origin');
  set('Cross-Origin-Resource-Policy', 'same-origin');
  set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  // Answers carry organization data: never cached by a shared proxy or the browser. Forced, not
  // defaulted: Hono's streamSSE and the docs assets would otherwise say `no-cache` (which stores).
  headers.set('Cache-Control', 'no-store');
};

/** A key as a field name: `accounts`, or quoted when it is empty or odd (`"a b"`). */
function keyName(key: PropertyKey): string {
  const text = String(key);
  return /^[A-Za-z_$][\w$-]*$/.test(text) ? text : JSON.stringify(text);
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${keyName(part)}` : keyName(part),
    '',
  );
}

const LOCATIONS: Record<string, FieldLocation> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
};
const HEADER_NAMES: Record<string, string> = { 'idempotency-key': 'Idempotency-Key' };

/** A failed request validation as INVALID_INPUT naming every bad field (unknown fields by their name). */
function invalidInput(target: string, error: ZodError): ApiError {
  const location = LOCATIONS[target] ?? 'body';
  const issues = error.issues.flatMap((issue) => {
    const base = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        field: base ? `${base}.${keyName(key)}` : keyName(key),
        message: `unknown ${location === 'query' ? 'query parameter' : 'field'}; remove it`,
      }));
    const field = location === 'header' ? (HEADER_NAMES[base] ?? base) : base;
    const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
    return [{ field: field || location, message: missing ? 'is required' : issue.message }];
  });
  const first = issues[0];
  return new ApiError('INVALID_INPUT', issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), {
    field: first?.field,
    location,
    issues,
  });
}

/**
 * Builds the HTTP API without listening: routes, OpenAPI document, docs page, auth, limits, logs and the
 * audit job runner. `main` serves it; tests call `app.request()` or serve it on an ephemeral port.
 */
export function createApp(options: CreateAppOptions): RootwardenApi {
  const { engine } = options;
  if (options.tokens.length === 0 && !options.allowNoTokens)
    throw new Error(
      'createApp: no API token configured (a server without tokens would refuse every request).',
    );
  const logger = options.logger ?? createLogger();
  const authenticate = createAuthenticator(options.tokens);
  const limit = createRateLimiter(options.rateLimit);
  let scheduler: Scheduler | undefined;
  const metrics = createApiMetrics({ engine, scheduler: () => scheduler });
  const jobs = new AuditJobs({
    engine,
    logger,
    observer: metrics.observer,
    ...(options.maxConcurrentAudits === undefined
      ? {}
      : { maxConcurrentAudits: options.maxConcurrentAudits }),
    ...(options.maxQueuedAudits === undefined ? {} : { maxQueuedAudits: options.maxQueuedAudits }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.replicaId ? { replicaId: options.replicaId } : {}),
    ...(options.jobLeaseSeconds ? { jobLeaseSeconds: options.jobLeaseSeconds } : {}),
  });
  const applies = new IdempotentApply({ engine, jobs, logger, ...(options.now ? { now: options.now } : {}) });
  scheduler = new Scheduler({
    engine,
    jobs,
    logger,
    schedules: options.schedules ?? [],
    periodicTasks: options.periodicTasks ?? guardTasks(engine),
    ...(options.now ? { now: options.now } : {}),
    ...(options.schedulerTickMs === undefined ? {} : { tickMs: options.schedulerTickMs }),
  });

  const challenge = (error?: string, scope?: Scope) =>
    [`Bearer realm="rootwarden-api"`, error ? `error="${error}"` : '', scope ? `scope="${scope}"` : '']
      .filter(Boolean)
      .join(', ');

  const requireScope = (scope: Scope): MiddlewareHandler<ApiEnv> =>
    async function requireScope(c, next) {
      const header = c.req.header('authorization');
      if (!header)
        throw new ApiError(
          'UNAUTHENTICATED',
          'This route needs a bearer token: send Authorization: Bearer TOKEN.',
          {
            field: 'Authorization',
            location: 'header',
            headers: { 'WWW-Authenticate': challenge() },
          },
        );
      const match = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(header);
      const caller: Caller | undefined = match?.[1] ? authenticate(match[1]) : undefined;
      if (!caller)
        throw new ApiError(
          'UNAUTHENTICATED',
          match ? 'Unknown or revoked token.' : 'The Authorization header must be "Bearer TOKEN".',
          {
            field: 'Authorization',
            location: 'header',
            headers: { 'WWW-Authenticate': challenge(match ? 'invalid_token' : 'invalid_request') },
          },
        );
      c.set('caller', caller);
      const decision = limit(caller.name);
      if (!decision.allowed)
        throw new ApiError('RATE_LIMITED', `Token ${caller.name} sent too many requests: slow down.`, {
          headers: {
            'Retry-After': String(decision.retryAfterSeconds),
            'RateLimit-Limit': String(decision.limit),
          },
        });
      if (decision.limit > 0) {
        c.header('RateLimit-Limit', String(decision.limit));
        c.header('RateLimit-Remaining', String(decision.remaining));
      }
      if (!scopeAllows(caller.scope, scope))
        throw new ApiError(
          'INSUFFICIENT_SCOPE',
          `This route needs scope ${scope}; token ${caller.name} has scope ${caller.scope}.`,
          { headers: { 'WWW-Authenticate': challenge('insufficient_scope', scope) } },
        );
      await next();
    };

  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidInput(result.target, result.error as ZodError);
    },
  });

  app.use('*', requestId({ headerName: 'X-Request-Id', limitLength: 128 }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const entry = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      caller: c.get('caller')?.name,
    };
    if (status >= 500) logger.error(entry, 'request failed');
    else logger.info(entry, 'request');
  });
  app.use('*', securityHeaders);
  app.use('*', createHostGuard({ allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins }));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: [...options.corsOrigins],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'],
        exposeHeaders: ['X-Request-Id', 'Location', 'Retry-After', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  app.use(
    '*',
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError(
          'PAYLOAD_TOO_LARGE',
          `The request body is larger than ${options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes.`,
          { field: 'body', location: 'body' },
        );
      },
    }),
  );

  app.onError((error, c) => {
    const rendered = renderError(error, c.get('requestId') ?? 'unknown');
    if (rendered.unexpected)
      logger.error({ requestId: c.get('requestId'), err: describe(error) }, 'unexpected error');
    for (const [name, value] of Object.entries(rendered.headers)) c.header(name, value);
    return c.json(rendered.body, rendered.status);
  });
  app.notFound((c) => {
    const rendered = renderError(
      new ApiError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`, {
        fix: 'See the routes in GET /openapi.json or the page at /docs.',
      }),
      c.get('requestId') ?? 'unknown',
    );
    return c.json(rendered.body, rendered.status);
  });

  const readCache = createReadCache((options.readCacheSeconds ?? 30) * 1000);
  const streams = new StreamSlots({
    maxStreams: options.maxStreams,
    maxStreamsPerToken: options.maxStreamsPerToken,
  });
  const deps: RouteDeps = {
    engine,
    jobs,
    applies,
    logger,
    readCache,
    streams,
    scheduler,
    metrics,
    requireScope,
    version: API_VERSION,
  };
  registerSecurityScheme(app);
  registerHealthRoutes(app, deps);
  registerOrganizationRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerPlanRoutes(app, deps);
  registerExceptionRoutes(app, deps);
  registerBreakglassRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  registerDocsRoutes(app);

  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= buildOpenApiDocument(app);
    return c.json(document, 200);
  });

  return {
    app,
    jobs,
    scheduler,
    metrics,
    async shutdown() {
      await scheduler.stop();
      await jobs.shutdown();
      await applies.drain();
    },
  };
}
