import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, type Sandbox } from '@rootwarden/aws-sandbox';
import { ApplyResultSchema, AuditReportSchema } from '@rootwarden/core';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth.js';
import { BLOG_DELETES, mutations, temporaryDirectory } from './helpers.js';

// Three real `rootwarden-api` processes on one PostgreSQL database and one AWS (the sandbox, served by
// this test process): any replica serves any request, runs any job, streams any job's events; a killed
// replica's audit is run again by another one, with every account exactly once in the report.

const PG_URL = process.env.ROOTWARDEN_TEST_PG_URL || undefined;
const SKIP_REASON =
  'ROOTWARDEN_TEST_PG_URL is not set: the replica tests need PostgreSQL (bash .ci/run starts one)';
if (!PG_URL) console.warn(SKIP_REASON);

const BIN = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'rootwarden-api.js');
// The CLI as a user runs it (a devDependency of this package, so turbo builds it before these tests).
const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'cli', 'bin', 'run.js');
const TOKEN = 'rwt_replica-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
/**
 * Short leases so a killed replica's job moves on within seconds (the default is 30 s), yet long enough
 * that a loaded CI machine renews them in time (a late renewal only runs an audit twice, never saves it twice).
 */
const LEASE_SECONDS = 15;

interface Replica {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  log: () => string;
}

let database: { url: string; name: string } | undefined;
let sandbox: Sandbox | undefined;
let sandboxClose: (() => Promise<void>) | undefined;
const replicas: Replica[] = [];
const homes: string[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = PG_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  if (!PG_URL) return;
  const name = `rootwarden_replicas_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  database = { url: url.toString(), name };
});

afterEach(async () => {
  for (const replica of replicas.splice(0)) {
    if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGKILL');
    await replica.exited;
  }
  await sandboxClose?.();
  sandbox = undefined;
  sandboxClose = undefined;
  if (database) {
    const { name } = database;
    await admin((client) => client.query(`drop database if exists ${name} with (force)`));
    database = undefined;
  }
});

async function startSandbox(scenario: string, latencyMs = 0): Promise<string> {
  sandbox = createSandbox({ scenario, latencyMs });
  const server = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  sandboxClose = () => server.close();
  return server.url;
}

/** One replica: a real process, its own (unused) home, the shared database and AWS endpoint. */
function startReplica(endpoint: string): Promise<Replica> {
  const principal = (sandbox as Sandbox).managementPrincipal();
  const home = temporaryDirectory('rootwarden-replica-home-');
  homes.push(home);
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--port',
      '0',
      '--store',
      (database as { url: string }).url,
      '--job-lease-seconds',
      String(LEASE_SECONDS),
      '--endpoint-url',
      endpoint,
      '--region',
      'us-east-1',
      '--home',
      home,
      '--log-level',
      'info',
    ],
    {
      env: {
        ...process.env,
        ROOTWARDEN_API_TOKENS: `replica-test:remediate:${hashToken(TOKEN)}`,
        ROOTWARDEN_STORE_URL: '',
        AWS_ACCESS_KEY_ID: principal.accessKeyId,
        AWS_SECRET_ACCESS_KEY: principal.secretAccessKey,
        AWS_PROFILE: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        const replica = { child, url: match[1], exited, log: () => output };
        replicas.push(replica);
        resolve(replica);
      }
    });
    void exited.then((code) => reject(new Error(`replica exited ${code} before listening: ${output}`)));
  });
}

async function startReplicas(endpoint: string, count = 3): Promise<Replica[]> {
  // One after the other: the first creates and migrates the tables; the others find them ready
  // (starting at once is covered by the store's own test).
  const started: Replica[] = [];
  for (let index = 0; index < count; index += 1) started.push(await startReplica(endpoint));
  return started;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (${response.status}): ${text}`);
  }
}

async function jobRow(id: string) {
  return admin(async (client) => {
    const result = await client.query<{ status: string; lease_owner: string | null; attempts: number }>(
      'select status, lease_owner, attempts from jobs where id = $1',
      [id],
    );
    return result.rows[0];
  }, database?.url);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, attempts = 1_200): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Reads a server-sent event stream to its end: the events' names and data. */
async function readEvents(url: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const response = await fetch(url, { headers: auth });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => {
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** Runs the `rootwarden` CLI against the sandbox and the shared database. */
function cli(
  endpoint: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const principal = (sandbox as Sandbox).managementPrincipal();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        ROOTWARDEN_HOME: temporaryDirectory('rootwarden-cli-home-'),
        ROOTWARDEN_STORE_URL: (database as { url: string }).url,
        AWS_ACCESS_KEY_ID: principal.accessKeyId,
        AWS_SECRET_ACCESS_KEY: principal.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_PROFILE: '',
        AWS_ENDPOINT_URL: endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!PG_URL)(
  `three replicas on one PostgreSQL database${PG_URL ? '' : ` (${SKIP_REASON})`}`,
  { timeout: 240_000 },
  () => {
    it('any replica takes an audit, runs it, streams it and serves its report', async () => {
      const endpoint = await startSandbox('generated:60', 5);
      const [a, b, c] = (await startReplicas(endpoint)) as [Replica, Replica, Replica];
      const started = await fetch(`${a.url}/v1/audits`, { method: 'POST', headers: auth });
      expect(started.status).toBe(202);
      const { id } = (await json(started)) as { id: string };
      // Followed on another replica than the one it was posted to (and perhaps than the one running it).
      const events = await readEvents(`${b.url}/v1/audits/${id}/events`);
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1))).toBe('completed');
      const view = await json(await fetch(`${c.url}/v1/audits/${id}`, { headers: auth }));
      expect(view.status).toBe('succeeded');
      const report = AuditReportSchema.parse(view.report);
      expect(report.accounts).toHaveLength(report.summary.accounts);
      expect(new Set(report.accounts.map((account) => account.accountId)).size).toBe(report.accounts.length);
      const listed = await json(await fetch(`${a.url}/v1/audits`, { headers: auth }));
      expect((listed.audits as { auditId: string }[]).map((audit) => audit.auditId)).toContain(id);
    });

    it('a replica killed mid-audit: another runs the audit again; every account exactly once', async () => {
      // Slow AWS answers keep the audit running long enough to kill its replica halfway.
      const endpoint = await startSandbox('generated:120', 60);
      const started = await startReplicas(endpoint);
      const posted = await fetch(`${started[0]?.url}/v1/audits`, { method: 'POST', headers: auth });
      const { id } = (await json(posted)) as { id: string };
      const running = await waitFor('the audit to run', async () => {
        const row = await jobRow(id);
        return row?.status === 'running' && row.lease_owner ? row : undefined;
      });
      // The lease owner is `host:pid:random`: the replica to kill.
      const pid = Number((running.lease_owner as string).split(':').at(-2));
      const victim = started.find((replica) => replica.child.pid === pid) as Replica;
      expect(victim, `lease owner ${running.lease_owner}`).toBeDefined();
      const survivor = started.find((replica) => replica !== victim) as Replica;
      await waitFor('some progress', async () => {
        const view = await json(await fetch(`${survivor.url}/v1/audits/${id}`, { headers: auth }));
        const progress = view.progress as { done: number } | null;
        return progress && progress.done > 0 ? progress : undefined;
      });
      const following = readEvents(`${survivor.url}/v1/audits/${id}/events`);
      victim.child.kill('SIGKILL');
      await victim.exited;

      const events = await following;
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1))).toBe('completed');
      const row = await jobRow(id);
      expect(row?.status).toBe('succeeded');
      // Taken over at least once (more only if a loaded machine renewed a lease late).
      expect(row?.attempts).toBeGreaterThanOrEqual(2);
      expect(row?.lease_owner).toBeNull();
      const view = await json(await fetch(`${survivor.url}/v1/audits/${id}`, { headers: auth }));
      const report = AuditReportSchema.parse(view.report);
      expect(report.complete).toBe(true);
      expect(report.summary.accounts).toBe(120);
      const ids = report.accounts.map((account) => account.accountId);
      expect(new Set(ids).size).toBe(120);
      expect(ids).toHaveLength(120);
      const saved = await admin(
        (client) => client.query('select count(*)::int as n from audit_accounts where audit_id = $1', [id]),
        database?.url,
      );
      expect(saved.rows[0]?.n).toBe(120);
    });

    it('two replicas asked to apply one plan at once: it is applied once', async () => {
      const endpoint = await startSandbox('blog');
      const [a, b, c] = (await startReplicas(endpoint)) as [Replica, Replica, Replica];
      const planned = await fetch(`${a.url}/v1/plans`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'delete-root-credentials', accounts: ['111111111111'] }),
      });
      expect(planned.status).toBe(201);
      const { planId } = (await json(planned)) as { planId: string };
      const apply = (replica: Replica, key: string) =>
        fetch(`${replica.url}/v1/plans/${planId}/apply`, {
          method: 'POST',
          headers: { ...auth, 'idempotency-key': key },
        });

      // The same key on two replicas at once: one applies, the other replays its answer.
      const same = await Promise.all([apply(a, 'key-1'), apply(b, 'key-1')]);
      expect(same.map((response) => response.status)).toEqual([200, 200]);
      const [first, second] = await Promise.all(
        same.map(async (response) => ApplyResultSchema.parse(await json(response))),
      );
      expect(second).toEqual(first);
      expect(same.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(
        1,
      );
      expect(mutations(sandbox as Sandbox)).toEqual(BLOG_DELETES);

      // Different keys on two replicas at once: the plan's claim lets one run; the other answers
      // PLAN_BUSY, or finds every action finished. AWS sees no mutation again.
      const racing = await Promise.all([apply(b, 'key-2'), apply(c, 'key-3')]);
      for (const response of racing) {
        const body = await json(response);
        if (response.status === 409) expect((body.error as { code: string }).code).toBe('PLAN_BUSY');
        else expect(response.status, JSON.stringify(body)).toBe(200);
      }
      expect(mutations(sandbox as Sandbox)).toEqual(BLOG_DELETES);
    });

    it('the CLI saves where the replicas read: one history, diffs across CLI and server audits', async () => {
      const endpoint = await startSandbox('blog');
      const [a, b] = (await startReplicas(endpoint, 2)) as [Replica, Replica];
      const fromCli = await cli(endpoint, [
        'audit',
        '--endpoint-url',
        endpoint,
        '--store',
        (database as { url: string }).url,
        '--json',
        '--fail-on',
        'never',
      ]);
      expect(fromCli.code, fromCli.stderr).toBe(0);
      const cliAudit = AuditReportSchema.parse(JSON.parse(fromCli.stdout));

      const posted = await fetch(`${a.url}/v1/audits`, { method: 'POST', headers: auth });
      const { id: serverAuditId } = (await json(posted)) as { id: string };
      const events = await readEvents(`${b.url}/v1/audits/${serverAuditId}/events`);
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1))).toBe('completed');

      // The server lists and serves the CLI's audit, and diffs it against its own.
      const listed = await json(await fetch(`${b.url}/v1/audits`, { headers: auth }));
      expect((listed.audits as { auditId: string }[]).map((audit) => audit.auditId)).toEqual(
        expect.arrayContaining([cliAudit.auditId, serverAuditId]),
      );
      const diff = await fetch(`${b.url}/v1/audits/${cliAudit.auditId}/diff/${serverAuditId}`, {
        headers: auth,
      });
      expect(diff.status, await diff.clone().text()).toBe(200);
      expect(await json(diff)).toMatchObject({
        before: { auditId: cliAudit.auditId },
        after: { auditId: serverAuditId },
      });

      // And the CLI (ROOTWARDEN_STORE_URL) sees the server's audit: the last two are the server's and its own.
      const fromCliDiff = await cli(endpoint, ['audits', 'diff', cliAudit.auditId, serverAuditId, '--json']);
      expect(fromCliDiff.code, fromCliDiff.stderr).toBe(0);
      expect(JSON.parse(fromCliDiff.stdout)).toEqual(
        await json(
          await fetch(`${b.url}/v1/audits/${cliAudit.auditId}/diff/${serverAuditId}`, { headers: auth }),
        ),
      );
      const list = await cli(endpoint, ['audits', 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(serverAuditId);
    });
  },
);
