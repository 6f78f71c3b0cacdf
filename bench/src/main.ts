import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_QUOTAS, generateScenario } from '@rootwarden/aws-sandbox';
import { lowerBound, type Quota } from './bound.js';
import { type Connection, runSequentialLoop } from './sequential.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const repo = new URL('../..', import.meta.url).pathname;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    accounts: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '30' },
    'jitter-ms': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    /** Share of AWS requests (0..1) the sandbox answers with a random fault: throttle, 5xx or a dropped connection. */
    'fault-rate': { type: 'string', default: '0' },
    concurrency: { type: 'string' },
    /** Audit only this many accounts in the sequential loop and extrapolate (it takes ~7 calls × latency per account). */
    'sequential-limit': { type: 'string' },
    'skip-sequential': { type: 'boolean', default: false },
  },
});
const accounts = Number(values.accounts);
const latencyMs = Number(values['latency-ms']);
const jitterMs = Number(values['jitter-ms']);
const faultRate = Number(values['fault-rate']);
if (
  !Number.isInteger(accounts) ||
  accounts < 2 ||
  !(latencyMs >= 0) ||
  !(jitterMs >= 0) ||
  !(faultRate >= 0 && faultRate < 1)
) {
  console.error(
    'usage: pnpm bench -- --accounts N (≥2) --latency-ms L [--jitter-ms J] [--fault-rate R (0..1)] [--sequential-limit M] [--skip-sequential]',
  );
  process.exit(2);
}

/** Starts the sandbox server in its own process, so its CPU and memory never count as rootwarden's. */
async function startSandboxServer(): Promise<{ child: ChildProcess; connection: Connection; url: string }> {
  const child = spawn(
    process.execPath,
    [
      join(repo, 'packages/aws-sandbox/bin/sandbox.js'),
      '--scenario',
      `generated:${accounts}:${values.seed}`,
      '--port',
      '0',
      '--latency-ms',
      String(latencyMs),
      '--jitter-ms',
      String(jitterMs),
      ...(faultRate > 0 ? ['--fault-rate', String(faultRate), '--seed', String(values.seed)] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('AWS_SECRET_ACCESS_KEY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const env = Object.fromEntries(
    [...output.matchAll(/export (\w+)='([^']*)'/g)].map((match) => [match[1], match[2]]),
  );
  const url = env.AWS_ENDPOINT_URL as string;
  return {
    child,
    url,
    connection: {
      endpoint: url,
      region: env.AWS_REGION as string,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    },
  };
}

interface CallLogEntry {
  operation: string;
  outcome: string;
  injected?: string;
}

async function admin<T>(url: string, path: string, method = 'GET'): Promise<T> {
  const response = await fetch(`${url}/_sandbox${path}`, { method });
  if (!response.ok) throw new Error(`sandbox admin ${method} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** The real CLI in a child process: wall time from spawn to exit, peak RSS from getrusage at exit. */
async function runRootwarden(connection: Connection): Promise<{
  seconds: number;
  peakRssMb: number;
  report: {
    summary: { clean: number; exposed: number; skipped: number; unknown: number };
    accounts: Array<{ accountId: string; status: string; findings: unknown[] }>;
  };
}> {
  const work = mkdtempSync(join(tmpdir(), 'rootwarden-bench-'));
  const rssFile = join(work, 'rss');
  const reportFile = join(work, 'report.json');
  const args = [
    '--require',
    join(repo, 'bench/rss-probe.cjs'),
    join(repo, 'apps/cli/bin/run.js'),
    'audit',
    '--endpoint-url',
    connection.endpoint,
    '--region',
    connection.region,
    '--format',
    'json',
    '--output',
    reportFile,
    '--no-save',
    '--fail-on',
    'never',
    ...(values.concurrency ? ['--concurrency', values.concurrency] : []),
  ];
  const started = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: connection.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: connection.credentials.secretAccessKey,
        AWS_PROFILE: '',
        AWS_SESSION_TOKEN: '',
        ROOTWARDEN_HOME: work,
        ROOTWARDEN_BENCH_RSS_FILE: rssFile,
      },
    });
    child.once('exit', (exitCode) => resolve(exitCode ?? -1));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 && code !== 4) throw new Error(`rootwarden audit exited with ${code}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssMb, report };
}

function quota(api: string): Quota {
  const rule = DEFAULT_QUOTAS[api];
  if (!rule) throw new Error(`no default quota for ${api}`);
  // Both the caller's and the organization's bucket apply; the tighter one binds.
  return {
    rate: Math.min(rule.rate, rule.orgRate ?? rule.rate),
    burst: Math.min(rule.burst, rule.orgBurst ?? rule.burst),
  };
}

function depthOf(units: Array<{ id: string; parentId: string }>): number {
  const parent = new Map(units.map((unit) => [unit.id, unit.parentId]));
  let depth = 0;
  for (const unit of units) {
    let d = 1;
    for (let p = parent.get(unit.id); p && parent.has(p); p = parent.get(p)) d += 1;
    depth = Math.max(depth, d);
  }
  return depth + 1; // the root's own listing
}

const sandbox = await startSandboxServer();
try {
  console.error(
    `sandbox: generated:${accounts}:${values.seed} at ${sandbox.url}, latency ${latencyMs} ms (+${jitterMs} ms jitter), default quotas`,
  );

  const rootwarden = await runRootwarden(sandbox.connection);
  const calls = await admin<CallLogEntry[] | { calls: CallLogEntry[] }>(sandbox.url, '/calls');
  const log = Array.isArray(calls) ? calls : calls.calls;
  const ok = (operation: string) =>
    log.filter((call) => call.operation === operation && call.outcome === 'OK').length;
  const throttled = log.filter((call) => call.injected === 'quota').length;
  const injected = log.filter((call) => call.injected === 'fault' || call.injected === 'drop').length;
  // What the audit concluded per account, independent of timing: equal digests = equal results.
  const verdicts = rootwarden.report.accounts
    .map((account) => JSON.stringify([account.accountId, account.status, account.findings]))
    .sort();
  const resultsDigest = createHash('sha256').update(verdicts.join('\n')).digest('hex').slice(0, 16);

  const scenario = generateScenario({ accounts, seed: Number(values.seed) });
  const bound = lowerBound({
    latency: latencyMs / 1000,
    accountPages: ok('ListAccounts'),
    ouCalls: ok('ListOrganizationalUnitsForParent'),
    ouDepth: depthOf(scenario.organization.organizationalUnits),
    auditedAccounts: ok('AssumeRoot'),
    quotas: {
      listAccounts: quota('organizations:ListAccounts'),
      listOus: quota('organizations:ListOrganizationalUnitsForParent'),
      assumeRoot: quota('sts:AssumeRoot'),
    },
  });

  let sequentialSeconds: number | null = null;
  let estimated = false;
  if (!values['skip-sequential']) {
    await admin(sandbox.url, '/reset', 'POST');
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let the quota buckets refill
    const limit = values['sequential-limit'] ? Number(values['sequential-limit']) : Number.POSITIVE_INFINITY;
    const sequential = await runSequentialLoop(sandbox.connection, limit);
    estimated = sequential.audited < sequential.auditable;
    sequentialSeconds =
      sequential.listSeconds +
      (sequential.auditSeconds / Math.max(1, sequential.audited)) * sequential.auditable;
  }

  const round = (value: number, digits = 2) => Number(value.toFixed(digits));
  const summary = rootwarden.report.summary;
  const rows: Array<[string, string]> = [
    ['accounts (org)', String(accounts)],
    [
      'audited / skipped / unknown',
      `${summary.clean + summary.exposed} / ${summary.skipped} / ${summary.unknown}`,
    ],
    ['latency', `${latencyMs} ms (+${jitterMs} jitter)`],
    ['rootwarden audit (wall, CLI process)', `${round(rootwarden.seconds)} s`],
    ['rootwarden peak RSS', `${round(rootwarden.peakRssMb, 1)} MB`],
    ['throttled answers seen by rootwarden', String(throttled)],
    ['injected faults (rate)', `${injected} (${faultRate})`],
    ['results digest', resultsDigest],
    [
      'lower bound max(list, ou, assume) + 3L',
      `${round(bound.seconds)} s (list ${round(bound.terms.list)} · ou ${round(bound.terms.ou)} · assume ${round(bound.terms.assume)} · tail ${round(bound.terms.tail)})`,
    ],
    [
      'sequential loop (seed flow)',
      sequentialSeconds === null
        ? 'skipped'
        : `${round(sequentialSeconds)} s${estimated ? ' (extrapolated)' : ''}`,
    ],
    ['rootwarden / bound', `${round(rootwarden.seconds / bound.seconds)}x`],
    [
      'sequential / rootwarden',
      sequentialSeconds === null ? '-' : `${round(sequentialSeconds / rootwarden.seconds, 1)}x`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  console.log(
    JSON.stringify({
      accounts,
      latencyMs,
      faultRate,
      injectedFaults: injected,
      unknown: summary.unknown,
      resultsDigest,
      rootwardenSeconds: round(rootwarden.seconds),
      sequentialSeconds: sequentialSeconds === null ? null : round(sequentialSeconds),
      boundSeconds: round(bound.seconds),
      peakRssMb: round(rootwarden.peakRssMb, 1),
      vsBound: round(rootwarden.seconds / bound.seconds),
      vsSequential: sequentialSeconds === null ? null : round(sequentialSeconds / rootwarden.seconds, 1),
      ...(estimated ? { sequentialEstimated: true } : {}),
    }),
  );
} finally {
  sandbox.child.kill('SIGTERM');
}
