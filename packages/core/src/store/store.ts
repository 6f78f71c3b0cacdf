import { z } from 'zod';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { BreakglassWindow } from '../domain/breakglass.js';
import { TimestampSchema } from '../domain/common.js';
import type { ExceptionEvent, FindingException } from '../domain/exception.js';
import type { DeliveryStatus, Notification, NotificationDelivery } from '../domain/guard.js';
import type { AuditListEntry, ListAuditsQuery } from '../domain/history.js';
import type { ScheduleRunClaim, ScheduleState } from '../domain/schedule.js';
import type { CoreError } from '../errors.js';

/** The privileged tasks a plan can hold (the `rootwarden plan <task>` subcommands). */
export const PlanTaskSchema = z.enum([
  'delete-root-credentials',
  'allow-password-recovery',
  'unlock-s3-bucket-policy',
  'unlock-sqs-queue-policy',
  'enable-root-access',
]);
export type PlanTask = z.infer<typeof PlanTaskSchema>;

export const PlanStatusSchema = z.enum(['ready', 'applying', 'applied', 'failed']);
export type PlanStatus = z.infer<typeof PlanStatusSchema>;

/** A plan as stored: indexed columns plus the plan itself as JSON (`body`, shaped by the plan workflow). */
export const StoredPlanSchema = z.object({
  id: z.string().min(1),
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
  organizationId: z.string(),
  task: PlanTaskSchema,
  status: PlanStatusSchema,
  /** A digest of the state observed when planning; apply compares it to refuse stale plans. */
  fingerprint: z.string(),
  body: z.unknown(),
});
export type StoredPlan = z.infer<typeof StoredPlanSchema>;

const JournalPhaseSchema = z.enum(['before', 'after']);
const JournalOutcomeSchema = z.enum(['pending', 'done', 'already-done', 'failed', 'skipped']);

/** One apply journal entry: written before and after every AWS action of a plan. */
export const JournalEntrySchema = z.object({
  planId: z.string().min(1),
  /** 1, 2, 3… per plan, assigned by the store in write order. */
  sequence: z.number().int().min(1),
  actionId: z.string().min(1),
  phase: JournalPhaseSchema,
  outcome: JournalOutcomeSchema,
  at: TimestampSchema,
  detail: z.unknown(),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
export type NewJournalEntry = Omit<JournalEntry, 'sequence'>;

export interface PlanClaim {
  owner: string;
  until: string;
  now: string;
  /** Holders that may be replaced even though their claim has not run out (runs known to be gone). */
  takeOver?: readonly string[];
}
export type PlanClaimResult = { claimed: true } | { claimed: false; owner: string; until: string };

const JobKindSchema = z.enum(['audit', 'plan', 'apply']);
const JobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

const JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A job of the HTTP API (an audit started by `POST /v1/audits`, …). */
export const JobSchema = z.object({
  id: z.string().min(1),
  kind: JobKindSchema,
  status: JobStatusSchema,
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  input: z.unknown(),
  auditId: z.string().nullable(),
  error: JobErrorSchema.nullable(),
  /** What a finished job produced, as JSON (an apply's result, replayed for a repeated Idempotency-Key). */
  result: z.unknown().optional(),
});
export type Job = z.infer<typeof JobSchema>;
export type JobUpdate = Partial<Pick<Job, 'status' | 'auditId' | 'error' | 'result'>> & {
  updatedAt: string;
  /**
   * Only if this runner still holds the job's lease (RESOURCE_NOT_FOUND otherwise): a runner that lost
   * its lease to another replica never overwrites that replica's outcome. Ends the lease.
   */
  leaseOwner?: string;
};

/** A runner's hold on a job (`Store.claimJob`): `owner` renews it before `until` or loses the job. */
export interface JobLease {
  owner: string;
  now: string;
  until: string;
}

/** A running job whose runner stopped renewing its lease. */
export interface ExpiredJob {
  job: Job;
  /** How many runners took it so far. */
  attempts: number;
}

/** A saved audit `listAudits` left out because its row cannot be read. */
export interface UnreadableAudit {
  auditId: string;
  error: CoreError;
}

export interface ListAuditsOptions {
  /** Called for each saved audit left out because its row is unreadable (STORE_CORRUPT). */
  onUnreadable?: (audit: UnreadableAudit) => void;
}

/**
 * What a running audit checkpoints besides its account results: everything a partial report needs,
 * so the finished accounts of an audit whose process died are not lost.
 */
export interface AuditCheckpointHeader {
  auditId: string;
  organizationId: string;
  managementAccountId: string;
  caller: AuditReport['caller'];
  startedAt: string;
  selection: AuditReport['selection'];
  settings: AuditReport['settings'];
  /** Accounts the inventory listed, once it finished (null before). */
  listed: number | null;
}

export interface AuditCheckpoint {
  header: AuditCheckpointHeader;
  /** The accounts finished so far, in the order they finished. */
  results: AccountAuditResult[];
}

/** One channel a notification goes to: a delivery row starts `pending` with 0 attempts. */
export interface NewDelivery {
  channel: string;
  channelType: NotificationDelivery['channelType'];
}

export interface DeliveryClaim {
  owner: string;
  until: string;
  now: string;
}

export interface DeliveryUpdate {
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  /** Give the claim back (the sender is done with this row for now). */
  release?: boolean;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  notificationId?: string;
  limit?: number;
}

/** How many rows of the delivery log a channel has in a status. */
export interface DeliveryCount {
  channel: string;
  status: DeliveryStatus;
  count: number;
}

/** The guard's part of the store: notifications, their delivery log, break-glass windows. */
export interface GuardStore {
  /**
   * Records a notification and a `pending` delivery per channel, in one transaction. A notification or
   * delivery already recorded (same id: a restart, another process) is kept as it is. Returns the
   * notification's deliveries as they now stand.
   */
  recordNotification(
    notification: Notification,
    channels: readonly NewDelivery[],
    at: string,
  ): Promise<NotificationDelivery[]>;
  getNotification(id: string): Promise<Notification | undefined>;
  /**
   * Claims one delivery for one sender until `until`, atomically across processes: granted when it is
   * not delivered and nobody else holds an unexpired claim.
   */
  claimDelivery(notificationId: string, channel: string, claim: DeliveryClaim): Promise<boolean>;
  updateDelivery(notificationId: string, channel: string, update: DeliveryUpdate): Promise<void>;
  /** The delivery log, oldest first. */
  listDeliveries(query?: DeliveryQuery): Promise<NotificationDelivery[]>;
  /** The whole delivery log counted by channel and status (by channel, then status), in one query. */
  countDeliveries(): Promise<DeliveryCount[]>;
  openBreakglassWindow(window: BreakglassWindow): Promise<void>;
  /** Closes a window that is still open; false when it was already closed (someone else closed it). */
  closeBreakglassWindow(id: string, closing: { at: string; by: string }): Promise<boolean>;
  /** Records the cleanup plan prepared when a window closed (or why none could be); returns the window. */
  setBreakglassCleanup(
    id: string,
    cleanup: { planId: string | null; error: string | null },
  ): Promise<BreakglassWindow | undefined>;
  /** Windows, oldest first; `open: true` only those not closed. */
  listBreakglassWindows(query?: { open?: boolean; accountId?: string }): Promise<BreakglassWindow[]>;
}

/**
 * Where rootwarden keeps its history: audits with their per-account results, plans and their apply
 * journal, HTTP API jobs. Every method is async so a networked database (PostgreSQL for several API
 * instances) can implement it. Nothing stored ever holds a credential: audit reports are re-parsed
 * with their schema (unknown fields dropped) and free-form JSON is checked for secret-named fields.
 * Failures are CoreErrors: STORE_UNAVAILABLE, STORE_CORRUPT, STORE_BUSY, INVALID_INPUT.
 */
export interface Store extends GuardStore {
  /** Saves a finished (or interrupted) audit and its per-account results in one transaction. */
  saveAudit(report: AuditReport): Promise<void>;
  /**
   * Records a running audit's header (replacing the previous one) and adds the account results that
   * finished since the last call, in one transaction: a process that dies keeps them.
   */
  checkpointAudit(header: AuditCheckpointHeader, results: readonly AccountAuditResult[]): Promise<void>;
  /** What a running (or dead) audit checkpointed, or undefined when it has no checkpoint. */
  getAuditCheckpoint(auditId: string): Promise<AuditCheckpoint | undefined>;
  /** Drops an audit's checkpoint (no-op when there is none): once its report is saved, or it failed. */
  deleteAuditCheckpoint(auditId: string): Promise<void>;
  /**
   * Saved audits, newest first (by start time). A row that cannot be read is left out (the others are
   * still listed) and given to `options.onUnreadable` with its STORE_CORRUPT error.
   */
  listAudits(query: ListAuditsQuery, options?: ListAuditsOptions): Promise<AuditListEntry[]>;
  /** Ids of saved audits that start with `prefix` (a full id matches itself), at most `limit`. */
  findAuditIds(prefix: string, limit: number): Promise<string[]>;
  /** The full report, or undefined when no audit has this id. */
  getAudit(id: string): Promise<AuditReport | undefined>;

  savePlan(plan: StoredPlan): Promise<void>;
  getPlan(id: string): Promise<StoredPlan | undefined>;
  /** Ids of saved plans that start with `prefix` (a full id matches itself), at most `limit`. */
  findPlanIds(prefix: string, limit: number): Promise<string[]>;
  setPlanStatus(id: string, status: PlanStatus): Promise<void>;
  /**
   * Claims a plan for one apply run until `until` (ISO), atomically across processes: granted when no
   * run holds it, when `owner` already does (a renewal), when the holder's claim ran out, or when the
   * holder is in `takeOver` (a run known to be dead). Otherwise returns who holds it and until when.
   */
  claimPlan(id: string, claim: PlanClaim): Promise<PlanClaimResult>;
  /** Gives a claim back (no-op when `owner` does not hold it). */
  releasePlan(id: string, owner: string): Promise<void>;
  /** Appends an entry with the plan's next sequence number (atomic across processes) and returns it. */
  appendJournal(entry: NewJournalEntry): Promise<JournalEntry>;
  /** A plan's journal in sequence order. */
  listJournal(planId: string): Promise<JournalEntry[]>;

  /** Saves a new job; a `running` one created with a lease is held by `lease.owner` (see claimJob). */
  createJob(job: Job, lease?: JobLease): Promise<void>;
  updateJob(id: string, update: JobUpdate): Promise<Job>;
  getJob(id: string): Promise<Job | undefined>;
  listJobs(query?: { status?: JobStatus; limit?: number }): Promise<Job[]>;
  /** Marks jobs left `queued` or `running` by a process that died as `interrupted`; returns how many. */
  interruptUnfinishedJobs(at: string): Promise<number>;
  /**
   * Takes a job for one runner (atomically across processes): a `queued` job, or a `running` one whose
   * lease ran out before `now` (its runner died). Sets it `running`, counts the attempt and returns it
   * with the attempt number; undefined when another runner holds it or it has ended.
   */
  claimJob(id: string, lease: JobLease): Promise<{ job: Job; attempt: number } | undefined>;
  /** Extends every lease `owner` holds on running jobs to `until`; returns how many. */
  renewJobLeases(owner: string, until: string): Promise<number>;
  /** Running jobs whose lease ran out before `now`, oldest first. */
  listExpiredJobs(now: string, limit?: number): Promise<ExpiredJob[]>;
  /**
   * Ends a running job whose lease ran out before `update.updatedAt` (unless a runner took or renewed
   * it meanwhile) with `update`; true when it did.
   */
  endExpiredJob(id: string, update: JobUpdate & { status: JobStatus }): Promise<boolean>;

  /** Records an exception (`rootwarden exceptions add`); `exception.createdAt`/`createdBy` say when and who. */
  addException(exception: StoredException): Promise<void>;
  /** Marks an exception removed (kept for its history); undefined when no live exception has this id. */
  removeException(id: string, removal: { at: string; by: string }): Promise<FindingException | undefined>;
  /** Live exceptions (expired ones included: they are reported as expired), oldest first. */
  listExceptions(): Promise<FindingException[]>;
  /** Who added and removed which exception, when, oldest first. */
  listExceptionEvents(): Promise<ExceptionEvent[]>;

  /** Every schedule's persisted state (next run, last run), by name. */
  listScheduleStates(): Promise<ScheduleState[]>;
  /**
   * Creates a schedule's state, or resets its next run to `nextRunAt` when its cron or time zone changed;
   * an unchanged schedule keeps its stored next run (a restart neither loses nor repeats a due run).
   */
  saveScheduleTiming(timing: {
    name: string;
    cron: string;
    timezone: string;
    nextRunAt: string;
    at: string;
  }): Promise<ScheduleState>;
  /**
   * Takes a due run atomically across processes: true only if the schedule's next run is still
   * `claim.dueAt` (compare-and-set), which then moves to `claim.nextRunAt` with the run recorded.
   */
  claimScheduleRun(name: string, claim: ScheduleRunClaim): Promise<boolean>;
  /** Marks the run that started job `jobId` as not started (its audit could not be queued). */
  recordScheduleStartFailure(
    name: string,
    failure: { jobId: string; error: { code: string; message: string }; at: string },
  ): Promise<void>;

  close(): Promise<void>;
}

/** An exception as the store keeps it: always with who added it and when. */
export type StoredException = FindingException & { createdAt: string; createdBy: string; source: 'store' };
