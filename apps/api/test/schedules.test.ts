import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox } from '@rootwarden/aws-sandbox';
import {
  type AuditReport,
  type Engine,
  openSqliteStore,
  type ScheduleInput,
  ScheduleSchema,
} from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, startFixture, temporaryDirectory, waitForAudit } from './helpers.js';

// Scheduled audits through the real app, engine, SQLite store and sandbox (over HTTP); the clock is
// injected (a variable the test moves) and the test calls tick(): no waiting on wall-clock time.

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0).reverse()) await fixture.close();
});

interface Clock {
  now: Date;
}

const nightly = (input: Partial<ScheduleInput> = {}) =>
  ScheduleSchema.parse({ name: 'nightly', cron: '0 6 * * *', ...input });

async function scheduled(
  clock: Clock,
  schedules: ScheduleInput[],
  options: Parameters<typeof startFixture>[0] = {},
): Promise<Fixture> {
  const fixture = await startFixture({
    ...options,
    app: {
      schedules: schedules.map((schedule) => ScheduleSchema.parse(schedule)),
      now: () => clock.now,
      ...options.app,
    },
  });
  fixtures.push(fixture);
  await fixture.api.jobs.store();
  await fixture.api.scheduler.start({ loop: false });
  return fixture;
}

interface ScheduleBody {
  schedules: {
    name: string;
    nextRunAt: string;
    lastRun: {
      outcome: string;
      jobId: string | null;
      jobStatus: string | null;
      auditId: string | null;
      error: { code: string; message: string } | null;
    } | null;
    skippedRuns: number;
  }[];
  scheduler: {
    state: string;
    nextDueAt: string | null;
    lastTickAt: string | null;
    lastError: unknown;
    errors: number;
  };
}

async function schedules(fixture: Fixture): Promise<ScheduleBody> {
  const response = await fixture.request('/v1/schedules', { as: 'read' });
  expect(response.status).toBe(200);
  return (await response.json()) as ScheduleBody;
}

async function auditJobs(fixture: Fixture) {
  return (await (await fixture.engine.jobs()).listJobs({ limit: 100 })).filter((job) => job.kind === 'audit');
}

async function report(fixture: Fixture, id: string): Promise<AuditReport> {
  const response = await fixture.request(`/v1/audits/${id}/report`, { as: 'read' });
  expect(response.status).toBe(200);
  return (await response.json()) as AuditReport;
}

describe('scheduled audits (injected clock, real sandbox)', () => {
  it('runs a due audit through the audit-job path, once, and shows next and last run', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const fixture = await scheduled(clock, [nightly({ recentDays: 30 })]);
    let body = await schedules(fixture);
    expect(body.schedules).toEqual([
      expect.objectContaining({ name: 'nightly', nextRunAt: '2026-12-01T06:00:00.000Z', lastRun: null }),
    ]);
    expect(body.scheduler).toMatchObject({ state: 'running', nextDueAt: '2026-12-01T06:00:00.000Z' });

    clock.now = new Date('2026-12-01T05:59:59Z');
    await fixture.api.scheduler.tick();
    expect(await auditJobs(fixture)).toHaveLength(0);

    clock.now = new Date('2026-12-01T06:00:02Z');
    await fixture.api.scheduler.tick();
    await fixture.api.scheduler.tick();
    const jobs = await auditJobs(fixture);
    expect(jobs).toHaveLength(1);
    const job = await waitForAudit((path) => fixture.request(path, { as: 'read' }), jobs[0]?.id as string);
    expect(job.status).toBe('succeeded');
    body = await schedules(fixture);
    expect(body.schedules[0]).toMatchObject({
      nextRunAt: '2026-12-02T06:00:00.000Z',
      lastRun: {
        outcome: 'started',
        jobId: jobs[0]?.id,
        jobStatus: 'succeeded',
        auditId: jobs[0]?.id,
        error: null,
      },
      skippedRuns: 0,
    });
    // The schedule's settings reached the audit.
    expect((await report(fixture, jobs[0]?.id as string)).settings).toMatchObject({ recentDays: 30 });
  });

  it('sees root credentials that appeared between two scheduled runs (sandbox admin surface)', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const fixture = await scheduled(clock, [nightly()]);
    clock.now = new Date('2026-12-01T06:00:00Z');
    await fixture.api.scheduler.tick();
    const [first] = await auditJobs(fixture);
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), first?.id as string);
    const before = await report(fixture, first?.id as string);
    const clean = before.accounts.find((account) => account.status === 'clean');
    expect(clean).toBeDefined();

    fixture.sandbox.admin.addAccessKey(clean?.accountId as string, { status: 'Active' });
    clock.now = new Date('2026-12-02T06:00:01Z');
    await fixture.api.scheduler.tick();
    const second = (await auditJobs(fixture)).find((job) => job.id !== first?.id);
    expect(second).toBeDefined();
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), second?.id as string);
    const after = await report(fixture, second?.id as string);
    expect(after.accounts.find((account) => account.accountId === clean?.accountId)?.status).toBe('exposed');
    expect(after.summary.exposed).toBe(before.summary.exposed + 1);
  });

  it('skips a due run while the previous one still runs, and records why', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    // The first audit waits for the test to let it go: it is still running when the next run is due.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let audits = 0;
    const fixture = await scheduled(clock, [nightly({ cron: '0 * * * *' })], {
      wrapEngine: (engine: Engine): Engine => ({
        ...engine,
        async audit(input, options) {
          audits += 1;
          if (audits === 1) await gate;
          return engine.audit(input, options);
        },
      }),
    });
    clock.now = new Date('2026-12-01T06:00:00Z');
    await fixture.api.scheduler.tick();
    const [first] = await auditJobs(fixture);
    clock.now = new Date('2026-12-01T07:00:00Z');
    await fixture.api.scheduler.tick();
    expect(await auditJobs(fixture)).toHaveLength(1);
    let body = await schedules(fixture);
    expect(body.schedules[0]).toMatchObject({
      nextRunAt: '2026-12-01T08:00:00.000Z',
      lastRun: {
        outcome: 'skipped',
        jobId: first?.id,
        jobStatus: expect.stringMatching(/^(queued|running)$/),
        error: {
          code: 'PREVIOUS_RUN_STILL_GOING',
          message: expect.stringContaining('skipped: previous run still going'),
        },
      },
      skippedRuns: 1,
    });
    release();
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), first?.id as string);
    clock.now = new Date('2026-12-01T08:00:00Z');
    await fixture.api.scheduler.tick();
    expect(await auditJobs(fixture)).toHaveLength(2);
    body = await schedules(fixture);
    expect(body.schedules[0]).toMatchObject({ lastRun: { outcome: 'started', error: null }, skippedRuns: 1 });
  });

  it('after downtime, one catch-up run (not one per missed day); a restart keeps the stored next run', async () => {
    const home = temporaryDirectory('rootwarden-schedules-');
    const sandbox = createSandbox({});
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const first = await scheduled(clock, [nightly()], { home, reuseSandbox: sandbox });
    expect((await schedules(first)).schedules[0]?.nextRunAt).toBe('2026-12-01T06:00:00.000Z');
    await first.close();
    fixtures.splice(fixtures.indexOf(first), 1);

    // Three days and three hours later.
    clock.now = new Date('2026-12-04T09:00:00Z');
    const second = await scheduled(clock, [nightly()], { home, reuseSandbox: sandbox });
    expect((await schedules(second)).schedules[0]?.nextRunAt).toBe('2026-12-01T06:00:00.000Z');
    await second.api.scheduler.tick();
    await second.api.scheduler.tick();
    const jobs = await auditJobs(second);
    expect(jobs).toHaveLength(1);
    await waitForAudit((path) => second.request(path, { as: 'read' }), jobs[0]?.id as string);
    expect((await schedules(second)).schedules[0]).toMatchObject({
      nextRunAt: '2026-12-05T06:00:00.000Z',
      lastRun: { outcome: 'started', jobStatus: 'succeeded' },
    });
    expect(second.logs.some((line) => line.includes('one catch-up run'))).toBe(true);
  });

  it('two servers on one store (replicas) ticking at the due time start one audit', async () => {
    const home = temporaryDirectory('rootwarden-schedules-');
    const sandbox = createSandbox({});
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const a = await scheduled(clock, [nightly()], { home, reuseSandbox: sandbox });
    const b = await scheduled(clock, [nightly()], { home, reuseSandbox: sandbox });
    clock.now = new Date('2026-12-01T06:00:00Z');
    await Promise.all([a.api.scheduler.tick(), b.api.scheduler.tick(), a.api.scheduler.tick()]);
    const jobs = await auditJobs(a);
    expect(jobs).toHaveLength(1);
    const store = await openSqliteStore({ home });
    try {
      expect((await store.listScheduleStates())[0]).toMatchObject({
        lastJobId: jobs[0]?.id,
        nextRunAt: '2026-12-02T06:00:00.000Z',
      });
    } finally {
      await store.close();
    }
    const runner = (await a.api.jobs.get(jobs[0]?.id as string)) ? a : b;
    await waitForAudit((path) => runner.request(path, { as: 'read' }), jobs[0]?.id as string);
  });

  it('a run whose audit cannot be queued is recorded not started, and is not retried until the next run', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const fixture = await scheduled(clock, [nightly()], { app: { maxQueuedAudits: 0 } });
    clock.now = new Date('2026-12-01T06:00:00Z');
    await fixture.api.scheduler.tick();
    await fixture.api.scheduler.tick();
    expect(await auditJobs(fixture)).toHaveLength(0);
    const body = await schedules(fixture);
    expect(body.schedules[0]).toMatchObject({
      nextRunAt: '2026-12-02T06:00:00.000Z',
      lastRun: { outcome: 'not-started', jobStatus: null, error: { code: 'QUEUE_FULL' } },
    });
    expect(body.scheduler).toMatchObject({ lastError: { code: 'QUEUE_FULL' }, errors: 1 });
  });

  it('a run claimed by a process that died before queuing its audit is shown not started (never rerun)', async () => {
    const home = temporaryDirectory('rootwarden-schedules-');
    const store = await openSqliteStore({ home });
    await store.saveScheduleTiming({
      name: 'nightly',
      cron: '0 6 * * *',
      timezone: 'UTC',
      nextRunAt: '2026-12-01T06:00:00.000Z',
      at: '2026-12-01T05:00:00.000Z',
    });
    await store.claimScheduleRun('nightly', {
      dueAt: '2026-12-01T06:00:00.000Z',
      nextRunAt: '2026-12-02T06:00:00.000Z',
      at: '2026-12-01T06:00:00.000Z',
      outcome: 'started',
      jobId: 'job-of-a-dead-process',
      error: null,
    });
    await store.close();
    const clock = { now: new Date('2026-12-01T06:10:00Z') };
    const fixture = await scheduled(clock, [nightly()], { home });
    await fixture.api.scheduler.tick();
    expect(await auditJobs(fixture)).toHaveLength(0);
    expect((await schedules(fixture)).schedules[0]).toMatchObject({
      nextRunAt: '2026-12-02T06:00:00.000Z',
      lastRun: { outcome: 'not-started', jobId: 'job-of-a-dead-process', error: { code: 'SERVER_STOPPED' } },
    });
  });

  it('schedules have their own selection; periodic tasks run on every tick with the injected time', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const seen: string[] = [];
    const fixture = await scheduled(
      clock,
      [
        nightly({ name: 'one-account', accounts: ['111111111111'] }),
        nightly({ name: 'all', cron: '0 7 * * *' }),
      ],
      {
        app: {
          periodicTasks: [
            { name: 'record', run: async (now) => seen.push(now.toISOString()) },
            {
              name: 'broken',
              run: async () => {
                throw new Error('broken task');
              },
            },
          ],
        },
      },
    );
    clock.now = new Date('2026-12-01T06:30:00Z');
    await fixture.api.scheduler.tick();
    const [job] = await auditJobs(fixture);
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), job?.id as string);
    const audited = await report(fixture, job?.id as string);
    expect(audited.selection).toMatchObject({ accounts: ['111111111111'] });
    expect(seen).toEqual(['2026-12-01T06:30:00.000Z']);
    const body = await schedules(fixture);
    expect(body.schedules.map((schedule) => [schedule.name, schedule.lastRun?.outcome ?? null])).toEqual([
      ['one-account', 'started'],
      ['all', null],
    ]);
    // A failing periodic task is shown, and did not stop the schedules.
    expect(body.scheduler.lastError).toMatchObject({
      message: 'broken task',
      at: '2026-12-01T06:30:00.000Z',
    });
    const ready = (await (await fixture.request('/readyz', { as: null })).json()) as {
      scheduler: { lastError: unknown; nextDueAt: string };
    };
    expect(ready.scheduler).toMatchObject({
      lastError: { message: 'broken task' },
      nextDueAt: '2026-12-01T07:00:00.000Z',
    });
  });
});

describe('GET /metrics', () => {
  it('needs a read token and exposes audits by trigger and outcome, the latest audit and the scheduler', async () => {
    const clock = { now: new Date('2026-12-01T05:00:00Z') };
    const fixture = await scheduled(clock, [nightly()]);
    expect((await fixture.request('/metrics', { as: null })).status).toBe(401);
    clock.now = new Date('2026-12-01T06:00:00Z');
    await fixture.api.scheduler.tick();
    const [job] = await auditJobs(fixture);
    await waitForAudit((path) => fixture.request(path, { as: 'read' }), job?.id as string);
    const started = await fixture.request('/v1/audits', { method: 'POST', as: 'audit' });
    await waitForAudit(
      (path) => fixture.request(path, { as: 'read' }),
      ((await started.json()) as { id: string }).id,
    );
    const audited = await report(fixture, job?.id as string);

    const response = await fixture.request('/metrics', { as: 'read' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('rootwarden_audits_total{trigger="schedule",outcome="succeeded"}')).toBe(1);
    expect(value('rootwarden_audits_total{trigger="api",outcome="succeeded"}')).toBe(1);
    expect(value('rootwarden_audits_total{trigger="api",outcome="failed"}')).toBe(0);
    expect(value('rootwarden_accounts{status="exposed"}')).toBe(audited.summary.exposed);
    expect(value('rootwarden_accounts{status="clean"}')).toBe(audited.summary.clean);
    expect(value('rootwarden_findings{severity="critical"}')).toBe(audited.summary.findings.critical);
    expect(value('rootwarden_notification_failures')).toBe(0);
    expect(value('rootwarden_scheduler_up')).toBe(1);
    expect(value('rootwarden_scheduler_errors_total')).toBe(0);
    expect(value('rootwarden_schedule_next_run_timestamp_seconds{schedule="nightly"}')).toBe(
      Date.parse('2026-12-02T06:00:00Z') / 1000,
    );
    // Every sample line is `name{labels} value` of a metric with HELP and TYPE (text format 0.0.4).
    for (const line of text.split('\n').filter((entry) => entry && !entry.startsWith('#'))) {
      expect(line).toMatch(/^rootwarden_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$/);
      const name = line.split(/[{ ]/)[0];
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('shows the delivery log of the notifications the scheduled audit sent (delivered and failed)', async () => {
    const receivers: Server[] = [];
    const listen = async (status: number) => {
      const receiver = createServer((request, response) => {
        request.resume();
        request.on('end', () => response.writeHead(status).end());
      });
      receivers.push(receiver);
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    };
    try {
      const clock = { now: new Date('2026-12-01T05:00:00Z') };
      const fixture = await scheduled(clock, [nightly()], {
        engine: {
          notifications: {
            channels: [
              { type: 'webhook', name: 'ops', url: await listen(200), secretEnv: 'HOOK_SECRET' },
              { type: 'webhook', name: 'down', url: await listen(500), secretEnv: 'HOOK_SECRET' },
            ],
            maxAttempts: 1,
          },
          env: { HOOK_SECRET: 'metrics-test-secret' },
          notificationBackoff: { minTimeoutMs: 1, maxTimeoutMs: 5 },
        },
      });
      clock.now = new Date('2026-12-01T06:00:00Z');
      await fixture.api.scheduler.tick();
      const [job] = await auditJobs(fixture);
      await waitForAudit((path) => fixture.request(path, { as: 'read' }), job?.id as string);
      // The guard delivers after the job is recorded: wait (bounded) for both rows to settle.
      const deadline = Date.now() + 60_000;
      let text = '';
      while (!/rootwarden_notification_failures 1\n/.test(text) || !text.includes('status="delivered"')) {
        if (Date.now() > deadline) throw new Error(`deliveries never settled:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        text = await (await fixture.request('/metrics', { as: 'read' })).text();
      }
      expect(text).toContain('rootwarden_notification_deliveries{channel="ops",status="delivered"} 1');
      expect(text).toContain('rootwarden_notification_deliveries{channel="down",status="failed"} 1');
      expect(text).not.toContain('metrics-test-secret');
    } finally {
      for (const receiver of receivers) await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
