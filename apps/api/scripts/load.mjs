#!/usr/bin/env node
// Load check (not a test: figures depend on the machine). Starts `rootwarden-api --sandbox` unless given
// --url and --token, then runs rounds of 200 concurrent mixed read requests while 5 audits run, and
// reports requests/s and latency percentiles, errors, and whether every audit finished (none lost).
//
//   pnpm --filter @rootwarden/api load [-- --rounds 5 --concurrency 200 --audits 5 --scenario generated:100]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  // `pnpm … load -- --rounds 5` passes the `--` through.
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '200' },
    audits: { type: 'string', default: '5' },
    scenario: { type: 'string', default: 'generated:100' },
    'sandbox-latency': { type: 'string', default: '5' },
  },
});
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const auditCount = Number(values.audits);

async function startServer() {
  const token = `rwt_${randomBytes(32).toString('base64url')}`;
  const home = mkdtempSync(join(tmpdir(), 'rootwarden-api-load-'));
  const bin = new URL('../bin/rootwarden-api.js', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      bin,
      '--sandbox',
      values.scenario,
      '--sandbox-latency',
      values['sandbox-latency'],
      '--port',
      '0',
      '--home',
      home,
      '--rate-limit',
      '0',
      '--log-level',
      'warn',
    ],
    {
      env: {
        ...process.env,
        ROOTWARDEN_API_TOKENS: `load:audit:${createHash('sha256').update(token).digest('hex')}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  return {
    url,
    token,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const server = values.url
  ? { url: values.url, token: values.token, stop: async () => undefined }
  : await startServer();
const headers = { authorization: `Bearer ${server.token}` };
const errors = [];
const latencies = [];
const byRoute = new Map();

async function timed(path, init = {}) {
  const started = performance.now();
  try {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { ...headers, ...init.headers },
    });
    const body = await response.text();
    const took = performance.now() - started;
    latencies.push(took);
    const route = path.replace(/[0-9a-f-]{36}/, '{id}');
    byRoute.set(route, [...(byRoute.get(route) ?? []), took]);
    if (response.status >= 400)
      errors.push(`${init.method ?? 'GET'} ${path}: ${response.status} ${body.slice(0, 200)}`);
    return { status: response.status, body };
  } catch (error) {
    errors.push(`${init.method ?? 'GET'} ${path}: ${error.message}`);
    return { status: 0, body: '' };
  }
}

const auditStarts = await Promise.all(
  Array.from({ length: auditCount }, () =>
    fetch(`${server.url}/v1/audits`, { method: 'POST', headers }).then((r) => r.json()),
  ),
);
const auditIds = auditStarts.map((accepted) => accepted.id);
if (auditIds.some((id) => !id)) errors.push(`an audit was not accepted: ${JSON.stringify(auditStarts)}`);

const readPaths = (index) => {
  const id = auditIds[index % auditIds.length];
  return ['/v1/organization', '/v1/accounts', '/v1/audits', `/v1/audits/${id}`, '/healthz'][index % 5];
};

const started = performance.now();
let requests = 0;
for (let round = 0; round < rounds; round += 1) {
  await Promise.all(Array.from({ length: concurrency }, (_, index) => timed(readPaths(index + round))));
  requests += concurrency;
}
const elapsed = (performance.now() - started) / 1000;

// Every audit must finish and be listed: none lost, none failed.
const deadline = Date.now() + 300_000;
const final = new Map();
while (final.size < auditIds.length && Date.now() < deadline) {
  for (const id of auditIds) {
    if (final.has(id)) continue;
    const job = await fetch(`${server.url}/v1/audits/${id}`, { headers }).then((r) => r.json());
    if (!['queued', 'running'].includes(job.status)) final.set(id, job.status);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const listed = await fetch(`${server.url}/v1/audits?limit=100`, { headers }).then((r) => r.json());
const listedIds = new Set(listed.audits.map((audit) => audit.auditId));
const lost = auditIds.filter((id) => !listedIds.has(id) || final.get(id) !== 'succeeded');
await server.stop();

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]?.toFixed(1));
};
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p) => percentile(sorted, p);
console.log(
  JSON.stringify(
    {
      reads: requests,
      concurrency,
      rounds,
      seconds: Number(elapsed.toFixed(2)),
      requestsPerSecond: Math.round(requests / elapsed),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: Number(sorted.at(-1)?.toFixed(1)) },
      p95ByRoute: Object.fromEntries([...byRoute].map(([route, values]) => [route, percentile(values, 95)])),
      audits: Object.fromEntries(final),
      errors: errors.length,
      lostAudits: lost.length,
    },
    null,
    2,
  ),
);
for (const error of errors.slice(0, 10)) console.error(error);
process.exit(errors.length === 0 && lost.length === 0 ? 0 : 1);
