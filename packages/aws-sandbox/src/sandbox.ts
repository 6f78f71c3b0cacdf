import { createAdmin, type SandboxAdmin } from './admin.js';
import { ADMIN_PREFIX, createAdminRouter } from './admin-http.js';
import { createHttpServer, type ListeningServer, listen } from './app.js';
import { dispatchAws } from './dispatch.js';
import type { FaultRule } from './faults.js';
import type { WireRequest, WireResponse } from './protocol/wire.js';
import type { QuotaOverrides } from './quotas.js';
import { createRequestHandler, type SandboxRequestHandler } from './request-handler.js';
import { SandboxCore } from './sandbox-core.js';
import { resolveScenario } from './scenarios/load.js';
import type { Scenario, ScenarioInput } from './scenarios/schema.js';
import { WorldFile } from './state/world-file.js';

export interface SandboxOptions {
  /** `blog` (default), `clean`, `exposed`, `real-world`, `generated:N[:SEED]`, a JSON file path, JSON text, or a scenario object. */
  scenario?: string | ScenarioInput | Scenario;
  /** Added to every answer (default 0). */
  latencyMs?: number;
  /** Uniform random extra latency in [0, jitterMs) (default 0). */
  jitterMs?: number;
  faults?: FaultRule[];
  quotas?: QuotaOverrides;
  /** Seeds fault injection and jitter (default 1). */
  seed?: number;
}

export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Only for `role` principals (static ASIA credentials). */
  sessionToken?: string;
  accountId: string;
  arn: string;
}

export interface Sandbox {
  /** An AWS SDK v3 HttpHandler answering in-process: `new IAMClient({ requestHandler: sandbox.requestHandler, ... })`. */
  readonly requestHandler: SandboxRequestHandler;
  /** Serves over HTTP (default 127.0.0.1, port 0 = ephemeral). */
  listen(options?: { port?: number; host?: string }): Promise<ListeningServer>;
  readonly admin: SandboxAdmin;
  /** The scenario's default principal (an IAM user of the management account in the built-ins). */
  managementPrincipal(): SandboxCredentials;
  /** A principal by scenario name, e.g. `delegated-admin`, `no-rights`, `management-root`. */
  principal(name: string): SandboxCredentials;
  /**
   * An IAM Identity Center access token for `userName`, valid 8 hours on the sandbox clock: what
   * `aws sso login` caches in ~/.aws/sso/cache, so SSO profiles (`sso_session`, `sso_account_id`,
   * `sso_role_name` naming a scenario role) work against the sandbox.
   */
  issueSsoAccessToken(userName: string): { accessToken: string; expiresAt: string };
  /** Serves one request (both transports funnel here). */
  handle(request: WireRequest): Promise<WireResponse>;
  /** A saved sandbox (`openSavedSandbox`) writes what changed and lets go of its file; otherwise nothing. */
  save(): Promise<void>;
}

/** IAM Identity Center's default session duration for the access portal is 8 hours. */
const SSO_TOKEN_MS = 8 * 3600 * 1000;

function createCore(options: SandboxOptions): SandboxCore {
  return new SandboxCore(resolveScenario(options.scenario), {
    latency: { fixedMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0 },
    faults: options.faults ?? [],
    quotas: options.quotas ?? {},
    seed: options.seed ?? 1,
  });
}

/**
 * A sandbox whose organization is kept in `stateFile` between processes: what one command changes, the
 * next one sees, and dates are fixed when the file is created. Concurrent sandboxes on the same file
 * (two commands, a server and a command) share it safely. A scenario that changed since starts afresh.
 */
export async function openSavedSandbox(options: SandboxOptions & { stateFile: string }): Promise<Sandbox> {
  const core = createCore(options);
  const file = await WorldFile.open(options.stateFile, core.scenario, core);
  core.persistence = file;
  return assembleSandbox(core, () => file.close());
}

/** Creates an offline model of the AWS APIs behind centralized root access management. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return assembleSandbox(createCore(options), () => Promise.resolve());
}

function assembleSandbox(core: SandboxCore, save: () => Promise<void>): Sandbox {
  const admin = createAdmin(core);
  const adminRouter = createAdminRouter(admin);
  const handle = (request: WireRequest): Promise<WireResponse> =>
    request.path === ADMIN_PREFIX || request.path.startsWith(`${ADMIN_PREFIX}/`)
      ? Promise.resolve(adminRouter(request))
      : dispatchAws(core, request);
  const credentials = (name?: string): SandboxCredentials => {
    const principal =
      name === undefined ? core.credentials.defaultPrincipal() : core.credentials.principalsByName.get(name);
    if (!principal)
      throw new Error(
        `no principal named ${name} (have: ${core.credentials.principals.map((p) => p.name).join(', ')})`,
      );
    return {
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      ...(principal.sessionToken ? { sessionToken: principal.sessionToken } : {}),
      accountId: principal.accountId,
      arn: principal.arn,
    };
  };
  return {
    requestHandler: createRequestHandler(handle),
    listen: (listenOptions = {}) =>
      listen(createHttpServer(handle), listenOptions.port ?? 0, listenOptions.host ?? '127.0.0.1'),
    admin,
    managementPrincipal: () => credentials(),
    principal: (name) => credentials(name),
    issueSsoAccessToken: (userName) => {
      const expiration = core.clock.now() + SSO_TOKEN_MS;
      return {
        accessToken: core.credentials.issueSsoToken(userName, expiration),
        expiresAt: new Date(expiration).toISOString(),
      };
    },
    handle,
    save,
  };
}
