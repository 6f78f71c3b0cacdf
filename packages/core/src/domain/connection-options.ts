import { z } from 'zod';
import type { StaticCredentials } from '../aws/runtime.js';
import { CoreError, UsageError } from '../errors.js';
import { DEFAULT_SANDBOX_SCENARIO } from '../sandbox-argument.js';
import { sandboxStatePath } from '../store/home.js';

/**
 * Where the engine sends its calls, as every front door takes it (`--profile`, `--region`,
 * `--endpoint-url`, `--sandbox [SCENARIO]`, `--sandbox-latency`): one schema, so the CLI, the HTTP API
 * and the MCP server accept and refuse the same combinations.
 */
export const ConnectionOptionsSchema = z
  .object({
    profile: z.string().trim().min(1, 'must name an AWS profile').optional(),
    region: z.string().trim().min(1, 'must name an AWS region, e.g. us-east-1').optional(),
    endpointUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** A scenario name or file; `true` (a bare `--sandbox`) is the default scenario. */
    sandbox: z.union([z.literal(true), z.string().trim().min(1, 'must name a scenario')]).optional(),
    sandboxLatencyMs: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .superRefine((options, context) => {
    // The sandbox is its own AWS with its own caller: a profile or endpoint would be silently ignored.
    if (options.sandbox !== undefined) {
      if (options.profile !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['profile'],
          message: 'cannot be combined with --sandbox (the sandbox has its own caller)',
        });
      if (options.endpointUrl !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['endpointUrl'],
          message: 'cannot be combined with --sandbox (the sandbox is its own endpoint)',
        });
    } else if (options.sandboxLatencyMs !== undefined)
      context.addIssue({
        code: 'custom',
        path: ['sandboxLatencyMs'],
        message: 'needs --sandbox',
      });
  });
/** The flag of each option: every door spells them alike. */
const CONNECTION_FLAGS: Readonly<Record<keyof ConnectionOptions, string>> = {
  profile: '--profile',
  region: '--region',
  endpointUrl: '--endpoint-url',
  sandbox: '--sandbox',
  sandboxLatencyMs: '--sandbox-latency',
};

export type ConnectionOptionsInput = z.input<typeof ConnectionOptionsSchema>;
export type ConnectionOptions = z.output<typeof ConnectionOptionsSchema>;

/**
 * A running AWS emulator as the engine needs it: an endpoint, a region and a caller. The offline
 * sandbox's `connectSandbox` (`@rootwarden/aws-sandbox`) returns one; core never imports the sandbox.
 */
export interface SandboxEndpoint {
  endpoint: string;
  region: string;
  credentials: StaticCredentials;
  scenario: string;
  close(): Promise<void>;
}

/** Starts the sandbox: `connectSandbox` of `@rootwarden/aws-sandbox` fits. */
export type StartSandbox = (options: {
  scenario: string;
  latencyMs?: number;
  /** Keep the organization in this file across processes (see `sandboxStatePath`). */
  stateFile?: string;
}) => Promise<SandboxEndpoint>;

/** What the engine tells the sandbox starter: its home when it keeps state there (none: in memory only). */
export interface SandboxContext {
  home?: string;
}

/** The connection part of `EngineOptions` (see engine.ts). */
export interface EngineConnectionOptions {
  profile?: string;
  region?: string;
  endpoint?: string;
  connectSandbox?: (context?: SandboxContext) => Promise<SandboxEndpoint>;
}

/**
 * Parses a door's connection flags into engine options (INVALID_INPUT naming the flag otherwise).
 * `loadSandbox` is how the door reaches the sandbox, e.g. `() => import('@rootwarden/aws-sandbox')`:
 * loaded only in sandbox mode, so real AWS users never pay for the emulator.
 */
export function engineConnectionOptions(
  input: ConnectionOptionsInput,
  loadSandbox: () => Promise<{ connectSandbox: StartSandbox }>,
): EngineConnectionOptions {
  const parsed = ConnectionOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    const flagOf = (path: readonly PropertyKey[]) =>
      CONNECTION_FLAGS[path[0] as keyof ConnectionOptions] ?? String(path[0] ?? 'connection options');
    throw new UsageError(
      parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`).join('; '),
      { field: String(first?.path[0] ?? '(input)') },
    );
  }
  const options = parsed.data;
  const base: EngineConnectionOptions = {
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
  };
  if (options.sandbox === undefined) return base;
  const scenario = options.sandbox === true ? DEFAULT_SANDBOX_SCENARIO : options.sandbox;
  const latencyMs = options.sandboxLatencyMs;
  return {
    ...base,
    connectSandbox: async (context: SandboxContext = {}) => {
      const { connectSandbox } = await loadSandbox();
      try {
        return await connectSandbox({
          scenario,
          ...(latencyMs ? { latencyMs } : {}),
          // One organization per scenario and home: what a command changed, the next one sees.
          ...(context.home === undefined ? {} : { stateFile: sandboxStatePath(context.home, scenario) }),
        });
      } catch (error) {
        // The sandbox's documented error for an unusable scenario (by name: it cannot import CoreError).
        if ((error as { name?: unknown }).name !== 'ScenarioError') throw error;
        throw new CoreError('INVALID_INPUT', `Sandbox scenario "${scenario}": ${(error as Error).message}`, {
          fix: 'Use a built-in scenario (blog, clean, exposed, generated:N) or a valid scenario JSON file.',
          details: { field: 'sandbox' },
        });
      }
    },
  };
}
