import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_QUOTAS, generateScenario } from '@rootwarden/aws-sandbox';
import { accountSelectionBound, lowerBound, type Quota, subtreeScheduleBound } from './bound.js';
import { SCP_LAYOUTS, type ScpLayout, scenarioWithScps } from './scp-layouts.js';
import { chooseAccounts, chooseOu, subtreeUnits } from './select.js';
import { type Connection, runSequentialLoop } from './sequential.js';

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
    /** What to audit: the whole organization (`org`), `account:N` (N accounts by id) or `ou` (one OU subtree). */
    select: { type: 'string', default: 'org' },
    /** The report format rootwarden writes (to a file): json, jsonl, table, csv, markdown, sarif. */
    format: { type: 'string', default: 'json' },
    /**
     * Measure `rootwarden policies check` instead of an audit, on a random-policies organization
     * extended to this many SCPs (the cost must grow with the policies, not the accounts).
     */
    scps: { type: 'string' },
    /** How --scps attaches its policies: guardrails (root, OUs, a fixed few accounts) or random (dense). */
    'scp-layout': { type: 'string', default: 'guardrails' },
  },
});
const FORMATS = ['json', 'jsonl', 'table', 'csv', 'markdown', 'sarif'];
const selectMatch = /^(org|ou|account:(\d+))$/.exec(values.select);
const accounts = Number(values.accounts);
const latencyMs = Number(values['latency-ms']);
const jitterMs = Number(values['jitter-ms']);
const faultRate = Number(values['fault-rate']);
const scps = values.scps === undefined ? undefined : Number(values.scps);
if (
  (scps !== undefined && !(Number.isInteger(scps) && scps >= 1)) ||
  !Number.isInteger(accounts) ||
  accounts < 2 ||
  !(latencyMs >= 0) ||
  !(jitterMs >= 0) ||
  !(faultRate >= 0 && faultRate < 1) ||
  !selectMatch ||
  !(SCP_LAYOUTS as readonly string[]).includes(values['scp-layout']) ||
  !FORMATS.includes(values.format)
) {
  console.error(
    `usage: pnpm bench -- --accounts N (≥2) --latency-ms L [--jitter-ms J] [--fault-rate R (0..1)] [--select org|ou|account:N] [--format ${FORMATS.join('|')}] [--scps N [--scp-layout ${SCP_LAYOUTS.join('|')}]] [--sequential-limit M] [--skip-sequential]`,
  );
  process.exit(2);
}
const mode =
  scps !== undefined
    ? 'policies'
    : values.select === 'org'
      ? 'org'
      : values.select === 'ou'
        ? 'ou'
        : 'account';

/** The `--scps` organization (see scp-layouts.ts) as a scenario file for the sandbox. */
function writeScenarioWithScps(count: number, dir: string): string {
  const scenario = scenarioWithScps({
    accounts,
    seed: Number(values.seed),
    count,
    layout: values['scp-layout'] as ScpLayout,
  });
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}
const scenarioDir = mkdtempSync(join(tmpdir(), 'rootwarden-bench-scenario-'));
const scenarioArgument =
  scps === undefined ? `generated:${accounts}:${values.seed}` : writeScenarioWithScps(scps, scenarioDir);

/** Starts the sandbox server in its own process, so its CPU and memory never count as rootwarden's. */
async function startSandboxServer(): Promise<{ child: ChildProcess; connection: Connection; url: string }> {
  const child = spawn(
    process.execPath,
    [
      join(repo, 'packages/aws-sandbox/bin/sandbox.js'),
      '--scenario',
      scenarioArgument,
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

interface Summary {
  clean: number;
  exposed: number;
  skipped: number;
  unknown: number;
}

interface Verdict {
  accountId: string;
  status: string;
  findings: unknown[];
}

/** The summary and per-account verdicts a json or jsonl report carries (other formats: none). */
function summaryOf(text: string, format: string): { summary: Summary; accounts: Verdict[] } | null {
  if (format === 'json') return JSON.parse(text);
  if (format !== 'jsonl') return null;
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { summary: lines.at(-1)?.summary, accounts: lines.filter((line) => line.type === 'account') };
}

/**
 * The real CLI in a child process: wall time from spawn to exit, peak RSS from getrusage at exit.
 * `selection` are the CLI's selection flags; the report goes to a file in `format`.
 */
async function runRootwarden(
  connection: Connection,
  selection: string[],
  format: string,
  expectedCodes: number[] = [0, 4],
): Promise<{
  seconds: number;
  peakRssMb: number;
  cpuSeconds: number;
  report: { summary: Summary; accounts: Verdict[] } | null;
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
    ...selection,
    '--format',
    format,
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
  if (!expectedCodes.includes(code)) throw new Error(`rootwarden audit exited with ${code}`);
  const report = existsSync(reportFile) ? summaryOf(readFileSync(reportFile, 'utf8'), format) : null;
  const [maxRssKb, cpuSeconds] = readFileSync(rssFile, 'utf8').split(' ').map(Number) as [number, number];
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssMb: maxRssKb / 1024, cpuSeconds, report };
}

/** `rootwarden policies check` (the whole organization, JSON to a file): wall time and peak RSS. */
async function runPoliciesCheck(connection: Connection): Promise<{ seconds: number; peakRssMb: number }> {
  const work = mkdtempSync(join(tmpdir(), 'rootwarden-bench-'));
  const rssFile = join(work, 'rss');
  const output = createWriteStream(join(work, 'check.json'));
  await new Promise((resolve) => output.once('open', resolve));
  const started = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(repo, 'bench/rss-probe.cjs'),
        join(repo, 'apps/cli/bin/run.js'),
        'policies',
        'check',
        '--endpoint-url',
        connection.endpoint,
        '--region',
        connection.region,
        '--format',
        'json',
      ],
      {
        stdio: ['ignore', output, 'inherit'],
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: connection.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: connection.credentials.secretAccessKey,
          AWS_PROFILE: '',
          AWS_SESSION_TOKEN: '',
          ROOTWARDEN_HOME: work,
          ROOTWARDEN_BENCH_RSS_FILE: rssFile,
        },
      },
    );
    child.once('exit', (exitCode) => resolve(exitCode ?? -1));
  });
  const seconds = (performance.now() - started) / 1000;
  output.close();
  if (code !== 0) throw new Error(`rootwarden policies check exited with ${code}`);
  const peakRssMb = Number(readFileSync(rssFile, 'utf8').split(' ')[0]) / 1024;
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssMb };
}

/** The machine's load average: wall times on a shared machine mean little without it. */
function loadAverage(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
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
  if (mode === 'policies') {
    await admin(sandbox.url, '/calls', 'DELETE');
    const check = await runPoliciesCheck(sandbox.connection);
    const calls = await admin<CallLogEntry[] | { calls: CallLogEntry[] }>(sandbox.url, '/calls');
    const log = Array.isArray(calls) ? calls : calls.calls;
    const count = (operations: string[]) => {
      const counts = operations
        .map((operation) => [operation, log.filter((call) => call.operation === operation).length] as const)
        .filter(([, n]) => n > 0);
      return {
        total: counts.reduce((sum, [, n]) => sum + n, 0),
        text: counts.map(([o, n]) => `${o} ${n}`).join(' · '),
      };
    };
    // The analysis proper (policies and their targets) and the organization listing it maps onto accounts.
    const analysis = count([
      'ListRoots',
      'ListPolicies',
      'DescribePolicy',
      'ListTargetsForPolicy',
      'ListPoliciesForTarget',
    ]);
    const listing = count([
      'ListAccounts',
      'ListOrganizationalUnitsForParent',
      'ListAccountsForParent',
      'ListParents',
      'DescribeAccount',
      'DescribeOrganizationalUnit',
    ]);
    const round = (value: number, digits = 2) => Number(value.toFixed(digits));
    const rows: Array<[string, string]> = [
      ['accounts (org)', String(accounts)],
      ['SCPs', `${scps} (${values['scp-layout']} layout)`],
      ['policies check (wall, CLI process)', `${round(check.seconds)} s`],
      ['peak RSS', `${round(check.peakRssMb, 1)} MB`],
      ['policy calls', `${analysis.total} (${analysis.text})`],
      ['organization listing calls', `${listing.total} (${listing.text})`],
      ['all AWS calls', String(log.length)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    console.log(
      JSON.stringify({
        accounts,
        latencyMs,
        scps,
        scpLayout: values['scp-layout'],
        policiesCheckSeconds: round(check.seconds),
        peakRssMb: round(check.peakRssMb, 1),
        policyCalls: analysis.total,
        listingCalls: listing.total,
        allCalls: log.length,
      }),
    );
    process.exitCode = 0;
  } else {
    console.error(
      `sandbox: generated:${accounts}:${values.seed} at ${sandbox.url}, latency ${latencyMs} ms (+${jitterMs} ms jitter), default quotas; select ${values.select}, format ${values.format}`,
    );
    const scenario = generateScenario({ accounts, seed: Number(values.seed) });
    const L = latencyMs / 1000;

    // The CLI's own start-up and exit, with no AWS call: a selection refused as invalid input (exit 2).
    // Part of the bound of the selection modes, whose AWS work is a few round trips.
    const startups: number[] = [];
    if (mode !== 'org') {
      for (let run = 0; run < 3; run += 1)
        startups.push(
          (await runRootwarden(sandbox.connection, ['--account', '0'], values.format, [2])).seconds,
        );
    }
    const startup = startups.sort((a, b) => a - b)[1] ?? 0;

    let selection: string[] = [];
    let selectionLabel = 'the whole organization';
    if (mode === 'account') {
      const chosen = chooseAccounts(scenario, Number(selectMatch?.[2]));
      selection = chosen.flatMap((id) => ['--account', id]);
      selectionLabel = `${chosen.length} account(s) by id`;
    } else if (mode === 'ou') {
      const ou = chooseOu(scenario);
      selection = ['--ou', ou.id];
      selectionLabel = `OU ${ou.id} (${ou.accounts} accounts in ${ou.units} OUs, depth ${ou.depth})`;
    }
    await admin(sandbox.url, '/calls', 'DELETE');
    const rootwarden = await runRootwarden(sandbox.connection, selection, values.format);
    const calls = await admin<CallLogEntry[] | { calls: CallLogEntry[] }>(sandbox.url, '/calls');
    const log = Array.isArray(calls) ? calls : calls.calls;
    const ok = (operation: string) =>
      log.filter((call) => call.operation === operation && call.outcome === 'OK').length;
    const throttled = log.filter((call) => call.injected === 'quota').length;
    const injected = log.filter((call) => call.injected === 'fault' || call.injected === 'drop').length;
    // What the audit concluded per account, independent of timing: equal digests = equal results.
    const verdicts = (rootwarden.report?.accounts ?? [])
      .map((account) => JSON.stringify([account.accountId, account.status, account.findings]))
      .sort();
    const resultsDigest = rootwarden.report
      ? createHash('sha256').update(verdicts.join('\n')).digest('hex').slice(0, 16)
      : null;
    const callCounts = [
      'ListAccounts',
      'DescribeAccount',
      'ListParents',
      'DescribeOrganizationalUnit',
      'ListOrganizationalUnitsForParent',
      'ListAccountsForParent',
      'AssumeRoot',
    ]
      .map((operation) => [operation, log.filter((call) => call.operation === operation).length] as const)
      .filter(([, count]) => count > 0)
      .map(([operation, count]) => `${operation} ${count}`)
      .join(' · ');

    const quotas = {
      listAccounts: quota('organizations:ListAccounts'),
      listOus: quota('organizations:ListOrganizationalUnitsForParent'),
      assumeRoot: quota('sts:AssumeRoot'),
    };
    const bound =
      mode === 'org'
        ? lowerBound({
            latency: L,
            accountPages: ok('ListAccounts'),
            ouCalls: ok('ListOrganizationalUnitsForParent'),
            ouDepth: depthOf(scenario.organization.organizationalUnits),
            auditedAccounts: ok('AssumeRoot'),
            quotas,
          })
        : mode === 'account'
          ? accountSelectionBound({
              latency: L,
              startup,
              described: ok('DescribeAccount'),
              namedOus: ok('DescribeOrganizationalUnit'),
              auditedAccounts: ok('AssumeRoot'),
              quotas: {
                describeAccount: quota('organizations:DescribeAccount'),
                describeOu: quota('organizations:*'),
                assumeRoot: quotas.assumeRoot,
              },
            })
          : subtreeScheduleBound({
              latency: L,
              startup,
              rootId: chooseOu(scenario).id,
              units: subtreeUnits(scenario, chooseOu(scenario).id),
              pageSize: 20,
              emptyPageEvery: scenario.organization.emptyPageEvery ?? 0,
              quotas: {
                describeOu: quota('organizations:*'),
                listOus: quotas.listOus,
                listAccountsForParent: quota('organizations:ListAccountsForParent'),
                assumeRoot: quotas.assumeRoot,
              },
            });

    let sequentialSeconds: number | null = null;
    let estimated = false;
    if (mode === 'org' && !values['skip-sequential']) {
      await admin(sandbox.url, '/reset', 'POST');
      await new Promise((resolve) => setTimeout(resolve, 2000)); // let the quota buckets refill
      const limit = values['sequential-limit']
        ? Number(values['sequential-limit'])
        : Number.POSITIVE_INFINITY;
      const sequential = await runSequentialLoop(sandbox.connection, limit);
      estimated = sequential.audited < sequential.auditable;
      sequentialSeconds =
        sequential.listSeconds +
        (sequential.auditSeconds / Math.max(1, sequential.audited)) * sequential.auditable;
    }

    const round = (value: number, digits = 2) => Number(value.toFixed(digits));
    const summary = rootwarden.report?.summary;
    const terms = Object.entries(bound.terms)
      .map(([name, seconds]) => `${name} ${round(seconds)}`)
      .join(' · ');
    const rows: Array<[string, string]> = [
      ['accounts (org)', String(accounts)],
      ['selection', selectionLabel],
      ['report format', values.format],
      [
        'audited / skipped / unknown',
        summary
          ? `${summary.clean + summary.exposed} / ${summary.skipped} / ${summary.unknown}`
          : `${ok('AssumeRoot')} assumed (no summary in ${values.format})`,
      ],
      ['latency', `${latencyMs} ms (+${jitterMs} jitter)`],
      ['rootwarden audit (wall, CLI process)', `${round(rootwarden.seconds)} s`],
      ['rootwarden peak RSS', `${round(rootwarden.peakRssMb, 1)} MB`],
      ['rootwarden CPU (user + system)', `${round(rootwarden.cpuSeconds)} s`],
      ['load average (1, 5, 15 min) at the end', loadAverage()],
      ['organizations / sts calls', callCounts],
      ['throttled answers seen by rootwarden', String(throttled)],
      ['injected faults (rate)', `${injected} (${faultRate})`],
      ['results digest', resultsDigest ?? `- (${values.format} carries no per-account verdicts)`],
      ...(mode === 'org'
        ? []
        : ([['CLI start-up and exit (no AWS call, median of 3)', `${round(startup)} s`]] as Array<
            [string, string]
          >)),
      ['lower bound', `${round(bound.seconds)} s (${terms})`],
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
        select: values.select,
        format: values.format,
        faultRate,
        injectedFaults: injected,
        unknown: summary?.unknown ?? null,
        resultsDigest,
        rootwardenSeconds: round(rootwarden.seconds),
        sequentialSeconds: sequentialSeconds === null ? null : round(sequentialSeconds),
        boundSeconds: round(bound.seconds),
        ...(mode === 'org' ? {} : { startupSeconds: round(startup) }),
        peakRssMb: round(rootwarden.peakRssMb, 1),
        cpuSeconds: round(rootwarden.cpuSeconds),
        loadAverage: loadAverage(),
        vsBound: round(rootwarden.seconds / bound.seconds),
        vsSequential: sequentialSeconds === null ? null : round(sequentialSeconds / rootwarden.seconds, 1),
        ...(estimated ? { sequentialEstimated: true } : {}),
      }),
    );
  }
} finally {
  sandbox.child.kill('SIGTERM');
  rmSync(scenarioDir, { recursive: true, force: true });
}
