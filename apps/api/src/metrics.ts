import type { AuditListEntry, DeliveryCount, Engine, Job } from '@rootwarden/core';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AuditJobObserver, AuditTrigger } from './audit-jobs.js';
import type { Scheduler, ScheduleView } from './scheduler.js';

/**
 * `GET /metrics`, the Prometheus text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), with prom-client. Counters count what
 * this process did since it started (Prometheus handles restarts: `rate()`, `increase()`); gauges
 * describe the organization as the latest saved audit saw it and the scheduler as it stands, read at
 * scrape time from the store (never from AWS: a scrape costs no AWS quota).
 */
export interface ApiMetrics {
  registry: Registry;
  /** Feeds the audit counters (given to AuditJobs). */
  observer: AuditJobObserver;
  render(): Promise<string>;
  contentType: string;
}

const ACCOUNT_STATUSES = ['clean', 'exposed', 'unknown', 'skipped'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const OUTCOMES = ['succeeded', 'failed', 'interrupted'] as const;
const TRIGGERS: readonly AuditTrigger[] = ['api', 'schedule'];

const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);

export function createApiMetrics(options: {
  engine: Engine;
  scheduler: () => Scheduler | undefined;
}): ApiMetrics {
  const registry = new Registry();
  const audits = new Counter({
    name: 'rootwarden_audits_total',
    help: 'Audit jobs this server ran to an end, by trigger (api, schedule) and outcome (succeeded, failed, interrupted).',
    labelNames: ['trigger', 'outcome'],
    registers: [registry],
  });
  // Every series from the start, at zero: a rate over a series that appears late misses its first step.
  for (const trigger of TRIGGERS) for (const outcome of OUTCOMES) audits.inc({ trigger, outcome }, 0);
  const throttles = new Counter({
    name: 'rootwarden_aws_throttles_total',
    help: 'AWS calls of audits that AWS throttled (each one retried with backoff), by operation.',
    labelNames: ['operation'],
    registers: [registry],
  });
  // The guard's delivery log (one row per notification and channel), counted by the store at scrape
  // time (one GROUP BY, however many years of rows): a row moves from pending to delivered or failed
  // (and a failed one is retried after the next audit), so these are gauges of the log, not counters.
  new Gauge({
    name: 'rootwarden_notification_deliveries',
    help: 'Notification deliveries in the delivery log by channel and status (pending, delivered, failed: failed ones are retried after the next audit). No series without notification channels.',
    labelNames: ['channel', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { channel, status, count } of scrape.deliveries) this.set({ channel, status }, count);
    },
  });
  new Gauge({
    name: 'rootwarden_notification_failures',
    help: 'Notification deliveries that failed after all their attempts and wait for the next audit to retry them.',
    registers: [registry],
    collect() {
      let failed = 0;
      for (const { status, count } of scrape.deliveries) if (status === 'failed') failed += count;
      this.set(failed);
    },
  });

  // What the gauges show is read once per scrape (render), so one scrape is one consistent picture. A
  // store that cannot be read leaves those gauges out rather than failing the scrape: the counters and
  // the scheduler state still reach Prometheus (and /readyz says what is wrong).
  let scrape: {
    latest: AuditListEntry | undefined;
    schedules: ScheduleView[];
    deliveries: DeliveryCount[];
  } = { latest: undefined, schedules: [], deliveries: [] };
  const readScrape = async () => {
    const latest = await options.engine
      .listAudits({ limit: 20 })
      .then((entries) => entries.find((entry) => entry.complete) ?? entries[0])
      .catch(() => undefined);
    const schedules =
      (await options
        .scheduler()
        ?.list()
        .catch(() => [])) ?? [];
    const deliveries = await options.engine.countDeliveries().catch(() => []);
    scrape = { latest, schedules, deliveries };
  };
  const latest = () => scrape.latest;
  new Gauge({
    name: 'rootwarden_accounts',
    help: 'Accounts by status (clean, exposed, unknown, skipped) in the latest saved audit (the latest complete one when there is one).',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      const entry = latest();
      if (!entry) return;
      for (const status of ACCOUNT_STATUSES) this.set({ status }, entry.summary[status]);
    },
  });
  new Gauge({
    name: 'rootwarden_findings',
    help: 'Findings no exception accepts, by severity, in the latest saved audit.',
    labelNames: ['severity'],
    registers: [registry],
    collect() {
      this.reset();
      const entry = latest();
      if (!entry) return;
      for (const severity of SEVERITIES) this.set({ severity }, entry.summary.findings[severity]);
    },
  });
  new Gauge({
    name: 'rootwarden_latest_audit_timestamp_seconds',
    help: 'When the latest saved audit started (Unix time); alert when it is too old.',
    registers: [registry],
    collect() {
      this.reset();
      const started = seconds(latest()?.startedAt);
      if (started !== undefined) this.set(started);
    },
  });

  const scheduler = () => options.scheduler()?.status();
  new Gauge({
    name: 'rootwarden_scheduler_up',
    help: '1 when the scheduler is running, 0 when it is stopped or no schedule is configured.',
    registers: [registry],
    collect() {
      this.set(scheduler()?.state === 'running' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'rootwarden_scheduler_last_tick_timestamp_seconds',
    help: 'When the scheduler last looked for due runs (Unix time).',
    registers: [registry],
    collect() {
      this.reset();
      const at = seconds(scheduler()?.lastTickAt);
      if (at !== undefined) this.set(at);
    },
  });
  new Counter({
    name: 'rootwarden_scheduler_errors_total',
    help: 'Scheduler failures (a schedule, the store, a periodic task) since the server started; /readyz shows the last one.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(scheduler()?.errors ?? 0);
    },
  });
  const scheduleGauge = (name: string, help: string, pick: (view: ScheduleView) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['schedule'],
      registers: [registry],
      collect() {
        this.reset();
        for (const view of scrape.schedules) {
          const value = pick(view);
          if (value !== undefined) this.set({ schedule: view.name }, value);
        }
      },
    });
  scheduleGauge(
    'rootwarden_schedule_next_run_timestamp_seconds',
    'When each schedule runs next (Unix time).',
    (view) => seconds(view.nextRunAt),
  );
  scheduleGauge(
    'rootwarden_schedule_last_run_timestamp_seconds',
    'When each schedule last handled a due run (started, skipped or not started; Unix time).',
    (view) => seconds(view.lastRun?.at),
  );
  scheduleGauge(
    'rootwarden_schedule_skipped_runs',
    'Due runs of each schedule skipped because its previous audit was still going (since the schedule was created).',
    (view) => view.skippedRuns,
  );

  return {
    registry,
    contentType: registry.contentType,
    observer: {
      ended(job: Job, trigger: AuditTrigger) {
        if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'interrupted')
          audits.inc({ trigger, outcome: job.status });
      },
      throttled(operation: string) {
        throttles.inc({ operation });
      },
    },
    async render() {
      await readScrape();
      return registry.metrics();
    },
  };
}
