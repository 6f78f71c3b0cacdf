import { type AwsConnectionOptions, AwsRuntime } from './aws/runtime.js';
import { type Inventory, type ListAccountsInput, ListAccountsInputSchema } from './domain/account.js';
import { type AuditInput, AuditInputSchema, type AuditReport } from './domain/audit.js';
import type { EngineEventListener } from './domain/events.js';
import {
  type EnableInput,
  EnableInputSchema,
  type EnableResult,
  type EnableStep,
  type OrgStatus,
} from './domain/org-status.js';
import { parseInput } from './domain/parse-input.js';
import { CoreError } from './errors.js';
import { auditOrganization } from './workflows/audit.js';
import { enableRootAccess, previewEnableRootAccess } from './workflows/enable-root-access.js';
import { listOrganizationAccounts } from './workflows/inventory.js';
import { getOrgStatus } from './workflows/org-status.js';

export const DEFAULT_SANDBOX_SCENARIO = 'blog';

export interface SandboxEngineOptions {
  latencyMs?: number;
  jitterMs?: number;
}

export interface EngineOptions extends AwsConnectionOptions {
  /**
   * Work against the offline AWS sandbox, started in-process on a loopback port: `true` for the
   * default scenario, or a scenario name (`blog`, `clean`, `exposed`, `generated:500`) or JSON file.
   * Its management principal is the caller; no AWS account is needed.
   */
  sandbox?: string | boolean | undefined;
  sandboxOptions?: SandboxEngineOptions;
  /** The engine's clock (tests pin it). */
  now?: () => Date;
  /** Lifetime of root sessions in seconds (AWS allows 0–900; default 900). */
  sessionDurationSeconds?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: EngineEventListener;
}

/** Where the engine sends its calls. */
export interface ConnectionInfo {
  region: string;
  endpoint: string | null;
  stsEndpoint: string;
  /** Set in sandbox mode: the sandbox's URL and scenario. */
  sandbox: { url: string; scenario: string } | null;
}

/** The one façade every adapter (CLI, HTTP API, MCP server) holds. */
export interface Engine {
  connection(): Promise<ConnectionInfo>;
  getOrgStatus(options?: RunOptions): Promise<OrgStatus>;
  previewEnableRootAccess(
    input?: EnableInput,
    options?: RunOptions,
  ): Promise<{ status: OrgStatus; steps: EnableStep[] }>;
  enableRootAccess(input?: EnableInput, options?: RunOptions): Promise<EnableResult>;
  listAccounts(input?: ListAccountsInput, options?: RunOptions): Promise<Inventory>;
  audit(input?: AuditInput, options?: RunOptions): Promise<AuditReport>;
  /** Stops the in-process sandbox (if any) and closes connections. */
  close(): Promise<void>;
}

interface Connected {
  runtime: AwsRuntime;
  sandbox: { url: string; scenario: string; close(): Promise<void> } | null;
}

async function connect(options: EngineOptions): Promise<Connected> {
  if (!options.sandbox) return { runtime: await AwsRuntime.create(options), sandbox: null };
  const scenario = options.sandbox === true ? DEFAULT_SANDBOX_SCENARIO : options.sandbox;
  // Loaded only in sandbox mode: real AWS users never pay for it.
  const { createSandbox } = await import('@rootwarden/aws-sandbox');
  let sandbox: ReturnType<typeof createSandbox>;
  try {
    sandbox = createSandbox({ scenario, ...options.sandboxOptions });
  } catch (error) {
    throw new CoreError('INVALID_INPUT', `Sandbox scenario "${scenario}": ${(error as Error).message}`, {
      fix: 'Use a built-in scenario (blog, clean, exposed, generated:N) or a valid scenario JSON file.',
      details: { field: 'sandbox' },
    });
  }
  const server = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const principal = sandbox.managementPrincipal();
  const runtime = await AwsRuntime.create({
    ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    endpoint: server.url,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
  });
  return { runtime, sandbox: { url: server.url, scenario, close: () => server.close() } };
}

export function createEngine(options: EngineOptions = {}): Engine {
  const now = options.now ?? (() => new Date());
  let connected: Promise<Connected> | undefined;
  const ready = () => {
    connected ??= connect(options);
    return connected;
  };
  const runtime = async () => (await ready()).runtime;

  return {
    async connection() {
      const { runtime: aws, sandbox } = await ready();
      return {
        region: aws.region,
        endpoint: aws.endpoint ?? null,
        stsEndpoint: aws.stsEndpoint,
        sandbox: sandbox ? { url: sandbox.url, scenario: sandbox.scenario } : null,
      };
    },
    async getOrgStatus(run = {}) {
      return getOrgStatus(await runtime(), { signal: run.signal });
    },
    async previewEnableRootAccess(input, run = {}) {
      const { rootSessions } = parseInput(EnableInputSchema, input);
      return previewEnableRootAccess(await runtime(), rootSessions, { signal: run.signal });
    },
    async enableRootAccess(input, run = {}) {
      const { rootSessions } = parseInput(EnableInputSchema, input);
      return enableRootAccess(await runtime(), rootSessions, { signal: run.signal });
    },
    async listAccounts(input, run = {}) {
      const { ous } = parseInput(ListAccountsInputSchema, input);
      return listOrganizationAccounts(
        await runtime(),
        { accounts: [], ous, exclude: [] },
        { signal: run.signal },
      );
    },
    async audit(input, run = {}) {
      const settings = parseInput(AuditInputSchema, input);
      return auditOrganization(await runtime(), settings, {
        now,
        signal: run.signal,
        onEvent: run.onEvent,
        sessionDurationSeconds: options.sessionDurationSeconds,
      });
    },
    async close() {
      if (!connected) return;
      const { runtime: aws, sandbox } = await connected.catch(() => ({ runtime: undefined, sandbox: null }));
      aws?.destroy();
      await sandbox?.close();
    },
  };
}
