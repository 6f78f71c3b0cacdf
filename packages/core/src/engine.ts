import { existsSync } from 'node:fs';
import type { RootSession } from './aws/root-session.js';
import { type AwsConnectionOptions, AwsRuntime } from './aws/runtime.js';
import { type Inventory, type ListAccountsInput, ListAccountsInputSchema } from './domain/account.js';
import {
  type AccountAuditResult,
  type AuditInput,
  AuditInputSchema,
  type AuditReport,
} from './domain/audit.js';
import type { AuditDiff } from './domain/audit-diff.js';
import type { BreakglassWindow } from './domain/breakglass.js';
import { AccountIdSchema, byAccountId } from './domain/common.js';
import type { SandboxContext, SandboxEndpoint } from './domain/connection-options.js';
import type { EngineEvent, EngineEventListener } from './domain/events.js';
import type { ExceptionEvent, FindingException, NewException } from './domain/exception.js';
import {
  type NotificationConfig,
  type NotificationConfigInput,
  NotificationConfigSchema,
  type NotificationDelivery,
} from './domain/guard.js';
import {
  AuditIdSchema,
  type AuditListEntry,
  type ListAuditsInput,
  ListAuditsInputSchema,
} from './domain/history.js';
import {
  type EnableInput,
  EnableInputSchema,
  type EnableResult,
  type EnableStep,
  type OrgStatus,
} from './domain/org-status.js';
import { parseInput } from './domain/parse-input.js';
import {
  type ApplyResult,
  type CreatePlanInput,
  CreatePlanInputSchema,
  type OpenSessionInput,
  OpenSessionInputSchema,
  type Plan,
  PlanIdPrefixSchema,
  type RestorePolicyInput,
} from './domain/plan.js';
import { type PolicyCheck, type PolicyCheckInput, PolicyCheckInputSchema } from './domain/policy-check.js';
import { CoreError, isCoreError } from './errors.js';
import { applyExceptions, ExceptionTracker } from './rules/apply-exceptions.js';
import { diffAudits } from './rules/diff-audits.js';
import { databasePath, resolveHome } from './store/home.js';
import { openStore } from './store/open-store.js';
import type { DeliveryCount, ListAuditsOptions, Store } from './store/store.js';
import { describeStoreUrl } from './store/store-url.js';
import { applyPlan, DEFAULT_APPLY_CONCURRENCY } from './workflows/apply.js';
import { auditOrganization } from './workflows/audit.js';
import { AuditCheckpointer, partialReport } from './workflows/audit-checkpoints.js';
import {
  type ClosedWindow,
  closeBreakglassWindows,
  noOpenWindow,
  type OpenBreakglassInput,
  openBreakglassWindow,
  windowClosedWarning,
} from './workflows/breakglass.js';
import { checkOrganizationPolicies } from './workflows/check-policies.js';
import { enableRootAccess, previewEnableRootAccess } from './workflows/enable-root-access.js';
import { addException, previousAuditDiff, removeException } from './workflows/exceptions.js';
import { type GuardResult, guardAfterAudit } from './workflows/guard.js';
import { listOrganizationAccounts } from './workflows/inventory.js';
import type { Backoff } from './workflows/notify.js';
import { getOrgStatus } from './workflows/org-status.js';
import { createPlan, DEFAULT_PLAN_TTL_SECONDS } from './workflows/plan.js';
import { restorePolicies } from './workflows/restore-policy.js';
import { loadPlan } from './workflows/saved-plan.js';
import { openRootSession } from './workflows/session.js';

export interface EngineOptions extends AwsConnectionOptions {
  /**
   * Work against an AWS emulator (the offline sandbox) instead of AWS: started on first use, its
   * endpoint, region and caller replace the connection options, and `close()` stops it. Build it with
   * `engineConnectionOptions` (every door's `--sandbox`); core never imports the sandbox itself.
   */
  connectSandbox?: (context: SandboxContext) => Promise<SandboxEndpoint>;
  /** The engine's clock (tests pin it). */
  now?: () => Date;
  /** Lifetime of root sessions in seconds (AWS allows 0–900; default 900). */
  sessionDurationSeconds?: number;
  /**
   * Directory of the history database (`rootwarden.db`). Default: `$ROOTWARDEN_HOME`, else
   * `~/.rootwarden`. Opened only when a method needs it.
   */
  home?: string;
  /**
   * Where audits, plans and jobs are kept: `false` keeps nothing (audits are not saved, history
   * methods fail with STORE_UNAVAILABLE); a `Store` replaces the SQLite file (the caller closes it).
   */
  store?: Store | false;
  /**
   * A `postgres://` URL: keep history in that PostgreSQL database (shared by API replicas, the CLI in
   * CI, …) instead of the SQLite file in `home`. Default: `$ROOTWARDEN_STORE_URL`.
   */
  storeUrl?: string | undefined;
  /** How long a plan may be applied after it was made, in seconds (default 3600: one hour). */
  planTtlSeconds?: number;
  /**
   * The guard's notifications (channels, threshold): used by `guardAfterAudit` and when a break-glass
   * window closes. Channel secrets are read from `env` (default process.env) by the names it gives.
   */
  notifications?: NotificationConfigInput;
  env?: Readonly<Record<string, string | undefined>>;
  /** Waits between delivery attempts (tests shorten them). */
  notificationBackoff?: Backoff;
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: EngineEventListener;
}

export interface ApplyRunOptions extends RunOptions {
  /** Accounts acted on at once (default 4); actions inside one account run in order. */
  concurrency?: number;
}

export interface AuditRunOptions extends RunOptions {
  /** Save the report to the history (default true; ignored when the engine has no store). */
  save?: boolean;
  /** The report's id (default: a new UUID). The HTTP API uses its job id, so one id names both. */
  auditId?: string;
  /**
   * When given, an unusable history (a full or read-only disk, an uncreatable home, a corrupt database)
   * does not cost the report: the audit runs, the report is returned unsaved, and the store's error
   * (STORE_UNAVAILABLE / STORE_CORRUPT / STORE_BUSY naming the cause) is given here, once. Without it,
   * such an error fails the audit (before any AWS call when the store cannot be opened).
   */
  onSaveFailed?: (error: CoreError) => void;
  /**
   * Exceptions from a reviewed file (`--exceptions FILE`, see readExceptionsFile), applied with those
   * recorded in the store: an accepted finding stays in the report, marked, and stops counting for --fail-on.
   */
  exceptions?: readonly FindingException[];
  /**
   * Write finished accounts to the history as they finish (needs a store), so a process that dies
   * mid-audit keeps them: `recoverAudit(auditId)` then saves them as a partial report.
   */
  checkpoint?: boolean;
  /**
   * Deliver each account's result once, as its `account-done` event, and return the report with an
   * empty `accounts` (its summary still counts every account): memory stays flat however large the
   * organization. When the audit is also saved, the results are kept until the store has them.
   */
  streamResults?: boolean;
}

/** An audit recovered from its checkpoint: the partial report saved, and how many accounts were listed. */
export interface RecoveredAudit {
  report: AuditReport;
  /** Accounts the inventory had listed when the process died (null when the listing had not finished). */
  listed: number | null;
}

/** The store's HTTP API job methods (`Engine.jobs()`). */
export type JobStore = Pick<
  Store,
  | 'createJob'
  | 'updateJob'
  | 'getJob'
  | 'listJobs'
  | 'interruptUnfinishedJobs'
  | 'claimJob'
  | 'renewJobLeases'
  | 'listExpiredJobs'
  | 'endExpiredJob'
>;

/** The store's schedule methods (`Engine.schedules()`), for the API server's scheduler. */
export type ScheduleStore = Pick<
  Store,
  'listScheduleStates' | 'saveScheduleTiming' | 'claimScheduleRun' | 'recordScheduleStartFailure'
>;

/** Where the engine sends its calls. */
export interface ConnectionInfo {
  region: string;
  endpoint: string | null;
  stsEndpoint: string;
  /** Set in sandbox mode: the sandbox's URL and scenario. */
  sandbox: { url: string; scenario: string } | null;
}

/** The one façade every adapter (CLI, HTTP API, MCP server) holds. */
export interface Engine {
  connection(): Promise<ConnectionInfo>;
  /** The HTTP API's jobs, kept in the history store (STORE_UNAVAILABLE when the engine has none). */
  jobs(): Promise<JobStore>;
  /** The history store's schedule state (next and last run of each audit schedule). */
  schedules(): Promise<ScheduleStore>;
  getOrgStatus(options?: RunOptions): Promise<OrgStatus>;
  previewEnableRootAccess(
    input?: EnableInput,
    options?: RunOptions,
  ): Promise<{ status: OrgStatus; steps: EnableStep[] }>;
  enableRootAccess(input?: EnableInput, options?: RunOptions): Promise<EnableResult>;
  listAccounts(input?: ListAccountsInput, options?: RunOptions): Promise<Inventory>;
  /**
   * Predicts which member accounts and root-session tasks the organization's SCPs and RCPs will
   * refuse, naming the policy and statement (reads only; `available: false` when the caller may not
   * read the policies).
   */
  checkPolicies(input?: PolicyCheckInput, options?: RunOptions): Promise<PolicyCheck>;
  /**
   * Audits the organization and saves the report (unless `save: false`). The history database is
   * opened before any AWS call, so an unusable one fails fast instead of after a long audit.
   */
  audit(input?: AuditInput, options?: AuditRunOptions): Promise<AuditReport>;
  /**
   * Saves what an audit run with `checkpoint: true` finished before its process died, as a partial
   * report (`complete: false`); undefined when it checkpointed nothing. Its saved report when it has one.
   */
  recoverAudit(auditId: string): Promise<RecoveredAudit | undefined>;
  /**
   * Saved audits, newest first, without their per-account results. An unreadable row is left out and
   * given to `options.onUnreadable` (one damaged audit never hides the others).
   */
  listAudits(input?: ListAuditsInput, options?: ListAuditsOptions): Promise<AuditListEntry[]>;
  /** A saved audit by id (or unique id prefix): AUDIT_NOT_FOUND when there is none. */
  getAudit(id: string): Promise<AuditReport>;
  /**
   * What changed between two saved audits of the same organization. Without ids: the last two audits
   * of the organization audited last; with only `oldId`: that audit against its organization's latest.
   */
  diffAudits(oldId?: string, newId?: string): Promise<AuditDiff>;
  /**
   * Plans one privileged task, reading only: IAM tasks observe with the audit task policy, S3/SQS
   * tasks read the current policy with their own task session (Get/List only). Saved in the store.
   */
  createPlan(input: CreatePlanInput, options?: RunOptions): Promise<Plan>;
  /** A saved plan by id: PLAN_NOT_FOUND when there is none. */
  getPlan(planId: string): Promise<Plan>;
  /**
   * The full id of the saved plan a unique prefix names (at least 4 characters; a full id names itself):
   * INVALID_INPUT listing the candidates when several match, PLAN_NOT_FOUND when none.
   */
  resolvePlanId(prefix: string): Promise<string>;
  /**
   * Applies a reviewed plan (the adapter has obtained consent): refuses expired (PLAN_EXPIRED) and stale
   * (PLAN_STALE) plans, journals before and after every AWS action, verifies by observing again, and
   * resumes an interrupted apply without repeating finished actions.
   */
  applyPlan(planId: string, options?: ApplyRunOptions): Promise<ApplyResult>;
  /** Puts back S3/SQS policies a plan backed up before removing them. */
  restorePolicy(input: RestorePolicyInput, options?: RunOptions): Promise<ApplyResult>;
  /**
   * A task-scoped root session for one account, for what the user explicitly asked: `exec` (the child's
   * environment) and `credential-process`. The credentials stay inside the returned object.
   */
  openRootSession(input: OpenSessionInput, options?: RunOptions): Promise<RootSession>;
  /** Records an exception to a finding, with an owner and an expiry; `by` says who (shown in its history). */
  addException(input: NewException, by: string): Promise<FindingException>;
  /** Removes an exception by id or unique prefix (EXCEPTION_NOT_FOUND when none); kept in its history. */
  removeException(id: string, by: string): Promise<FindingException>;
  /** Exceptions in the store (not removed), expired ones included. */
  listExceptions(): Promise<FindingException[]>;
  /** Who added and removed which exception, and when. */
  listExceptionEvents(): Promise<ExceptionEvent[]>;
  /** Drift between a report and the previous saved audit of its organization (undefined when none, or no store). */
  previousAuditDiff(report: AuditReport): Promise<AuditDiff | undefined>;
  /**
   * The guard, after a saved audit: audits accounts that joined (when the audit did not reach them),
   * prepares a delete-root-credentials plan for those exposed (never applied by rootwarden), decides what
   * needs a person and delivers it to the configured channels (webhook, Slack) with retries, logged in
   * the delivery log. The HTTP API runs it after every audit job; the CLI after `audit` when channels are
   * configured.
   */
  guardAfterAudit(report: AuditReport, options?: RunOptions): Promise<GuardResult>;
  /** The delivery log: one row per notification and channel (attempts, status, last error). */
  listDeliveries(query?: {
    status?: NotificationDelivery['status'];
    limit?: number;
  }): Promise<NotificationDelivery[]>;
  /** The whole delivery log counted by channel and status (what `GET /metrics` shows). */
  countDeliveries(): Promise<DeliveryCount[]>;
  /** The guard configuration in force (defaults filled in). */
  notificationConfig(): NotificationConfig;
  /**
   * A time-boxed break-glass window: prepares the allow-password-recovery plan and records the window
   * (the caller's principal, `localUser`, the ticket, when, until). Audits report it until it is closed.
   */
  openBreakglass(
    input: OpenBreakglassInput,
    localUser: string,
    options?: RunOptions,
  ): Promise<{ plan: Plan; window: BreakglassWindow }>;
  /**
   * Closes the open windows of an account (`rootwarden breakglass close A`): prepares the plan that deletes
   * the recovered credentials (a person approves it) and notifies. INVALID_INPUT when none is open.
   */
  closeBreakglass(accountId: string, by: string, options?: RunOptions): Promise<ClosedWindow[]>;
  /**
   * Closes every window whose time is up, as `closeBreakglass` does: the API scheduler's tick calls it,
   * and every saved audit does at its start. Returns the windows it closed.
   */
  closeExpiredBreakglassWindows(now?: Date, options?: RunOptions): Promise<ClosedWindow[]>;
  /** Break-glass windows, oldest first (`open: true`: those not closed). */
  listBreakglassWindows(query?: { open?: boolean; accountId?: string }): Promise<BreakglassWindow[]>;
  /** Stops the in-process sandbox (if any), closes connections and the history database. */
  close(): Promise<void>;
}

interface Connected {
  runtime: AwsRuntime;
  sandbox: { url: string; scenario: string; close(): Promise<void> } | null;
}

async function connect(options: EngineOptions, home: string): Promise<Connected> {
  if (!options.connectSandbox) return { runtime: await AwsRuntime.create(options), sandbox: null };
  // The sandbox's organization lives where the history does; an engine that keeps no history keeps none.
  const started = await options.connectSandbox(options.store === undefined ? { home } : {});
  try {
    const runtime = await AwsRuntime.create({
      ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
      endpoint: started.endpoint,
      region: options.region ?? started.region,
      credentials: started.credentials,
    });
    return {
      runtime,
      sandbox: { url: started.endpoint, scenario: started.scenario, close: () => started.close() },
    };
  } catch (error) {
    await started.close();
    throw error;
  }
}

/** Parses an audit id argument with the field name the caller used (`oldId`, `newId`, `id`). */
function parseAuditId(field: string, value: unknown): string {
  return parseInput(AuditIdSchema, value, field);
}

export function createEngine(options: EngineOptions = {}): Engine {
  const now = options.now ?? (() => new Date());
  const notifications = parseInput(NotificationConfigSchema, options.notifications ?? {}, 'notifications');
  const breakglassContext = (history: Store, run: RunOptions, clock: () => Date = now) => ({
    store: history,
    now: clock,
    createPlan: (input: CreatePlanInput) =>
      engine.createPlan(input, run.signal ? { signal: run.signal } : {}),
    config: notifications,
    env: options.env ?? process.env,
    backoff: options.notificationBackoff,
    signal: run.signal,
  });
  const home = resolveHome(options.home);
  const storeUrl = options.storeUrl || process.env.ROOTWARDEN_STORE_URL || undefined;
  /** Where the history is, for messages (never a password). */
  const historyLocation = storeUrl ? describeStoreUrl(storeUrl) : databasePath(home);
  let opened: Promise<Store> | undefined;
  /** A history to read: a given store, a PostgreSQL URL, or a SQLite file that already exists. */
  const historyExists = (): boolean =>
    Boolean(options.store) || storeUrl !== undefined || existsSync(databasePath(home));
  /**
   * Exceptions recorded in the history apply to every audit, saved or not: read them when the engine
   * saves, or when a history database already exists (--no-save never creates one).
   */
  const storedExceptions = async (history: Store | undefined): Promise<FindingException[]> => {
    if (history) return history.listExceptions();
    if (options.store === false) return [];
    if (!historyExists()) return [];
    return (await store()).listExceptions();
  };
  /** Open break-glass windows, read like the exceptions: from the history when there is one. */
  const openBreakglassWindows = async (history: Store | undefined): Promise<BreakglassWindow[]> => {
    if (history) return history.listBreakglassWindows({ open: true });
    if (options.store === false || !historyExists()) return [];
    return (await store()).listBreakglassWindows({ open: true });
  };
  const store = (): Promise<Store> => {
    if (options.store === false)
      return Promise.reject(
        new CoreError('STORE_UNAVAILABLE', 'This engine keeps no history (created with store: false).', {
          fix: 'Create the engine without `store: false` to use saved audits.',
        }),
      );
    if (options.store) return Promise.resolve(options.store);
    opened ??= openStore({ url: storeUrl, home, now });
    return opened;
  };

  const loadAudit = async (field: string, raw: unknown): Promise<AuditReport> => {
    const prefix = parseAuditId(field, raw);
    const history = await store();
    const ids = await history.findAuditIds(prefix, 2);
    const id = ids.includes(prefix) ? prefix : ids.length === 1 ? ids[0] : undefined;
    if (ids.length > 1 && id === undefined) {
      throw new CoreError(
        'INVALID_INPUT',
        `${field}: "${prefix}" matches several saved audits (${ids.join(', ')}, …).`,
        {
          fix: 'Give more characters of the audit id (`rootwarden audits list` shows them).',
          details: { field },
        },
      );
    }
    const report = id === undefined ? undefined : await history.getAudit(id);
    if (!report) {
      throw new CoreError('AUDIT_NOT_FOUND', `No saved audit ${prefix}.`, {
        fix: `See the saved audits with \`rootwarden audits list\` (history: ${historyLocation}, set by ${storeUrl ? 'ROOTWARDEN_STORE_URL or --store' : 'ROOTWARDEN_HOME'}).`,
        details: { field, auditId: prefix },
      });
    }
    return report;
  };
  let connected: Promise<Connected> | undefined;
  const ready = () => {
    connected ??= connect(options, home);
    return connected;
  };
  const runtime = async () => (await ready()).runtime;

  /** What apply and restore-policy run with: the store, AWS, the clock, the caller's signal and events. */
  const applyContext = async (run: RunOptions, concurrency: number) => ({
    store: await store(),
    runtime: await runtime(),
    now,
    signal: run.signal,
    onEvent: run.onEvent,
    sessionDurationSeconds: options.sessionDurationSeconds,
    concurrency,
  });

  const engine: Engine = {
    async connection() {
      const { runtime: aws, sandbox } = await ready();
      return {
        region: aws.region,
        endpoint: aws.endpoint ?? null,
        stsEndpoint: aws.stsEndpoint,
        sandbox: sandbox ? { url: sandbox.url, scenario: sandbox.scenario } : null,
      };
    },
    jobs: store,
    schedules: store,
    async getOrgStatus(run = {}) {
      return getOrgStatus(await runtime(), { signal: run.signal });
    },
    async previewEnableRootAccess(input, run = {}) {
      const { rootSessions } = parseInput(EnableInputSchema, input);
      return previewEnableRootAccess(await runtime(), rootSessions, { signal: run.signal });
    },
    async enableRootAccess(input, run = {}) {
      const { rootSessions } = parseInput(EnableInputSchema, input);
      return enableRootAccess(await runtime(), rootSessions, { signal: run.signal });
    },
    async listAccounts(input, run = {}) {
      const { ous } = parseInput(ListAccountsInputSchema, input);
      return listOrganizationAccounts(
        await runtime(),
        { accounts: [], ous, exclude: [] },
        { signal: run.signal },
      );
    },
    async checkPolicies(input, run = {}) {
      const { tasks, accounts, ous } = parseInput(PolicyCheckInputSchema, input);
      return checkOrganizationPolicies(
        await runtime(),
        { tasks, selection: { accounts, ous, exclude: [] } },
        { signal: run.signal },
      );
    },
    async audit(input, run = {}) {
      const settings = parseInput(AuditInputSchema, input);
      const saveFailed = (error: unknown) => {
        if (!run.onSaveFailed) throw error;
        run.onSaveFailed(
          isCoreError(error)
            ? error
            : new CoreError('INTERNAL', `The audit could not be saved: ${String(error)}`, { cause: error }),
        );
      };
      let history: Store | undefined;
      if (run.save !== false && options.store !== false) {
        try {
          history = await store();
        } catch (error) {
          saveFailed(error);
        }
      }
      const inForce = [
        ...(run.exceptions ?? []),
        ...(await storedExceptions(history).catch((error: unknown) => {
          saveFailed(error);
          return [];
        })),
      ];
      const exceptions = new ExceptionTracker(inForce, now());
      // Break-glass windows whose time is up close first (their cleanup plan prepared, notified); this
      // never costs the audit.
      const windowsClosed = history
        ? await closeBreakglassWindows(
            { expiredOnly: true },
            'expired',
            breakglassContext(history, run),
          ).catch(() => [])
        : [];
      // Windows still open are each account's BREAKGLASS_WINDOW_OPEN finding; reading them never costs the audit.
      const breakglassWindows = await openBreakglassWindows(history).catch(() => []);
      const checkpoints = run.checkpoint && history ? new AuditCheckpointer(history) : undefined;
      // The store takes whole reports: a streamed audit that is saved keeps its results until then.
      const kept: AccountAuditResult[] | undefined = run.streamResults && history ? [] : undefined;
      const onEvent: EngineEventListener | undefined =
        kept || checkpoints || exceptions.active
          ? (event: EngineEvent) => {
              const delivered: EngineEvent =
                event.type === 'account-done' ? { ...event, result: exceptions.accept(event.result) } : event;
              if (kept && delivered.type === 'account-done') kept.push(delivered.result);
              checkpoints?.onEvent(delivered);
              run.onEvent?.(delivered);
            }
          : run.onEvent;
      let audited: AuditReport;
      try {
        audited = await auditOrganization(await runtime(), settings, {
          now,
          signal: run.signal,
          onEvent,
          sessionDurationSeconds: options.sessionDurationSeconds,
          auditId: run.auditId,
          streamResults: run.streamResults,
          onStarted: checkpoints ? (header) => checkpoints.start(header) : undefined,
          breakglassWindows,
        });
      } catch (error) {
        // No report for a failed audit: what it checkpointed goes too.
        if (checkpoints && run.auditId) {
          await checkpoints.flush();
          await history?.deleteAuditCheckpoint(run.auditId).catch(() => undefined);
        }
        throw error;
      }
      await checkpoints?.flush();
      // A streamed report's summary was counted before acceptance; a whole report is re-marked and recounted.
      const accepted: AuditReport = !exceptions.active
        ? audited
        : run.streamResults
          ? { ...audited, summary: exceptions.adjust(audited.summary), exceptions: exceptions.section() }
          : applyExceptions(audited, inForce, now());
      // The user sees what the audit's start closed: the window, and the plan to review and apply.
      const report: AuditReport =
        windowsClosed.length === 0
          ? accepted
          : {
              ...accepted,
              warnings: [
                ...(accepted.warnings ?? []),
                ...windowsClosed.map(({ window }) => windowClosedWarning(window)),
              ],
            };
      await history
        ?.saveAudit(
          kept
            ? {
                ...report,
                accounts: kept.sort(byAccountId),
              }
            : report,
        )
        .catch(saveFailed);
      // The report supersedes what the running audit checkpointed.
      if (checkpoints) await history?.deleteAuditCheckpoint(report.auditId).catch(() => undefined);
      return report;
    },
    async recoverAudit(auditId) {
      const history = await store();
      const checkpoint = await history.getAuditCheckpoint(auditId);
      if (!checkpoint) return undefined;
      if (checkpoint.results.length === 0) {
        // Died before any account finished: there is nothing to report.
        await history.deleteAuditCheckpoint(auditId);
        return undefined;
      }
      const saved = await history.getAudit(auditId);
      if (saved) {
        await history.deleteAuditCheckpoint(auditId);
        return { report: saved, listed: checkpoint.header.listed };
      }
      const report = partialReport(checkpoint, now());
      await history.saveAudit(report);
      await history.deleteAuditCheckpoint(auditId);
      return { report, listed: checkpoint.header.listed };
    },
    async listAudits(input, listOptions) {
      const query = parseInput(ListAuditsInputSchema, input);
      return (await store()).listAudits(query, listOptions);
    },
    async getAudit(id) {
      return loadAudit('id', id);
    },
    async diffAudits(oldId, newId) {
      if (newId !== undefined && oldId === undefined)
        throw new CoreError('INVALID_INPUT', 'newId: give the older audit too.', {
          details: { field: 'oldId' },
        });
      if (oldId !== undefined && newId !== undefined)
        return diffAudits(await loadAudit('oldId', oldId), await loadAudit('newId', newId));
      const history = await store();
      if (oldId !== undefined) {
        const before = await loadAudit('oldId', oldId);
        const [latest] = await history.listAudits({ organizationId: before.organizationId, limit: 1 });
        if (!latest || latest.auditId === before.auditId) {
          throw new CoreError(
            'INVALID_INPUT',
            `Audit ${before.auditId} is the latest saved audit of organization ${before.organizationId}: there is no newer one to compare it with.`,
            { fix: 'Run `rootwarden audit` again, or give both audit ids.', details: { field: 'newId' } },
          );
        }
        return diffAudits(before, await loadAudit('newId', latest.auditId));
      }
      const [last] = await history.listAudits({ limit: 1 });
      const pair = last ? await history.listAudits({ organizationId: last.organizationId, limit: 2 }) : [];
      const [newer, older] = pair;
      if (!newer || !older) {
        throw new CoreError(
          'INVALID_INPUT',
          last
            ? `Only one saved audit of organization ${last.organizationId}: a diff needs two.`
            : `No saved audits yet in ${historyLocation}: a diff needs two.`,
          {
            fix: 'Run `rootwarden audit` (it saves every audit unless --no-save), then compare.',
            details: { field: 'oldId' },
          },
        );
      }
      return diffAudits(await loadAudit('oldId', older.auditId), await loadAudit('newId', newer.auditId));
    },
    async createPlan(input, run = {}) {
      const request = parseInput(CreatePlanInputSchema, input);
      const history = await store();
      const { plan, stored } = await createPlan(request, {
        runtime: await runtime(),
        now,
        signal: run.signal,
        sessionDurationSeconds: options.sessionDurationSeconds,
        ttlSeconds: options.planTtlSeconds ?? DEFAULT_PLAN_TTL_SECONDS,
      });
      await history.savePlan(stored);
      return plan;
    },
    async getPlan(planId) {
      return (await loadPlan(await store(), planId)).plan;
    },
    async resolvePlanId(raw) {
      const prefix = parseInput(PlanIdPrefixSchema, raw, 'planId');
      const ids = await (await store()).findPlanIds(prefix, 6);
      if (ids.includes(prefix)) return prefix;
      if (ids.length === 1) return ids[0] as string;
      if (ids.length === 0)
        throw new CoreError('PLAN_NOT_FOUND', `No saved plan ${prefix}.`, {
          fix: `Make one with \`rootwarden plan <task> …\` (it prints the plan id), and apply it with the same history (history: ${historyLocation}, set by ${storeUrl ? 'ROOTWARDEN_STORE_URL or --store' : 'ROOTWARDEN_HOME'}).`,
          details: { field: 'planId', planId: prefix },
        });
      throw new CoreError(
        'INVALID_INPUT',
        `planId: "${prefix}" matches several saved plans (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}).`,
        { fix: 'Give more characters of the plan id.', details: { field: 'planId' } },
      );
    },
    async applyPlan(planId, run = {}) {
      return applyPlan(planId, await applyContext(run, run.concurrency ?? DEFAULT_APPLY_CONCURRENCY));
    },
    async restorePolicy(input, run = {}) {
      return restorePolicies(input, await applyContext(run, 1));
    },
    async openRootSession(input, run = {}) {
      const request = parseInput(OpenSessionInputSchema, input);
      return openRootSession(request, { runtime: await runtime(), now, signal: run.signal });
    },
    async addException(input, by) {
      return addException(await store(), input, by, now());
    },
    async removeException(id, by) {
      return removeException(await store(), id, by, now());
    },
    async listExceptions() {
      return (await store()).listExceptions();
    },
    async listExceptionEvents() {
      return (await store()).listExceptionEvents();
    },
    async previousAuditDiff(report) {
      if (options.store === false) return undefined;
      if (!historyExists()) return undefined;
      return previousAuditDiff(await store(), report);
    },
    async guardAfterAudit(report, run = {}) {
      // Without a history there is no previous audit to compare with and no delivery log.
      if (options.store === false)
        return { notification: undefined, deliveries: [], plans: {}, problems: [] };
      return guardAfterAudit(report, {
        store: await store(),
        config: notifications,
        env: options.env ?? process.env,
        now,
        signal: run.signal,
        ...(options.notificationBackoff ? { backoff: options.notificationBackoff } : {}),
        createPlan: (input) => engine.createPlan(input, { ...(run.signal ? { signal: run.signal } : {}) }),
        auditAccounts: (accounts) =>
          engine.audit({ accounts }, { save: false, ...(run.signal ? { signal: run.signal } : {}) }),
      });
    },
    async listDeliveries(query = {}) {
      return (await store()).listDeliveries(query);
    },
    async countDeliveries() {
      return (await store()).countDeliveries();
    },
    notificationConfig() {
      return notifications;
    },
    async openBreakglass(input, localUser, run = {}) {
      const history = await store();
      return openBreakglassWindow(input, localUser, breakglassContext(history, run));
    },
    async closeBreakglass(accountId, by, run = {}) {
      const account = parseInput(AccountIdSchema, accountId, 'account');
      const closed = await closeBreakglassWindows(
        { accountId: account },
        by,
        breakglassContext(await store(), run),
      );
      if (closed.length === 0) throw noOpenWindow(account);
      return closed;
    },
    async closeExpiredBreakglassWindows(at, run = {}) {
      if (options.store === false) return [];
      const clock = at ? () => at : now;
      return closeBreakglassWindows(
        { expiredOnly: true },
        'expired',
        breakglassContext(await store(), run, clock),
      );
    },
    async listBreakglassWindows(query) {
      return (await store()).listBreakglassWindows(query);
    },
    async close() {
      const history = opened;
      opened = undefined;
      await history?.then((open) => open.close()).catch(() => undefined);
      if (!connected) return;
      const { runtime: aws, sandbox } = await connected.catch(() => ({ runtime: undefined, sandbox: null }));
      aws?.destroy();
      await sandbox?.close();
    },
  };
  return engine;
}
