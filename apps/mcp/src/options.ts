import { parseArgs } from 'node:util';
import {
  type EngineOptions,
  engineConnectionOptions,
  isCoreError,
  normalizeSandboxArgument,
  parseStoreUrl,
  SANDBOX_SCENARIOS,
  UsageError,
} from '@rootwarden/core';

const DEFAULT_HTTP_PORT = 4578;

export const USAGE = `Usage: rootwarden-mcp [options]

MCP server for AI assistants: audit the root credentials of every member account of an AWS
Organization, and prepare remediation a person approves. Read-only unless --allow-mutations.

Transport (default: stdio; logs go to stderr only):
  --http                 Streamable HTTP on 127.0.0.1 instead (endpoint /mcp). Every request needs
                         Authorization: Bearer <token>: the token is ROOTWARDEN_MCP_TOKEN, or a random
                         one printed on stderr at start.
  --port N               HTTP port (default ${DEFAULT_HTTP_PORT}; 0 = any free port).

Tools:
  --allow-mutations      Also offer apply-plan (applies a reviewed plan after a person's consent).

AWS:
  --profile NAME         AWS profile (shared config/credentials files, SSO included).
  --region REGION        AWS region for STS (AssumeRoot needs a regional endpoint).
  --endpoint-url URL     Send every AWS call to this endpoint (e.g. a running rootwarden sandbox).
  --sandbox [SCENARIO]   The built-in offline AWS sandbox, no AWS account needed: ${SANDBOX_SCENARIOS.join(', ')},
                         generated:N or a scenario .json file (default blog).

History:
  --store URL            Keep audits and plans in this PostgreSQL database (postgres://…; default
                         $ROOTWARDEN_STORE_URL), shared with the CLI and rootwarden-api replicas.
                         Without it: $ROOTWARDEN_HOME/rootwarden.db (default ~/.rootwarden).

  --help, --version`;

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'serve';
      transport: 'stdio' | 'http';
      port: number;
      allowMutations: boolean;
      /** The sandbox scenario, when serving the offline sandbox. */
      sandbox: string | undefined;
      engine: EngineOptions;
    };

/** Parses `rootwarden-mcp` arguments; a mistake is a UsageError naming the flag. */
export function parseCommand(argv: readonly string[]): ParsedCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      // `pnpm mcp -- --sandbox` passes the `--` through.
      args: normalizeSandboxArgument(argv[0] === '--' ? argv.slice(1) : argv),
      strict: true,
      allowPositionals: false,
      options: {
        http: { type: 'boolean' },
        port: { type: 'string' },
        'allow-mutations': { type: 'boolean' },
        profile: { type: 'string' },
        region: { type: 'string' },
        'endpoint-url': { type: 'string' },
        sandbox: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (values.port !== undefined && !values.http) throw new UsageError('--port needs --http.');
  let port = DEFAULT_HTTP_PORT;
  if (typeof values.port === 'string') {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new UsageError(`--port must be a port number (0–65535), not "${values.port}".`);
  }
  const engine: EngineOptions = {
    ...engineConnectionOptions(
      {
        profile: values.profile as string | undefined,
        region: values.region as string | undefined,
        endpointUrl: values['endpoint-url'] as string | undefined,
        sandbox: values.sandbox as string | undefined,
      },
      () => import('@rootwarden/aws-sandbox'),
    ),
    ...(typeof values.store === 'string' ? { storeUrl: checkStoreUrl(values.store) } : {}),
  };
  return {
    kind: 'serve',
    transport: values.http ? 'http' : 'stdio',
    port,
    allowMutations: values['allow-mutations'] === true,
    sandbox: values.sandbox as string | undefined,
    engine,
  };
}

/** `--store` must be a PostgreSQL URL: a usage error otherwise (the message never repeats a password). */
function checkStoreUrl(value: string): string {
  try {
    return parseStoreUrl(value, '--store');
  } catch (error) {
    if (isCoreError(error)) throw new UsageError(`${error.message} ${error.fix ?? ''}`.trim());
    throw error;
  }
}
