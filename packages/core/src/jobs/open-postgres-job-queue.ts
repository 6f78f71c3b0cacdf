import type { JobQueue } from './job-queue.js';
import type { PostgresJobQueueOptions } from './postgres-job-queue.js';

/**
 * The replicas' job queue, loaded only when a server is pointed at PostgreSQL: `pg` and `pg-boss` are
 * not worth their start-up time in every CLI and MCP command.
 */
export async function openPostgresJobQueue(options: PostgresJobQueueOptions): Promise<JobQueue> {
  const queue = await import('./postgres-job-queue.js');
  return queue.openPostgresJobQueue(options);
}
