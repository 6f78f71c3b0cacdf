import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken, parseTokenSpecs } from '../src/auth.js';
import { temporaryDirectory } from './helpers.js';

// The real `rootwarden-api` binary in a child process, as an operator runs it.
const BIN = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'rootwarden-api.js');
const TOKEN = 'rwt_process-test-token-0123456789abcdef';
const TOKENS_ENV = `ops:remediate:${hashToken(TOKEN)}`;

interface Server {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const homes: string[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const dir = temporaryDirectory('rootwarden-api-home-');
  homes.push(dir);
  return dir;
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ROOTWARDEN_API_TOKENS: '', ...env },
    timeout: 30_000,
  });
}

/** Starts the server and resolves once it prints where it listens. */
function startServer(args: string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [BIN, '--port', '0', ...args], {
    env: { ...process.env, ROOTWARDEN_API_TOKENS: TOKENS_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) resolve({ child, url: match[1], stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
}

const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

async function waitForStatus(
  url: string,
  id: string,
  wanted: string[],
  also: (body: Record<string, unknown>) => boolean = () => true,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const body = (await (await fetch(`${url}/v1/audits/${id}`, { headers: auth() })).json()) as Record<
      string,
      unknown
    >;
    if (wanted.includes(body.status as string) && also(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`audit ${id} never reached ${wanted.join('/')}`);
}

describe('rootwarden-api', () => {
  it('refuses to start without a token (exit 2), and says how to make one', () => {
    const result = run(['--port', '0', '--home', home()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('No API token configured');
    expect(result.stderr).toContain('rootwarden-api token');
  });

  it('rejects bad flags and bad token entries with exit 2', () => {
    expect(run(['--port', 'eighty']).status).toBe(2);
    expect(run(['--bogus']).status).toBe(2);
    const bad = run(['--port', '0'], { ROOTWARDEN_API_TOKENS: 'ci:admin:abc' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ROOTWARDEN_API_TOKENS entry 1');
  });

  it.each([
    [['--sandbox', '--profile', 'prod'], '--profile: cannot be combined with --sandbox'],
    [['--sandbox', 'blog', '--endpoint-url', 'http://127.0.0.1:1'], '--endpoint-url: cannot be combined'],
    [['--sandbox-latency', '5'], '--sandbox-latency: needs --sandbox'],
    [['--sandbox', 'nosuch.json'], 'Sandbox scenario "nosuch.json"'],
  ])('refuses the connection options %j with exit 2, as the CLI and the MCP server do', (args, message) => {
    const result = run([...args, '--port', '0', '--home', home()], { ROOTWARDEN_API_TOKENS: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('`token` prints a new token once and the hash line to configure', () => {
    const result = run(['token', '--scope', 'audit', '--name', 'ci']);
    expect(result.status).toBe(0);
    const token = /\n {2}(rwt_[A-Za-z0-9_-]{43})\n/.exec(result.stdout)?.[1] as string;
    const spec = /\n {2}(ci:audit:[0-9a-f]{64})\n/.exec(result.stdout)?.[1] as string;
    expect(parseTokenSpecs(spec)).toEqual([{ name: 'ci', scope: 'audit', sha256: hashToken(token) }]);
  });

  it('--sandbox serves with a printed token, logs JSON without it, and stops on SIGTERM', async () => {
    const server = await startServer(['--sandbox', '--home', home()], { ROOTWARDEN_API_TOKENS: '' });
    const token = /export ROOTWARDEN_TOKEN=(rwt_\S+)/.exec(server.stderr())?.[1] as string;
    expect(server.stderr()).toContain(
      `curl -s -H "Authorization: Bearer $ROOTWARDEN_TOKEN" ${server.url}/v1/organization`,
    );
    const org = await fetch(`${server.url}/v1/organization`, { headers: auth(token) });
    expect(org.status).toBe(200);
    expect((await fetch(`${server.url}/v1/organization`)).status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const lines = server
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((line) => line.msg === 'listening')).toBe(true);
    expect(lines.some((line) => line.msg === 'stopped')).toBe(true);
    expect(server.stdout()).not.toContain(token);
  });

  it('a killed server’s running audit is shown interrupted after a restart, never lost, never re-run', async () => {
    const dir = home();
    const args = ['--sandbox', 'generated:200', '--sandbox-latency', '200', '--home', dir];
    const first = await startServer(args);
    const started = await fetch(`${first.url}/v1/audits`, { method: 'POST', headers: auth() });
    const { id } = (await started.json()) as { id: string };
    await waitForStatus(first.url, id, ['running']);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServer(args);
    const job = await waitForStatus(second.url, id, ['interrupted']);
    expect(job).toMatchObject({ id, status: 'interrupted', auditId: null });
    const list = (await (await fetch(`${second.url}/v1/audits`, { headers: auth() })).json()) as {
      audits: unknown[];
      jobs: { id: string; status: string }[];
    };
    expect(list.jobs).toEqual([expect.objectContaining({ id, status: 'interrupted' })]);
    expect(list.audits).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      (await waitForStatus(second.url, id, ['interrupted', 'running', 'queued', 'succeeded'])).status,
    ).toBe('interrupted');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('kill -9 mid-audit keeps the finished accounts: interrupted with how many and why, partial report readable', async () => {
    const dir = home();
    const args = ['--sandbox', 'generated:120', '--sandbox-latency', '60', '--home', dir];
    const first = await startServer(args);
    const { id } = (await (
      await fetch(`${first.url}/v1/audits`, { method: 'POST', headers: auth() })
    ).json()) as { id: string };
    await waitForStatus(
      first.url,
      id,
      ['running'],
      (body) => ((body.progress as { done: number }).done ?? 0) >= 3,
    );
    // Killed once the running server has checkpointed finished accounts (read from its database, as
    // another process would).
    const store = await openSqliteStore({ home: dir });
    let checkpointed = 0;
    try {
      for (let attempt = 0; attempt < 600 && checkpointed === 0; attempt += 1) {
        checkpointed = (await store.getAuditCheckpoint(id))?.results.length ?? 0;
        if (checkpointed === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await store.close();
    }
    expect(checkpointed).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServer(args);
    const job = (await waitForStatus(second.url, id, ['interrupted'])) as {
      auditId: string | null;
      progress: { done: number; total: number | null };
      error: { code: string; message: string };
      report?: {
        complete: boolean;
        accounts: { accountId: string; status: string; error?: { code: string } }[];
      };
    };
    expect(job.auditId).toBe(id);
    expect(job.error.code).toBe('SERVER_STOPPED');
    expect(job.error.message).toContain(`${job.progress.done}`);
    expect(job.progress.done).toBeGreaterThanOrEqual(checkpointed);
    expect(job.report?.complete).toBe(false);
    expect(job.report?.accounts).toHaveLength(job.progress.done);
    // Only finished accounts: none of them stands for work that never happened.
    expect(job.report?.accounts.some((account) => account.error?.code === 'ABORTED')).toBe(false);
    const csv = await fetch(`${second.url}/v1/audits/${id}/report?format=csv`, { headers: auth() });
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(job.progress.done + 1);
    const events = await (await fetch(`${second.url}/v1/audits/${id}/events`, { headers: auth() })).text();
    expect(events).toContain('SERVER_STOPPED');
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('SIGTERM during an audit records it interrupted with the partial report it saved', async () => {
    const dir = home();
    const args = ['--sandbox', 'generated:200', '--sandbox-latency', '100', '--home', dir];
    const first = await startServer(args);
    const { id } = (await (
      await fetch(`${first.url}/v1/audits`, { method: 'POST', headers: auth() })
    ).json()) as { id: string };
    // Stopped once some accounts are done: those are saved, the rest are reported unknown (ABORTED).
    await waitForStatus(
      first.url,
      id,
      ['running'],
      (body) => ((body.progress as { done: number }).done ?? 0) > 0,
    );
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startServer(args);
    const job = (await waitForStatus(second.url, id, ['interrupted'])) as {
      auditId: string;
      report: { complete: boolean };
    };
    expect(job.auditId).toBe(id);
    expect(job.report.complete).toBe(false);
    const results = (job.report as unknown as { accounts: { status: string; error?: { code: string } }[] })
      .accounts;
    expect(results.some((account) => account.error?.code === 'ABORTED')).toBe(true);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
