#!/usr/bin/env node
// Capacity check of replicas (not a test: figures depend on the machine). Serves a generated sandbox
// organization in its own process, starts N `rootwarden-api` replicas on one PostgreSQL database, then
// 1) posts --audits audits round-robin to the replicas and times them until every one completed
//    (audits/hour, and that none was lost), and
// 2) runs --seconds of concurrent mixed reads (job status, history list, one report) round-robin
//    (requests/s, p50/p95 latency, errors).
// The last line is machine-readable JSON.
//
//   pnpm --filter @rootwarden/api replicas-load -- --store postgres://… [--replicas 3 --audits 12
//     --scenario generated:100 --sandbox-latency 30 --concurrency 50 --seconds 15]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    store: { type: 'string', default: process.env.ROOTWARDEN_STORE_URL },
    replicas: { type: 'string', default: '3' },
    audits: { type: 'string', default: '12' },
    'max-audits': { type: 'string', default: '2' },
    scenario: { type: 'string', default: 'generated:100' },
    'sandbox-latency': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '15' },
  },
});
if (!values.store?.startsWith('postgres')) {
  console.error(
    'Give --store postgres://… (a database the replicas may use; it keeps their jobs and audits).',
  );
  process.exit(2);
}
const root = new URL('../../../', import.meta.url).pathname;
const children = [];
const cleanup = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve({ match, output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${what} exited ${code}: ${output}`)));
  });
}

async function startSandbox() {
  const child = spawn(
    process.execPath,
    [
      join(root, 'packages/aws-sandbox/bin/sandbox.js'),
      '--scenario',
      values.scenario,
      '--port',
      '0',
      '--latency-ms',
      values['sandbox-latency'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const { output } = await waitForLine(child, /rootwarden-sandbox: scenario/, 'the sandbox');
  return Object.fromEntries(
    [...output.matchAll(/export (\w+)='([^']*)'/g)].map((match) => [match[1], match[2]]),
  );
}

async function startReplica(awsEnv, token) {
  const home = mkdtempSync(join(tmpdir(), 'rootwarden-replica-'));
  cleanup.push(home);
  const child = spawn(
    process.execPath,
    [
      join(root, 'apps/api/bin/rootwarden-api.js'),
      '--port',
      '0',
      '--store',
      values.store,
      '--home',
      home,
      '--max-audits',
      values['max-audits'],
      '--rate-limit',
      '0',
      '--log-level',
      'warn',
      '--endpoint-url',
      awsEnv.AWS_ENDPOINT_URL,
    ],
    {
      env: {
        ...process.env,
        ...awsEnv,
        AWS_PROFILE: '',
        ROOTWARDEN_API_TOKENS: `load:audit:${createHash('sha256').update(token).digest('hex')}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  const { match } = await waitForLine(child, /listening at (http:\/\/\S+)/, 'a replica');
  return match[1];
}

const token = `rwt_${randomBytes(32).toString('base64url')}`;
const headers = { authorization: `Bearer ${token}` };
const awsEnv = await startSandbox();
const urls = [];
for (let index = 0; index < Number(values.replicas); index += 1) urls.push(await startReplica(awsEnv, token));

// 1. Audits per hour.
const auditsStarted = performance.now();
const ids = [];
for (let index = 0; index < Number(values.audits); index += 1) {
  const response = await fetch(`${urls[index % urls.length]}/v1/audits`, { method: 'POST', headers });
  if (response.status !== 202)
    throw new Error(`POST /v1/audits: ${response.status} ${await response.text()}`);
  ids.push((await response.json()).id);
}
const statuses = new Map();
while (statuses.size < ids.length) {
  for (const [index, id] of ids.entries()) {
    if (statuses.has(id)) continue;
    const body = await (await fetch(`${urls[index % urls.length]}/v1/audits/${id}`, { headers })).json();
    if (['succeeded', 'failed', 'interrupted'].includes(body.status)) statuses.set(id, body.status);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const auditSeconds = (performance.now() - auditsStarted) / 1000;
const succeeded = [...statuses.values()].filter((status) => status === 'succeeded').length;

// 2. Requests per second: mixed reads while nothing else runs.
const paths = [
  `/v1/audits/${ids[0]}`,
  '/v1/audits?limit=20',
  `/v1/audits/${ids[0]}/report?format=json`,
  '/healthz',
];
const latencies = [];
let errors = 0;
let sent = 0;
const until = performance.now() + Number(values.seconds) * 1000;
const readsStarted = performance.now();
await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    while (performance.now() < until) {
      const index = sent++;
      const started = performance.now();
      try {
        const response = await fetch(`${urls[index % urls.length]}${paths[index % paths.length]}`, {
          headers,
        });
        await response.arrayBuffer();
        if (response.status !== 200) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - started);
    }
  }),
);
const readSeconds = (performance.now() - readsStarted) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

const result = {
  replicas: urls.length,
  scenario: values.scenario,
  sandboxLatencyMs: Number(values['sandbox-latency']),
  maxAuditsPerReplica: Number(values['max-audits']),
  audits: ids.length,
  auditsSucceeded: succeeded,
  auditSeconds: Number(auditSeconds.toFixed(2)),
  auditsPerHour: Math.round((succeeded / auditSeconds) * 3600),
  requests: latencies.length,
  requestsPerSecond: Math.round(latencies.length / readSeconds),
  p50Ms: Number(percentile(50).toFixed(1)),
  p95Ms: Number(percentile(95).toFixed(1)),
  errors,
};
console.log(
  `${result.replicas} replica(s): ${result.auditsSucceeded}/${result.audits} audits of ${values.scenario} in ${result.auditSeconds} s ` +
    `(${result.auditsPerHour} audits/hour); ${result.requestsPerSecond} requests/s over ${values.seconds} s ` +
    `(p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, ${errors} errors)`,
);
console.log(JSON.stringify(result));
process.exit(0);
