import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { mapPostgresError } from '../store/postgres/map-postgres-error.js';
import { describeStoreUrl } from '../store/store-url.js';
import type { JobQueue, QueuedJobEvent } from './job-queue.js';

export interface PostgresJobQueueOptions {
  /** The store's `postgres://` URL: the queue keeps its tables in the same database (schema `queueSchema`). */
  url: string;
  /** pg-boss's schema (default `rootwarden_queue`). */
  queueSchema?: string;
  /** How often an idle worker looks for a job, in seconds (default 1; pg-boss allows 0.5 and up). */
  pollingIntervalSeconds?: number;
  /** Told about failures that do not belong to one request (a lost LISTEN connection, a worker error). */
  onError?: (error: Error) => void;
}

const QUEUE_NAME = 'rootwarden-audit';
/** LISTEN/NOTIFY channel of job events (https://www.postgresql.org/docs/current/sql-notify.html). */
const EVENT_CHANNEL = 'rootwarden_job_events';
/** NOTIFY payloads must be shorter than 8000 bytes in the default configuration (same page). */
const MAX_PAYLOAD_BYTES = 7_900;

/** A UUID derived from the job id and attempt: pg-boss ignores a second send with the same id. */
function messageId(jobId: string, attempt: number): string {
  const hex = createHash('sha256').update(`${jobId}\n${attempt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The job queue of replicas on PostgreSQL: pg-boss 10 (MIT; 11+ needs Node 22) hands each queued id to
 * one worker (`SELECT … FOR UPDATE SKIP LOCKED`), and LISTEN/NOTIFY carries events to every replica.
 * pg-boss's own retry is off: a job whose replica died is found by its expired lease in the store and
 * queued again by a surviving replica, within seconds instead of pg-boss's expiry.
 */
export async function openPostgresJobQueue(options: PostgresJobQueueOptions): Promise<JobQueue> {
  const location = describeStoreUrl(options.url);
  const onError = options.onError ?? (() => undefined);
  const boss = new PgBoss({
    connectionString: options.url,
    schema: options.queueSchema ?? 'rootwarden_queue',
    max: 4,
    schedule: false,
    // Finished queue messages are history we do not need (the store keeps the jobs).
    deleteAfterDays: 1,
  });
  boss.on('error', onError);
  const listeners = new Set<(jobId: string, event: QueuedJobEvent) => void>();
  const listener = new pg.Client({ connectionString: options.url });
  let closed = false;
  try {
    await boss.start();
    await boss.createQueue(QUEUE_NAME, {
      name: QUEUE_NAME,
      retryLimit: 0,
      // The longest pg-boss allows (under 24 h): an audit is never cut short by the queue.
      expireInSeconds: 23 * 60 * 60,
    });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel !== EVENT_CHANNEL || !message.payload) return;
      let parsed: { jobId: string; event: QueuedJobEvent };
      try {
        parsed = JSON.parse(message.payload);
      } catch {
        return;
      }
      for (const subscriber of listeners) subscriber(parsed.jobId, parsed.event);
    });
    listener.on('error', (error) => {
      if (!closed) onError(error);
    });
    await listener.query(`LISTEN ${EVENT_CHANNEL}`);
  } catch (error) {
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    await listener.end().catch(() => undefined);
    throw mapPostgresError(error, location);
  }

  const workerIds: string[] = [];
  return {
    async enqueue(jobId, attempt) {
      try {
        await boss.send(QUEUE_NAME, { jobId }, { id: messageId(jobId, attempt), retryLimit: 0 });
      } catch (error) {
        throw mapPostgresError(error, location);
      }
      for (const id of workerIds) boss.notifyWorker(id);
    },
    async work(concurrency, handler) {
      // pg-boss 10 runs one job at a time per worker: `concurrency` workers.
      for (let index = 0; index < concurrency; index += 1) {
        workerIds.push(
          await boss.work<{ jobId: string }>(
            QUEUE_NAME,
            { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
            async (jobs) => {
              for (const job of jobs) await handler(job.data.jobId);
            },
          ),
        );
      }
    },
    async publish(jobId, event) {
      let payload = JSON.stringify({ jobId, event });
      // A status-only event stands in for one too large to notify (never expected: events are small).
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
        payload = JSON.stringify({ jobId, event: { id: event.id, event: 'status', data: {} } });
      await boss
        .getDb()
        .executeSql('select pg_notify($1, $2)', [EVENT_CHANNEL, payload])
        .catch((error: Error) => onError(error));
    },
    subscribe(subscriber) {
      listeners.add(subscriber);
      return () => listeners.delete(subscriber);
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(onError);
      await listener.end().catch(() => undefined);
    },
  };
}
