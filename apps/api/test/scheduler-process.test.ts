import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextRunAfter, openSqliteStore } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth.js';
import { temporaryDirectory } from './helpers.js';

// The real `rootwarden-api` binary with a schedule, stopped and restarted as a service manager does.
// The store is seeded with a run that is already due (the server "was down" at 06:00), so nothing waits
// for a wall-clock time: the server ticks every second and the test waits for observable states.

const BIN = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'rootwarden-api.js');
const TOKEN = 'rwt_scheduler-process-token-0123456789abcdef';
const CRON = '0 6 * * *';
const SCHEDULE = 'schedule-1';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startServer(dir: string, extra: string[] = []): Promise<Server> {
  const config = join(dir, 'api.json');
  writeFileSync(config, JSON.stringify({ scheduleTickSeconds: 1 }));
  const child = spawn(
    process.execPath,
    [BIN, '--port', '0', '--home', join(dir, 'home'), '--config', config, '--schedule', CRON, ...extra],
    {
      env: { ...process.env, ROOTWARDEN_API_TOKENS: `ops:read:${hashToken(TOKEN)}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1]) resolve({ child, url: match[1], exited, stderr: () => stderr });
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
}

interface LastRun {
  outcome: string;
  jobId: string;
  jobStatus: string | null;
}

async function lastRun(url: string): Promise<LastRun | null> {
  const response = await fetch(`${url}/v1/schedules`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await response.json()) as { schedules: { lastRun: LastRun | null }[] };
  return body.schedules[0]?.lastRun ?? null;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the scheduler has completed `count` more ticks (readyz shows the last one). */
async function ticks(url: string, count: number): Promise<void> {
  const lastTick = async () =>
    ((await (await fetch(`${url}/readyz`)).json()) as { scheduler: { lastTickAt: string | null } }).scheduler
      .lastTickAt;
  let seen = await lastTick();
  for (let done = 0; done < count; done += 1) {
    const previous = seen;
    seen = await until('a scheduler tick', async () => {
      const at = await lastTick();
      return at !== previous ? at : undefined;
    });
  }
}

/** A store whose schedule missed its 06:00 run three days ago (a server that was down). */
async function seedDueRun(dir: string): Promise<string> {
  const store = await openSqliteStore({ home: join(dir, 'home') });
  try {
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    const dueAt = nextRunAfter({ name: SCHEDULE, cron: CRON, timezone: 'UTC' }, threeDaysAgo);
    await store.saveScheduleTiming({
      name: SCHEDULE,
      cron: CRON,
      timezone: 'UTC',
      nextRunAt: dueAt,
      at: threeDaysAgo.toISOString(),
    });
    return dueAt;
  } finally {
    await store.close();
  }
}

async function storedState(dir: string) {
  const store = await openSqliteStore({ home: join(dir, 'home') });
  try {
    return {
      jobs: (await store.listJobs({ limit: 100 })).filter((job) => job.kind === 'audit'),
      schedule: (await store.listScheduleStates())[0],
    };
  } finally {
    await store.close();
  }
}

async function stop(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

describe('rootwarden-api with a schedule, restarted', () => {
  it('a run due while the server was down runs exactly once, across two restarts', async () => {
    const dir = temporaryDirectory('rootwarden-scheduler-');
    dirs.push(dir);
    await seedDueRun(dir);

    const first = await startServer(dir, ['--sandbox', 'blog']);
    const run = await until('the catch-up run to finish', async () => {
      const last = await lastRun(first.url);
      return last?.jobStatus === 'succeeded' ? last : undefined;
    });
    expect(run.outcome).toBe('started');
    await ticks(first.url, 2);
    await stop(first);

    const second = await startServer(dir, ['--sandbox', 'blog']);
    await ticks(second.url, 2);
    expect((await lastRun(second.url))?.jobId).toBe(run.jobId);
    await stop(second);

    const { jobs, schedule } = await storedState(dir);
    expect(jobs.map((job) => [job.id, job.status])).toEqual([[run.jobId, 'succeeded']]);
    // The next run is the first 06:00 after the catch-up, not one of the missed ones.
    expect(Date.parse(schedule?.nextRunAt as string)).toBeGreaterThan(Date.now() - 1000);
  }, 240_000);

  it('SIGTERM during a scheduled audit: recorded interrupted, exit 0, and no second run after a restart', async () => {
    const dir = temporaryDirectory('rootwarden-scheduler-');
    dirs.push(dir);
    await seedDueRun(dir);

    const first = await startServer(dir, ['--sandbox', 'generated:200', '--sandbox-latency', '100']);
    const run = await until('the scheduled audit to run', async () => {
      const last = await lastRun(first.url);
      return last?.jobStatus === 'running' ? last : undefined;
    });
    await stop(first);
    expect((await storedState(dir)).jobs.map((job) => [job.id, job.status])).toEqual([
      [run.jobId, 'interrupted'],
    ]);

    const second = await startServer(dir, ['--sandbox', 'generated:200']);
    await ticks(second.url, 2);
    expect(await lastRun(second.url)).toMatchObject({ jobId: run.jobId, jobStatus: 'interrupted' });
    await stop(second);
    const { jobs, schedule } = await storedState(dir);
    expect(jobs).toHaveLength(1);
    expect(schedule?.lastJobId).toBe(run.jobId);
  }, 240_000);

  it('refuses an invalid cron at startup, naming the schedule and the fix (exit 2)', () => {
    const dir = temporaryDirectory('rootwarden-scheduler-');
    dirs.push(dir);
    const config = join(dir, 'api.json');
    writeFileSync(
      config,
      JSON.stringify({
        schedules: [
          { name: 'weekly-eu', cron: '0 6 * * MON', timezone: 'Europe/Paris' },
          { name: 'broken', cron: '0 6 * *' },
        ],
      }),
    );
    const result = spawnSync(
      process.execPath,
      [BIN, '--sandbox', 'blog', '--port', '0', '--home', join(dir, 'home'), '--config', config],
      {
        encoding: 'utf8',
        env: { ...process.env, ROOTWARDEN_API_TOKENS: '' },
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Schedule "broken": "0 6 * *" is not a valid cron expression');
    expect(result.stderr).toContain('Fix: Give five fields');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
