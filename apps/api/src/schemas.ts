import { z } from '@hono/zod-openapi';
import {
  AccountIdSchema,
  ApplyResultSchema,
  AuditDiffSchema,
  AuditIdSchema,
  AuditInputSchema,
  AuditListEntrySchema,
  AuditReportSchema,
  BreakglassWindowSchema,
  ClosedBreakglassWindowsSchema,
  CreatePlanInputSchema,
  DiffFormatSchema,
  ExceptionEventSchema,
  FindingExceptionSchema,
  InventorySchema,
  JobSchema,
  ListAuditsInputSchema,
  OpenBreakglassInputSchema,
  OrgStatusSchema,
  ParentIdSchema,
  PlanIdSchema,
  PlanSchema,
  PolicyCheckSchema,
  PolicyTaskSchema,
  ReportFormatSchema,
} from '@rootwarden/core';

type OpenApiArgs = [refIdOrMetadata: string | Record<string, unknown>];

/**
 * `.openapi(...)` for a schema core created. zod 4 copies methods onto each instance when it is built, so a
 * core schema built before @hono/zod-openapi extended zod has no `.openapi`: call the extension itself.
 * It returns a copy; core's schema is left as it was.
 */
function openapi<T extends z.ZodType>(schema: T, ...args: OpenApiArgs): T {
  const extension = (z.ZodType.prototype as unknown as { openapi: (this: T, ...rest: OpenApiArgs) => T })
    .openapi;
  return extension.call(schema, ...args);
}

// Core's schemas, named once so the OpenAPI document refers to them as components. These are the same
// schemas the engine parses with (`.openapi(name)` only attaches a component name); the API defines only
// transport shapes: errors, job views, query strings and path parameters.

export const AuditInput = openapi(AuditInputSchema, 'AuditInput');
export const AuditReport = openapi(AuditReportSchema, 'AuditReport');
const AuditListEntry = openapi(AuditListEntrySchema, 'AuditListEntry');
export const AuditDiff = openapi(AuditDiffSchema, 'AuditDiff');
export const OrgStatus = openapi(OrgStatusSchema, 'OrgStatus');
const FindingException = openapi(FindingExceptionSchema, 'FindingException');
const ExceptionEvent = openapi(ExceptionEventSchema, 'ExceptionEvent');
export const ExceptionList = z
  .object({
    exceptions: z.array(FindingException),
    /** Who added and removed which exception, when (only with `history=true`). */
    events: z.array(ExceptionEvent).optional(),
  })
  .openapi('ExceptionList');
export const ExceptionListQuery = z
  .object({
    history: z
      .enum(['true', 'false'])
      .default('false')
      .openapi({
        param: { name: 'history', in: 'query' },
        description: 'Also list who added and removed which exception, and when.',
      }),
  })
  .strict();
export const Inventory = openapi(InventorySchema, 'Inventory');
export const PolicyCheck = openapi(PolicyCheckSchema, 'PolicyCheck');
export const CreatePlanInput = openapi(CreatePlanInputSchema, 'CreatePlanInput');
export const Plan = openapi(PlanSchema, 'Plan');
export const ApplyResult = openapi(ApplyResultSchema, 'ApplyResult');
export const OpenBreakglassInput = openapi(OpenBreakglassInputSchema, 'OpenBreakglassInput');
const BreakglassWindow = openapi(BreakglassWindowSchema, 'BreakglassWindow');
export const ClosedBreakglassWindows = openapi(ClosedBreakglassWindowsSchema, 'ClosedBreakglassWindows');
export const BreakglassOpened = z
  .object({ plan: Plan, window: BreakglassWindow })
  .openapi('BreakglassOpened');
export const BreakglassWindowList = z
  .object({ windows: z.array(BreakglassWindow) })
  .openapi('BreakglassWindowList');
export const BreakglassListQuery = z.object({
  open: z.enum(['true', 'false']).optional().openapi({
    description: '`true`: only windows not closed yet; `false`: only closed ones. Default: every window.',
  }),
});
export const BreakglassAccountParams = z.object({
  accountId: openapi(AccountIdSchema, {
    param: { name: 'accountId', in: 'path' },
    description: 'The member account whose open window to close.',
  }),
});

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .openapi({ description: 'Stable error code (see the README table).', example: 'INVALID_INPUT' }),
      message: z.string(),
      requestId: z.string().openapi({ description: 'Also in the X-Request-Id header and the server log.' }),
      field: z.string().optional().openapi({ description: 'The field at fault, e.g. `accounts[1]`.' }),
      location: z.enum(['body', 'query', 'path', 'header']).optional(),
      fix: z.string().optional(),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const JobStatus = openapi(JobSchema.shape.status, 'JobStatus');

const AuditProgress = z
  .object({
    /** Accounts finished so far. */
    done: z.number().int(),
    /** Accounts to audit; null until the inventory is complete. */
    total: z.number().int().nullable(),
  })
  .openapi('AuditProgress');

/** An audit as the API shows it: a job (queued, running, …) and, once finished, its report. */
export const AuditJob = z
  .object({
    id: z.string().openapi({ description: 'The job id, which is also the audit id of its report.' }),
    status: JobStatus,
    createdAt: z.string(),
    updatedAt: z.string(),
    input: z.unknown().openapi({ description: 'The audit request as accepted (defaults applied).' }),
    progress: AuditProgress.nullable(),
    error: JobSchema.shape.error,
    auditId: z.string().nullable(),
    report: AuditReport.optional().openapi({
      description: 'Present once the audit finished (partial, `complete: false`, when it was interrupted).',
    }),
  })
  .openapi('AuditJob');

export const AuditList = z
  .object({
    audits: z.array(AuditListEntry).openapi({ description: 'Saved audits, newest first.' }),
    jobs: z.array(AuditJob).openapi({
      description:
        'Recent API audit jobs that have no complete report: queued, running, failed, interrupted.',
    }),
  })
  .openapi('AuditList');

export const AuditAccepted = z
  .object({
    id: z.string(),
    auditId: z.string().openapi({
      description: 'The audit id of its report (equal to `id`): the field `GET /v1/audits` lists audits by.',
    }),
    status: JobStatus,
    links: z.object({ self: z.string(), events: z.string(), report: z.string() }),
  })
  .openapi('AuditAccepted');

const SchedulerStatus = z
  .object({
    state: z
      .enum(['disabled', 'starting', 'running', 'stopped'])
      .openapi({ description: '`disabled`: no schedule is configured.' }),
    schedules: z.number().int(),
    nextDueAt: z.string().nullable().openapi({ description: 'The earliest next run of any schedule.' }),
    lastTickAt: z
      .string()
      .nullable()
      .openapi({ description: 'When the scheduler last looked for due runs.' }),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable().openapi({
      description:
        'The most recent failure of a scheduler tick (a schedule, the store, a periodic task), with its time.',
    }),
    errors: z.number().int().openapi({ description: 'Scheduler failures since the server started.' }),
  })
  .openapi('SchedulerStatus');

export const Health = z.object({ status: z.literal('ok'), scheduler: SchedulerStatus }).openapi('Health');
export const Readiness = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.string()),
    scheduler: SchedulerStatus,
  })
  .openapi('Readiness');

const ScheduleError = z.object({ code: z.string(), message: z.string() });
const ScheduleView = z
  .object({
    name: z.string(),
    cron: z.string().openapi({ example: '0 6 * * *' }),
    timezone: z.string().openapi({ example: 'UTC' }),
    selection: z.object({
      accounts: z.array(z.string()),
      ous: z.array(z.string()),
      exclude: z.array(z.string()),
    }),
    settings: z.object({ concurrency: z.number().int(), recentDays: z.number().int() }),
    nextRunAt: z.string().nullable(),
    lastRun: z
      .object({
        dueAt: z.string().nullable(),
        at: z.string().nullable().openapi({ description: 'When the due run was handled.' }),
        outcome: z.enum(['started', 'skipped', 'not-started']).nullable().openapi({
          description:
            '`started`: its audit job was queued (see `jobStatus`); `skipped`: the previous run was still going; `not-started`: the audit could not be queued (see `error`).',
        }),
        jobId: z.string().nullable().openapi({ description: 'The last audit job the schedule started.' }),
        jobStatus: JobStatus.nullable(),
        auditId: z.string().nullable(),
        error: ScheduleError.nullable(),
      })
      .nullable(),
    skippedRuns: z.number().int(),
  })
  .openapi('Schedule');
export const ScheduleList = z
  .object({ schedules: z.array(ScheduleView), scheduler: SchedulerStatus })
  .openapi('ScheduleList');

/** Path parameter: an audit id (a job id, or a saved audit's id or unique prefix). */
export const AuditIdParam = openapi(AuditIdSchema, {
  param: { name: 'id', in: 'path' },
  description: 'An audit id (UUID), or a unique prefix of a saved audit id (at least 4 characters).',
  example: '3f2a9c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
});

export const OtherAuditIdParam = openapi(AuditIdSchema, {
  param: { name: 'otherId', in: 'path' },
  description: 'The newer audit to compare with.',
});

export const PlanIdParam = openapi(PlanIdSchema, {
  param: { name: 'id', in: 'path' },
  description: 'A plan id as `POST /v1/plans` returned it.',
});

export const IdempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1–255 printable ASCII characters (a UUID is a good choice)')
  .openapi({
    param: { name: 'Idempotency-Key', in: 'header' },
    description: 'Required. Repeating a key replays the first answer and never applies twice.',
    example: '0b8f6d2c-6c1e-4f59-9a0e-3a3c2d1e0f9a',
  });

// Query strings are text: numbers are coerced here, then the engine parses with its own schema (limits).
export const ListAuditsQuery = z
  .object({
    organizationId: openapi(ListAuditsInputSchema.shape.organizationId, {
      param: { name: 'organizationId', in: 'query' },
      description: 'Only audits of this organization (o-…).',
    }),
    limit: z.coerce
      .number()
      .int()
      .optional()
      .openapi({
        param: { name: 'limit', in: 'query' },
        description: 'Newest first, at most this many (default 20).',
      }),
  })
  .strict();

export const ListAccountsQuery = z
  .object({
    ou: z
      .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(ParentIdSchema))
      .optional()
      .openapi({
        param: { name: 'ou', in: 'query', style: 'form', explode: true },
        description: 'Only accounts under these OUs or roots (repeat the parameter for several).',
      }),
  })
  .strict();

const repeated = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(item)).optional();

export const PolicyCheckQuery = z
  .object({
    task: repeated(PolicyTaskSchema).openapi({
      param: { name: 'task', in: 'query', style: 'form', explode: true },
      description: 'Only these tasks (repeat the parameter for several; default: all five).',
    }),
    account: repeated(AccountIdSchema).openapi({
      param: { name: 'account', in: 'query', style: 'form', explode: true },
      description: 'Only these member accounts.',
    }),
    ou: repeated(ParentIdSchema).openapi({
      param: { name: 'ou', in: 'query', style: 'form', explode: true },
      description: 'Only accounts under these OUs or roots.',
    }),
  })
  .strict();

export const ReportQuery = z
  .object({
    format: ReportFormatSchema.default('json').openapi({ param: { name: 'format', in: 'query' } }),
  })
  .strict();

export const DiffQuery = z
  .object({
    format: DiffFormatSchema.default('json').openapi({ param: { name: 'format', in: 'query' } }),
  })
  .strict();
