import { parseArgs } from 'node:util';
import type { FaultKind } from './faults.js';
import type { QuotaOverrides, QuotaRule } from './quotas.js';
import { createSandbox } from './sandbox.js';
import { ScenarioError } from './scenarios/schema.js';

const USAGE = `Usage: rootwarden-sandbox [options]

Serves the offline AWS sandbox (STS, IAM, Organizations, S3, SQS) on 127.0.0.1 and prints shell
export lines for the scenario's management principal:  eval "$(rootwarden-sandbox ... &)" style.

Options:
  --scenario NAME|FILE    blog (default), clean, exposed, real-world, generated:N[:SEED], or a scenario JSON file
  --port N                port (default 4577; 0 = ephemeral)
  --host HOST             bind address (default 127.0.0.1)
  --region REGION         region to export (default: the scenario's)
  --principal NAME        principal to export (default: the scenario's default principal)
  --latency-ms N          fixed latency added to every answer (default 0)
  --jitter-ms N           extra random latency in [0, N) (default 0)
  --fault-rate R          share of requests (0..1) answered with an injected fault (default 0)
  --fault-kind KIND       random (default), throttle, internal, unavailable, drop
  --quota API=RATE[:BURST]  override a quota, e.g. organizations:ListAccounts=100:200 (repeatable)
  --no-quotas             disable every quota
  --seed N                seed for faults and jitter (default 1)
  -h, --help              this text
`;

class UsageError extends Error {}

function number(
  value: string | undefined,
  flag: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a number between ${min} and ${max} (got "${value}")`);
  return n;
}

function quotaRules(values: string[]): Record<string, QuotaRule> {
  const rules: Record<string, QuotaRule> = {};
  for (const value of values) {
    const m = /^([a-z0-9-]+:[A-Za-z0-9*]+)=(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(value);
    if (!m) throw new UsageError(`--quota must look like service:Operation=RATE[:BURST] (got "${value}")`);
    const rate = Number(m[2]);
    if (rate <= 0) throw new UsageError(`--quota rate must be > 0 (got "${value}")`);
    rules[m[1] as string] = {
      rate,
      burst: m[3] === undefined ? Math.max(1, Math.ceil(rate)) : Math.max(1, Number(m[3])),
    };
  }
  return rules;
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The `rootwarden-sandbox` / `rootwarden sandbox` command: parses its flags, serves the sandbox on
 * loopback, prints export lines, and resolves with the exit code once SIGINT/SIGTERM stop it.
 */
export async function runSandboxServer(argv: string[]): Promise<number> {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        region: { type: 'string' },
        principal: { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        'fault-rate': { type: 'string' },
        'fault-kind': { type: 'string' },
        quota: { type: 'string', multiple: true },
        'no-quotas': { type: 'boolean' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  }
  let sandbox: ReturnType<typeof createSandbox>;
  let port: number;
  let host: string;
  let region: string;
  let principalName: string | undefined;
  try {
    parsed = parse();
    const v = parsed.values;
    if (v.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    port = number(v.port, '--port', 0, 65535) ?? 4577;
    host = v.host ?? '127.0.0.1';
    const faultRate = number(v['fault-rate'], '--fault-rate', 0, 1) ?? 0;
    const faultKind = (v['fault-kind'] ?? 'random') as FaultKind;
    if (!['random', 'throttle', 'internal', 'unavailable', 'drop'].includes(faultKind))
      throw new UsageError(
        `--fault-kind must be random, throttle, internal, unavailable or drop (got "${faultKind}")`,
      );
    const quotas: QuotaOverrides = { enabled: !v['no-quotas'], rules: quotaRules(v.quota ?? []) };
    const seed = number(v.seed, '--seed', 0);
    sandbox = createSandbox({
      scenario: v.scenario ?? 'blog',
      latencyMs: number(v['latency-ms'], '--latency-ms', 0) ?? 0,
      jitterMs: number(v['jitter-ms'], '--jitter-ms', 0) ?? 0,
      faults: faultRate > 0 ? [{ rate: faultRate, kind: faultKind }] : [],
      quotas,
      ...(seed === undefined ? {} : { seed }),
    });
    region = v.region ?? sandbox.admin.scenario().region;
    principalName = v.principal;
  } catch (error) {
    if (error instanceof ScenarioError) {
      process.stderr.write(`rootwarden-sandbox: ${error.message}\n`);
      return 2;
    }
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rootwarden-sandbox: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  let credentials: ReturnType<typeof sandbox.principal>;
  try {
    credentials = principalName ? sandbox.principal(principalName) : sandbox.managementPrincipal();
  } catch (error) {
    process.stderr.write(`rootwarden-sandbox: ${(error as Error).message}\n`);
    return 2;
  }
  let server: Awaited<ReturnType<typeof sandbox.listen>>;
  try {
    server = await sandbox.listen({ port, host });
  } catch (error) {
    process.stderr.write(
      `rootwarden-sandbox: cannot listen on ${host}:${port}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  // Handlers go in before the export lines: a script may signal as soon as it has read them.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const lines = [
    `export AWS_ENDPOINT_URL=${shellQuote(server.url)}`,
    `export AWS_REGION=${shellQuote(region)}`,
    `export AWS_DEFAULT_REGION=${shellQuote(region)}`,
    `export AWS_ACCESS_KEY_ID=${shellQuote(credentials.accessKeyId)}`,
    `export AWS_SECRET_ACCESS_KEY=${shellQuote(credentials.secretAccessKey)}`,
    credentials.sessionToken
      ? `export AWS_SESSION_TOKEN=${shellQuote(credentials.sessionToken)}`
      : 'unset AWS_SESSION_TOKEN',
    'unset AWS_PROFILE',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const summary = sandbox.admin.scenario();
  process.stderr.write(
    `rootwarden-sandbox: scenario ${summary.name} (${summary.accounts} accounts, org ${summary.organizationId}) at ${server.url} as ${credentials.arn}; admin at ${server.url}/_sandbox/; Ctrl-C stops\n`,
  );
  await stopped;
  process.stderr.write('rootwarden-sandbox: stopped\n');
  return 0;
}
