import { createSandbox, openSavedSandbox, type Sandbox } from './sandbox.js';

/** How `connectSandbox` starts the sandbox (the options a front door's `--sandbox` offers). */
export interface SandboxConnectOptions {
  /** `blog` (default), `clean`, `exposed`, `generated:N[:SEED]` or a scenario JSON file. */
  scenario?: string;
  /** Added to every answer (default 0): lets a person watch progress events. */
  latencyMs?: number;
  /** Uniform random extra latency in [0, jitterMs) (default 0). */
  jitterMs?: number;
  /**
   * Keep the organization in this file between processes (created from the scenario on first use):
   * one organization across commands. Without it the sandbox lives in memory and starts afresh.
   */
  stateFile?: string;
}

/**
 * A running sandbox as an AWS SDK client sees one: an endpoint, a region and the management
 * principal's credentials (what `AWS_ENDPOINT_URL` + an access key would give). Closing it stops the
 * server. This is the whole seam between an engine and the emulator: the engine never imports it.
 */
export interface SandboxConnection {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The scenario served (as given, or the default). */
  scenario: string;
  /** The sandbox itself (its admin surface, for tests and the leak checks). */
  sandbox: Sandbox;
  close(): Promise<void>;
}

export const DEFAULT_SCENARIO = 'blog';

/**
 * Starts the sandbox on an ephemeral loopback port. An unusable scenario throws a `ScenarioError`
 * before anything listens.
 */
export async function connectSandbox(options: SandboxConnectOptions = {}): Promise<SandboxConnection> {
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  const sandboxOptions = {
    scenario,
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.jitterMs === undefined ? {} : { jitterMs: options.jitterMs }),
  };
  const sandbox = options.stateFile
    ? await openSavedSandbox({ ...sandboxOptions, stateFile: options.stateFile })
    : createSandbox(sandboxOptions);
  const server = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const principal = sandbox.managementPrincipal();
  return {
    endpoint: server.url,
    // The built-in scenarios model one region; STS AssumeRoot wants a regional endpoint anyway.
    region: 'us-east-1',
    credentials: {
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      ...(principal.sessionToken ? { sessionToken: principal.sessionToken } : {}),
    },
    scenario,
    sandbox,
    close: async () => {
      await server.close();
      await sandbox.save();
    },
  };
}
