/**
 * How API replicas on one database share work and news: a job id queued by any replica is run by one
 * replica's worker, and what a running job reports reaches subscribers on every replica. The job itself
 * (status, lease, outcome) lives in the Store; the queue carries only ids and events.
 */
export interface JobQueue {
  /**
   * Queues a job id for a worker. `attempt` (0 for a new job, then the job's attempt count when a lost
   * job is queued again) makes the message unique: replicas queuing the same lost job at once send it once.
   */
  enqueue(jobId: string, attempt: number): Promise<void>;
  /** Runs `handler` for queued ids in this process, at most `concurrency` at a time, until close(). */
  work(concurrency: number, handler: (jobId: string) => Promise<void>): Promise<void>;
  /** Sends an event of a job to every replica's subscribers (live only: nothing is kept for later). */
  publish(jobId: string, event: QueuedJobEvent): Promise<void>;
  /** Receives every job event published by any replica (this one included); returns an unsubscribe. */
  subscribe(listener: (jobId: string, event: QueuedJobEvent) => void): () => void;
  /** Stops taking jobs (running handlers finish), stops listening, closes connections. */
  close(): Promise<void>;
}

/** One job event as it travels between replicas (the API's server-sent event, unchanged). */
export interface QueuedJobEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}
