import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createSandbox, type Sandbox, type SandboxOptions } from '@rootwarden/aws-sandbox';
import { createEngine, type Engine, type EngineOptions, type Plan, PlanSchema } from '@rootwarden/core';
import { type CreateAppOptions, createApp, type RootwardenApi } from '../src/app.js';
import { hashToken, type Scope, type TokenConfig } from '../src/auth.js';
import { createLogger } from '../src/logger.js';
import { serveApi } from '../src/main.js';

/** One plaintext token per scope (tests only). */
export const TOKENS: Record<Scope, string> = {
  read: 'rwt_test-read-token-0123456789abcdef',
  audit: 'rwt_test-audit-token-0123456789abcdef',
  remediate: 'rwt_test-remediate-token-0123456789abcdef',
};
export const WRONG_TOKEN = 'rwt_not-a-configured-token-0123456789';

export const TOKEN_CONFIGS: TokenConfig[] = Object.entries(TOKENS).map(([scope, token]) => ({
  name: `${scope}-client`,
  scope: scope as Scope,
  sha256: hashToken(token),
}));

export function temporaryDirectory(prefix = 'rootwarden-api-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The app's own logger (same redaction), writing JSON lines into `lines` for assertions and leak checks. */
function captureLogger(level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

export interface Fixture {
  sandbox: Sandbox;
  sandboxUrl: string;
  engine: Engine;
  api: RootwardenApi;
  home: string;
  logs: string[];
  /** `app.request` with a bearer token of the given scope (or a raw token string, or none). */
  request(path: string, init?: RequestInit & { as?: Scope | null; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  sandbox?: SandboxOptions;
  /** A sandbox another fixture used: a restarted API (new engine and app, same home) sees the same AWS. */
  reuseSandbox?: Sandbox;
  app?: Partial<CreateAppOptions>;
  engine?: Partial<EngineOptions>;
  /** Change the engine the app holds (wrap a method to count calls or throw a given error). */
  wrapEngine?: (engine: Engine) => Engine;
  home?: string;
}

/**
 * A sandbox served on a loopback port, an engine pointed at it like a user would (its own SQLite store
 * in a temp home), and the app built on it. Nothing listens for the app: use `request` or `serve`.
 */
export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const sandbox = options.reuseSandbox ?? createSandbox(options.sandbox ?? {});
  const server = await sandbox.listen({ port: 0 });
  const principal = sandbox.managementPrincipal();
  const home = options.home ?? temporaryDirectory();
  const realEngine = createEngine({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
    home,
    ...options.engine,
  });
  const engine = options.wrapEngine ? options.wrapEngine(realEngine) : realEngine;
  const { lines, logger } = captureLogger();
  const api = createApp({ engine, tokens: TOKEN_CONFIGS, logger, ...options.app });
  return {
    sandbox,
    sandboxUrl: server.url,
    engine,
    api,
    home,
    logs: lines,
    request(path, init = {}) {
      const { as = 'remediate', token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = token ?? (as ? TOKENS[as] : undefined);
      if (bearer !== undefined && !headers.has('authorization'))
        headers.set('authorization', `Bearer ${bearer}`);
      return Promise.resolve(api.app.request(path, { ...rest, headers }));
    },
    async close() {
      await api.shutdown();
      await realEngine.close();
      await server.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Serves a fixture's app on an ephemeral loopback port, for a real HTTP client. */
export async function serveFixture(fixture: Fixture): Promise<{ url: string; close(): Promise<void> }> {
  return serveApi(fixture.api, { host: '127.0.0.1', port: 0 });
}

export const TRANSPORTS = ['app.request', 'http'] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type Client = Fixture['request'];

/**
 * The same `request` function over a transport: `app.request` (no server) or a real HTTP server on an
 * ephemeral loopback port with Node's fetch as the client. `close` stops the server.
 */
export async function clientFor(
  fixture: Fixture,
  transport: Transport,
): Promise<{ request: Client; close(): Promise<void> }> {
  if (transport === 'app.request') return { request: fixture.request, close: async () => undefined };
  const server = await serveFixture(fixture);
  return {
    request(path, init = {}) {
      const { as = 'remediate', token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = token ?? (as ? TOKENS[as] : undefined);
      if (bearer !== undefined && !headers.has('authorization'))
        headers.set('authorization', `Bearer ${bearer}`);
      return fetch(`${server.url}${path}`, { ...rest, headers });
    },
    close: () => server.close(),
  };
}

/** Polls an audit until it leaves queued/running. */
export async function waitForAudit(
  get: (path: string) => Promise<Response>,
  id: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await get(`/v1/audits/${id}`);
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200)
      throw new Error(`GET /v1/audits/${id}: ${response.status} ${JSON.stringify(body)}`);
    if (!['queued', 'running'].includes(body.status as string)) return body;
    if (Date.now() > deadline) throw new Error(`audit ${id} still ${body.status as string}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Parses a text/event-stream body into events. */
export function parseSse(text: string): { id?: string; event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block && !block.startsWith(':'))
    .map((block) => {
      const event: { id?: string; event?: string; data: unknown } = { data: undefined };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
      }
      event.data = JSON.parse(data.join('\n'));
      return event;
    });
}

/** Every secret the sandbox issued (session keys and tokens, static secrets), for leak checks. */
export function issuedSecrets(sandbox: Sandbox): string[] {
  return sandbox.admin.secrets().map((secret) => secret.value);
}

/** How many times the app called each plan method of the engine. */
export interface PlanCalls {
  createPlan: number;
  getPlan: number;
  applyPlan: number;
}

export const noPlanCalls = (): PlanCalls => ({ createPlan: 0, getPlan: 0, applyPlan: 0 });

/**
 * The engine with a counter on its plan methods. Every call goes through to the real engine (no canned
 * answer), so a test can say how often the API reached it: one Idempotency-Key, one apply.
 */
export function countPlanCalls(engine: Engine, calls: PlanCalls): Engine {
  return {
    ...engine,
    createPlan(input, options) {
      calls.createPlan += 1;
      return engine.createPlan(input, options);
    },
    getPlan(planId) {
      calls.getPlan += 1;
      return engine.getPlan(planId);
    },
    applyPlan(planId, options) {
      calls.applyPlan += 1;
      return engine.applyPlan(planId, options);
    },
  };
}

const MUTATING_OPERATION = /^(Create|Delete|Deactivate|Put|Set|Update|Enable|Disable|Upload|Register)/;

/**
 * The AWS calls that changed something (answered OK), oldest first, as `Operation@account`: what applies
 * really did, from the sandbox's call log (an apply makes one per action it runs).
 */
export function mutations(sandbox: Sandbox): string[] {
  return sandbox.admin
    .calls()
    .filter((call) => call.outcome === 'OK' && MUTATING_OPERATION.test(call.operation))
    .map((call) => `${call.operation}@${call.targetAccountId ?? '?'}`);
}

/** What deleting all root credentials of blog's exposed account 111111111111 does, in the order apply runs it. */
export const BLOG_DELETES = [
  'DeleteAccessKey@111111111111',
  'DeleteSigningCertificate@111111111111',
  'DeleteLoginProfile@111111111111',
  'DeactivateMFADevice@111111111111',
];

/** A real plan through `POST /v1/plans` (with an `audit` token); throws unless the answer is 201. */
export async function createPlanThrough(request: Client, body: unknown): Promise<Plan> {
  const response = await request('/v1/plans', {
    method: 'POST',
    as: 'audit',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /v1/plans: ${response.status} ${text}`);
  return PlanSchema.parse(JSON.parse(text));
}
