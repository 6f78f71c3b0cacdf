import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import {
  createEngine,
  describeStoreUrl,
  type Engine,
  type EngineOptions,
  engineConnectionOptions,
  isCallerMistake,
  isCoreError,
  type JobQueue,
  NotificationConfigSchema,
  normalizeSandboxArgument,
  openPostgresJobQueue,
  parseStoreUrl,
  UsageError,
} from '@rootwarden/core';
import { z } from 'zod';
import { createApp, type RootwardenApi } from './app.js';
import { describe } from './audit-jobs.js';
import {
  formatTokenSpec,
  generateToken,
  hashToken,
  parseTokenSpecs,
  ScopeSchema,
  type TokenConfig,
  TokenConfigSchema,
} from './auth.js';
import { LOOPBACK_HOST_NAMES } from './host-guard.js';
import { createLogger, type Logger } from './logger.js';
import { parseSchedules } from './schedule-config.js';
import { API_VERSION } from './version.js';

export const DEFAULT_PORT = 4580;
export const DEFAULT_HOST = '127.0.0.1';

/** The config file (`--config FILE` or `ROOTWARDEN_API_CONFIG`); flags override it. */
export const ApiConfigSchema = z
  .object({
    tokens: z.array(TokenConfigSchema).default([]),
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    corsOrigins: z.array(z.string().url()).default([]),
    allowedHosts: z.array(z.string().min(1).max(253)).default([]),
    bodyLimitBytes: z.number().int().min(1024).max(16_777_216).optional(),
    rateLimit: z
      .object({ perMinute: z.number().int().min(0).optional(), burst: z.number().int().min(1).optional() })
      .strict()
      .optional(),
    maxConcurrentAudits: z.number().int().min(1).max(64).optional(),
    maxQueuedAudits: z.number().int().min(0).max(10_000).optional(),
    /** Replicas (a PostgreSQL store): how long a job lease lasts before another replica takes the job over. */
    jobLeaseSeconds: z.number().int().min(3).max(600).optional(),
    /** Audit schedules: each { name, cron, timezone?, accounts?, ous?, exclude?, concurrency?, recentDays? }. */
    schedules: z.array(z.unknown()).default([]),
    /** How often the scheduler looks for due runs (default 15). */
    scheduleTickSeconds: z.number().int().min(1).max(3600).optional(),
    /** The guard's notifications after every audit: channels (secrets by env var name), threshold. */
    notifications: NotificationConfigSchema.optional(),
  })
  .strict();
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

const USAGE = `rootwarden-api ${API_VERSION}: the rootwarden HTTP API

Usage:
  rootwarden-api [options]                     serve (needs at least one token)
  rootwarden-api --sandbox [SCENARIO]          serve against the offline AWS sandbox; prints a token
  rootwarden-api token [--scope read|audit|remediate] [--name NAME]
                                               create a token; configure only the printed hash line

Options:
  --host HOST            bind address (default ${DEFAULT_HOST}; anything else exposes the API)
  --port N               port (default ${DEFAULT_PORT}; 0 picks a free one)
  --config FILE          JSON config: tokens, host, port, corsOrigins, bodyLimitBytes, rateLimit, …
  --cors-origin ORIGIN   allow this browser origin (repeatable; default: no CORS)
  --allowed-host NAME    a Host name the API answers to besides localhost/127.0.0.1/[::1] and --host
                         (repeatable; DNS rebinding protection; "*" turns the check off)
  --rate-limit N         requests per minute per token (default 1200; 0 = off)
  --max-audits N         audits running at once (default 2)
  --body-limit BYTES     largest request body (default 65536)
  --cache-seconds N      reuse organization/accounts answers this long (default 30; AWS Organizations quotas)
  --sandbox-latency MS   with --sandbox: delay every AWS answer (to watch progress events)
  --schedule CRON        audit the whole organization on this cron schedule, e.g. "0 6 * * *" (repeatable;
                         more schedules with their own selection and settings: the config file's "schedules")
  --schedule-timezone TZ time zone of the --schedule flags (IANA name; default UTC)
  --home DIR             history and job store directory (default $ROOTWARDEN_HOME or ~/.rootwarden)
  --store URL            keep history and jobs in PostgreSQL (postgres://…; default $ROOTWARDEN_STORE_URL):
                         several replicas on one database share audits, jobs and events
  --job-lease-seconds N  with --store: a replica that stops renewing a job this long loses it to
                         another replica (default 30)
  --profile NAME, --region REGION, --endpoint-url URL   AWS connection, as for the CLI
  --log-level LEVEL      pino level (default info)

Environment:
  ROOTWARDEN_API_TOKENS  comma-separated name:scope:sha256 entries (from \`rootwarden-api token\`)
  ROOTWARDEN_API_CONFIG  config file path
`;

export interface MainIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where JSON logs go (default: stdout). */
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers that shut down gracefully (the binary does). */
  handleSignals?: boolean;
}

export interface RunningServer {
  url: string;
  api: RootwardenApi;
  engine: Engine;
  /** Stops listening, interrupts running audits (recorded as interrupted), closes the engine. */
  close(): Promise<void>;
}

/** Serves an API on host:port (port 0 = ephemeral); resolves once listening. */
export function serveApi(
  api: RootwardenApi,
  options: { host?: string; port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? DEFAULT_HOST;
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: api.app.fetch, hostname: host, port: options.port ?? DEFAULT_PORT },
      (info: AddressInfo) => {
        const shown = info.family === 'IPv6' || host.includes(':') ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${shown}:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Event streams and keep-alive sockets would hold close() open.
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}").`);
  return parsed;
}

function loadConfig(path: string | undefined): ApiConfig {
  if (!path) return ApiConfigSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the config file ${path}: ${(error as Error).message}`);
  }
  const parsed = ApiConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      `Config file ${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * The Host names the API answers to: the loopback names, the bind address unless it is a wildcard, and
 * the operator's. A wildcard bind with no name given cannot be checked (`'any'`, with a warning).
 */
export function resolveAllowedHosts(host: string, extra: readonly string[]): readonly string[] | 'any' {
  if (extra.includes('*')) return 'any';
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  if (wildcard && extra.length === 0) return 'any';
  for (const name of extra)
    if (!/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[A-Za-z0-9.-]{1,253})$/.test(name))
      throw new UsageError(`--allowed-host must be a host name without port or scheme (got "${name}").`);
  return [...LOOPBACK_HOST_NAMES, ...(wildcard ? [] : [host]), ...extra];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The `rootwarden-api` command. Returns an exit code for commands that end at once (help, token, usage
 * errors), or the running server.
 */
export async function main(rawArgv: readonly string[], io: MainIo): Promise<number | RunningServer> {
  // `pnpm api -- …` passes the `--` along.
  const argv = rawArgv[0] === '--' ? rawArgv.slice(1) : rawArgv;
  try {
    if (argv[0] === 'token') return tokenCommand(argv.slice(1), io);
    const { values } = parseArgs({
      args: normalizeSandboxArgument(argv),
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        sandbox: { type: 'string' },
        'sandbox-latency': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        config: { type: 'string' },
        'cors-origin': { type: 'string', multiple: true },
        'allowed-host': { type: 'string', multiple: true },
        'rate-limit': { type: 'string' },
        'max-audits': { type: 'string' },
        'body-limit': { type: 'string' },
        'cache-seconds': { type: 'string' },
        schedule: { type: 'string', multiple: true },
        'schedule-timezone': { type: 'string' },
        home: { type: 'string' },
        store: { type: 'string' },
        'job-lease-seconds': { type: 'string' },
        profile: { type: 'string' },
        region: { type: 'string' },
        'endpoint-url': { type: 'string' },
        'log-level': { type: 'string' },
      },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (values.version) {
      io.stdout(`${API_VERSION}\n`);
      return 0;
    }
    const config = loadConfig(values.config ?? io.env.ROOTWARDEN_API_CONFIG);
    let tokens: TokenConfig[] = [...config.tokens];
    try {
      if (io.env.ROOTWARDEN_API_TOKENS) tokens.push(...parseTokenSpecs(io.env.ROOTWARDEN_API_TOKENS));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const sandbox = values.sandbox;
    // Before the token check: a bad flag combination is the first thing to hear about.
    const connection = engineConnectionOptions(
      {
        profile: values.profile,
        region: values.region,
        endpointUrl: values['endpoint-url'],
        sandbox,
        sandboxLatencyMs: integer('sandbox-latency', values['sandbox-latency'], 0, 10_000),
      },
      () => import('@rootwarden/aws-sandbox'),
    );
    let printedToken: string | undefined;
    if (tokens.length === 0) {
      if (!sandbox)
        throw new UsageError(
          'No API token configured: refusing to serve an API anyone could call.\n' +
            'Create one with `rootwarden-api token --scope read` and put the printed line in ROOTWARDEN_API_TOKENS ' +
            '(or the config file), or try it offline with `rootwarden-api --sandbox`.',
        );
      printedToken = generateToken();
      tokens = [{ name: 'sandbox', scope: 'remediate', sha256: hashToken(printedToken) }];
    }
    const host = values.host ?? config.host ?? DEFAULT_HOST;
    const port = integer('port', values.port, 0, 65535) ?? config.port ?? DEFAULT_PORT;
    const perMinute = integer('rate-limit', values['rate-limit'], 0, 1_000_000);
    const maxAudits = integer('max-audits', values['max-audits'], 1, 64);
    const bodyLimit = integer('body-limit', values['body-limit'], 1024, 16_777_216);
    const cacheSeconds = integer('cache-seconds', values['cache-seconds'], 0, 86_400);
    const corsOrigins = [...config.corsOrigins, ...(values['cors-origin'] ?? [])];
    for (const origin of corsOrigins) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw new UsageError(
          `--cors-origin must be an origin like https://console.example.com (got "${origin}").`,
        );
    }

    const storeUrl = values.store || io.env.ROOTWARDEN_STORE_URL || undefined;
    if (storeUrl !== undefined) {
      try {
        parseStoreUrl(storeUrl, '--store');
      } catch (error) {
        throw new UsageError(`${(error as Error).message} ${(error as { fix?: string }).fix ?? ''}`.trim());
      }
    }
    const jobLeaseSeconds =
      integer('job-lease-seconds', values['job-lease-seconds'], 3, 600) ?? config.jobLeaseSeconds;
    if (jobLeaseSeconds !== undefined && !storeUrl)
      throw new UsageError('--job-lease-seconds applies to replicas: give --store postgres://… too.');
    const schedules = parseSchedules({
      config: config.schedules,
      flags: values.schedule ?? [],
      flagTimezone: values['schedule-timezone'],
      now: new Date(),
    });

    const allowedHosts = resolveAllowedHosts(host, [
      ...config.allowedHosts,
      ...(values['allowed-host'] ?? []),
    ]);

    const logger = io.logger ?? createLogger({ level: values['log-level'] ?? 'info' });
    const engineOptions: EngineOptions = {
      ...connection,
      ...(values.home ? { home: values.home } : {}),
      ...(storeUrl ? { storeUrl } : {}),
      ...(config.notifications ? { notifications: config.notifications, env: io.env } : {}),
    };
    const engine = createEngine(engineOptions);
    let queue: JobQueue | undefined;
    if (storeUrl) {
      try {
        // The store first: it creates and migrates the tables the queue's jobs refer to.
        await engine.jobs();
        queue = await openPostgresJobQueue({
          url: storeUrl,
          onError: (error) => logger.error({ err: describe(error) }, 'job queue error'),
        });
      } catch (error) {
        await engine.close();
        throw error;
      }
    }
    const api = createApp({
      ...(queue ? { queue } : {}),
      ...(jobLeaseSeconds === undefined ? {} : { jobLeaseSeconds }),
      engine,
      tokens,
      logger,
      corsOrigins,
      allowedHosts,
      ...((bodyLimit ?? config.bodyLimitBytes) ? { bodyLimitBytes: bodyLimit ?? config.bodyLimitBytes } : {}),
      rateLimit: { ...config.rateLimit, ...(perMinute === undefined ? {} : { perMinute }) },
      ...((maxAudits ?? config.maxConcurrentAudits)
        ? { maxConcurrentAudits: maxAudits ?? config.maxConcurrentAudits }
        : {}),
      ...(config.maxQueuedAudits === undefined ? {} : { maxQueuedAudits: config.maxQueuedAudits }),
      ...(cacheSeconds === undefined ? {} : { readCacheSeconds: cacheSeconds }),
      schedules,
      ...(config.scheduleTickSeconds === undefined
        ? {}
        : { schedulerTickMs: config.scheduleTickSeconds * 1000 }),
    });
    try {
      if (sandbox) await engine.connection();
      // Jobs a previous process left unfinished are marked interrupted now, not on the first request,
      // and before the scheduler looks at its schedules' last jobs.
      await api.jobs.store();
      await api.scheduler.start();
    } catch (error) {
      await queue?.close();
      await engine.close();
      throw error;
    }
    const server = await serveApi(api, { host, port }).catch(async (error: unknown) => {
      await api.shutdown();
      await engine.close();
      throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`);
    });
    logger.info(
      {
        url: server.url,
        sandbox: sandbox ?? null,
        tokens: tokens.map((t) => `${t.name}:${t.scope}`),
        store: storeUrl ? describeStoreUrl(storeUrl) : 'sqlite',
        ...(queue ? { replica: api.jobs.replicaId } : {}),
      },
      'listening',
    );
    if (!isLoopback(host))
      logger.warn({ host }, 'bound to a non-loopback address: the API is reachable from the network');
    if (allowedHosts === 'any')
      logger.warn(
        { host },
        'the Host header is not checked (DNS rebinding): name the host with --allowed-host unless a proxy checks it',
      );

    let closing: Promise<void> | undefined;
    const running: RunningServer = {
      url: server.url,
      api,
      engine,
      close() {
        closing ??= (async () => {
          await api.shutdown();
          await server.close();
          await engine.close();
          logger.info('stopped');
          logger.flush?.();
        })();
        return closing;
      },
    };
    if (io.handleSignals) {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(1);
        logger.info({ signal }, 'shutting down');
        void running.close().then(() => process.exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    if (printedToken) {
      io.stderr(
        [
          `rootwarden-api ${API_VERSION} serving the offline AWS sandbox (scenario ${sandbox}) at ${server.url}`,
          `A token with scope remediate, valid until this process stops:`,
          ``,
          `  export ROOTWARDEN_TOKEN=${printedToken}`,
          `  curl -s -H "Authorization: Bearer $ROOTWARDEN_TOKEN" ${server.url}/v1/organization`,
          ``,
          `Docs: ${server.url}/docs   OpenAPI: ${server.url}/openapi.json`,
          ``,
        ].join('\n'),
      );
    } else io.stderr(`rootwarden-api ${API_VERSION} listening at ${server.url}\n`);
    return running;
  } catch (error) {
    const callerMistake = isCoreError(error) && isCallerMistake(error.code);
    if (callerMistake || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`Error: ${(error as Error).message}\n`);
      if (isCoreError(error) && error.fix) io.stderr(`Fix: ${error.fix}\n`);
      io.stderr('See rootwarden-api --help.\n');
      return 2;
    }
    const code = (error as { code?: string }).code;
    io.stderr(`Error${code ? ` ${code}` : ''}: ${(error as Error).message}\n`);
    const fix = (error as { fix?: string }).fix;
    if (fix) io.stderr(`Fix: ${fix}\n`);
    return 1;
  }
}

function tokenCommand(argv: readonly string[], io: MainIo): number {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      scope: { type: 'string', default: 'read' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout('rootwarden-api token [--scope read|audit|remediate] [--name NAME]\n');
    return 0;
  }
  const scope = ScopeSchema.safeParse(values.scope);
  if (!scope.success)
    throw new UsageError(`--scope must be read, audit or remediate (got "${values.scope}").`);
  const token = generateToken();
  const config = TokenConfigSchema.safeParse({
    name: values.name ?? `${scope.data}-${new Date().toISOString().slice(0, 10)}`,
    scope: scope.data,
    sha256: hashToken(token),
  });
  if (!config.success) throw new UsageError(`--name ${config.error.issues[0]?.message ?? 'is invalid'}.`);
  io.stdout(
    [
      `Token (give it to the client once; it is not stored anywhere):`,
      `  ${token}`,
      `Server configuration (ROOTWARDEN_API_TOKENS entry, comma-separated with others):`,
      `  ${formatTokenSpec(config.data)}`,
      ``,
    ].join('\n'),
  );
  return 0;
}
