import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type AuditReport,
  HTML_REPORT_CSP,
  isCoreError,
  type Job,
  ListAuditsInputSchema,
  parseInput,
  REPORT_CONTENT_TYPES,
  renderAuditDiff,
  renderReport,
} from '@rootwarden/core';
import { streamSSE } from 'hono/streaming';
import {
  type AuditJobView,
  type AuditProgress,
  describe,
  isTerminal,
  type StreamEvent,
  streamEvent,
} from '../audit-jobs.js';
import type { ApiEnv, RouteDeps } from '../context.js';
import { ApiError } from '../errors.js';
import {
  AuditAccepted,
  AuditDiff,
  AuditIdParam,
  AuditInput,
  AuditJob,
  AuditList,
  AuditReport as AuditReportComponent,
  DiffQuery,
  ListAuditsQuery,
  OtherAuditIdParam,
  ReportQuery,
} from '../schemas.js';
import { AUTH_ERRORS, errorResponses, scopeNote, security } from './responses.js';

const IdParams = z.object({ id: AuditIdParam });
const DiffParams = z.object({ id: AuditIdParam, otherId: OtherAuditIdParam });

/** How often an idle event stream sends a comment, so proxies keep it open. */
const KEEP_ALIVE_MS = 15_000;

/** How far an interrupted audit got, as its error recorded it (`details: { done, total }`). */
function stoppedProgress(job: Job): AuditProgress | null {
  const details = job.error?.details;
  if (job.status !== 'interrupted' || typeof details?.done !== 'number') return null;
  return { done: details.done, total: typeof details.total === 'number' ? details.total : null };
}

function jobView(job: Job, progress: AuditProgress | null, report?: AuditReport): AuditJobView {
  progress ??= stoppedProgress(job);
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    input: job.input,
    progress: progress ?? (report ? { done: report.summary.accounts, total: report.summary.accounts } : null),
    error: job.error,
    auditId: job.auditId,
    ...(report ? { report } : {}),
  };
}

/** A saved audit with no API job (run by the CLI, or a job since pruned) shown as a finished job. */
function historyView(report: AuditReport): AuditJobView {
  return {
    id: report.auditId,
    status: report.complete ? 'succeeded' : 'interrupted',
    createdAt: report.startedAt,
    updatedAt: report.finishedAt,
    input: { ...report.selection, recentDays: report.settings.recentDays },
    progress: { done: report.summary.accounts, total: report.summary.accounts },
    error: null,
    auditId: report.auditId,
    report,
  };
}

export function registerAuditRoutes(app: OpenAPIHono<ApiEnv>, deps: RouteDeps): void {
  const { engine, jobs, requireScope, logger } = deps;

  /** The saved report's id behind an audit id, or a 409 saying why there is none yet. */
  const reportIdFor = async (id: string): Promise<string> => {
    const found = await jobs.get(id);
    if (!found) return id;
    const { job } = found;
    if (!isTerminal(job.status))
      throw new ApiError('AUDIT_NOT_FINISHED', `Audit ${id} is ${job.status}: its report is not ready yet.`, {
        field: 'id',
        location: 'path',
        fix: `Follow GET /v1/audits/${id}/events, or poll GET /v1/audits/${id}.`,
      });
    if (!job.auditId)
      throw new ApiError(
        'AUDIT_HAS_NO_REPORT',
        `Audit ${id} ${job.status === 'failed' ? `failed (${job.error?.code ?? 'INTERNAL'}: ${job.error?.message ?? 'no detail'})` : 'was interrupted before any result'}: it has no report.`,
        { field: 'id', location: 'path', fix: job.error?.fix ?? 'Start a new audit with POST /v1/audits.' },
      );
    return job.auditId;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/audits',
      tags: ['audits'],
      summary: 'Start an audit of the organization (asynchronous)',
      description: `Answers 202 at once with the job id (also the audit id of its report). Follow it with \`GET /v1/audits/{id}\` or the event stream. An empty body audits every account. ${scopeNote('audit')}`,
      middleware: [requireScope('audit')] as const,
      security: security('audit'),
      request: {
        body: { required: false, content: { 'application/json': { schema: AuditInput } } },
      },
      responses: {
        202: {
          description: 'Accepted: queued',
          headers: { Location: { schema: { type: 'string' }, description: 'The job' } },
          content: { 'application/json': { schema: AuditAccepted } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 413, 415, 503),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const job = await jobs.start(input, c.get('caller')?.name ?? 'unknown');
      const self = `/v1/audits/${job.id}`;
      c.header('Location', self);
      return c.json(
        {
          id: job.id,
          auditId: job.id,
          status: job.status,
          links: { self, events: `${self}/events`, report: `${self}/report` },
        },
        202,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits',
      tags: ['audits'],
      summary: 'Saved audits, and audit jobs without a complete report',
      description: scopeNote('read'),
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { query: ListAuditsQuery },
      responses: {
        200: { description: 'Audits', content: { 'application/json': { schema: AuditList } } },
        ...errorResponses(400, ...AUTH_ERRORS, 503),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const input = parseInput(ListAuditsInputSchema, query);
      const [audits, unreported] = await Promise.all([
        engine.listAudits(input),
        jobs.listUnreported(input.limit),
      ]);
      return c.json({ audits, jobs: unreported.map(({ job, progress }) => jobView(job, progress)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}',
      tags: ['audits'],
      summary: 'An audit: job status and progress, then its report',
      description: scopeNote('read'),
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { params: IdParams },
      responses: {
        200: { description: 'The audit', content: { 'application/json': { schema: AuditJob } } },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await jobs.get(id);
      if (!found) return c.json(historyView(await engine.getAudit(id)), 200);
      const { job, progress } = found;
      const report =
        jobs.unsavedReport(id) ??
        (job.auditId && isTerminal(job.status) ? await engine.getAudit(job.auditId) : undefined);
      return c.json(jobView(job, progress, report), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}/report',
      tags: ['audits'],
      summary:
        'The report of a finished audit, as JSON, CSV, Markdown, SARIF, a self-contained HTML page or OCSF',
      description: scopeNote('read'),
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { params: IdParams, query: ReportQuery },
      responses: {
        200: {
          description: 'The report',
          content: {
            'application/json': { schema: AuditReportComponent },
            'text/csv': { schema: { type: 'string' } },
            'text/markdown': { schema: { type: 'string' } },
            'application/sarif+json': { schema: { type: 'object' } },
            'text/html': { schema: { type: 'string' } },
          },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 409, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const report = jobs.unsavedReport(id) ?? (await engine.getAudit(await reportIdFor(id)));
      c.header('Content-Type', REPORT_CONTENT_TYPES[format]);
      if (format !== 'html') return c.body(renderReport(report, format, deps.version), 200);
      // The page runs only its own inline script and style (by hash) and fetches nothing.
      c.header('Content-Security-Policy', `${HTML_REPORT_CSP}; frame-ancestors 'none'`);
      const diff = await engine.previousAuditDiff(report).catch(() => undefined);
      return c.body(renderReport(report, format, deps.version, { diff }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}/events',
      tags: ['audits'],
      summary: 'Server-sent events: progress, then completion',
      description: `Events \`status\`, \`inventory\`, \`progress\` (one per account: accountId, status, done/total, and for an unknown account its \`error\` code and message), \`throttled\`, then one of \`completed\`, \`failed\`, \`interrupted\`, after which the stream ends. Send \`Last-Event-ID\` to resume after that event (also shortly after the audit ended). A finished audit sends only its final event. Open streams are capped per token and overall: 429 \`TOO_MANY_STREAMS\` beyond. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { params: IdParams },
      responses: {
        200: {
          description: 'An event stream',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await jobs.get(id);
      // Resolved before the stream starts, so an unknown id is a JSON 404 like everywhere else.
      const saved = found ? undefined : await engine.getAudit(id);
      const lastId = Number.parseInt(c.req.header('last-event-id') ?? '0', 10);
      const afterId = Number.isSafeInteger(lastId) && lastId > 0 ? lastId : 0;
      // Taken before the stream starts, so a refusal is a JSON 429 like every other error.
      const release = deps.streams.acquire(c.get('caller')?.name ?? 'unknown');
      try {
        return streamSSE(c, async (stream) => {
          const closed = new AbortController();
          stream.onAbort(() => closed.abort());
          const keepAlive = setInterval(() => {
            void stream.write(': keep-alive\n\n').catch(() => closed.abort());
          }, KEEP_ALIVE_MS);
          // The frame was encoded once when the event happened, for every follower.
          const write = (event: StreamEvent) => stream.write(event.frame).then(() => undefined);
          try {
            if (found) await jobs.follow(found.job, afterId, write, closed.signal);
            else if (saved)
              await write(
                streamEvent(afterId + 1, saved.complete ? 'completed' : 'interrupted', {
                  id: saved.auditId,
                  status: saved.complete ? 'succeeded' : 'interrupted',
                  auditId: saved.auditId,
                  complete: saved.complete,
                  summary: saved.summary,
                }),
              );
          } catch (error) {
            if (!closed.signal.aborted) {
              logger.error({ requestId: c.get('requestId'), err: describe(error) }, 'event stream failed');
              const code = isCoreError(error) ? error.code : 'INTERNAL';
              await stream
                .writeSSE({ event: 'error', data: JSON.stringify({ code, requestId: c.get('requestId') }) })
                .catch(() => undefined);
            }
          } finally {
            clearInterval(keepAlive);
            release();
          }
        });
      } catch (error) {
        release();
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}/diff/{otherId}',
      tags: ['audits'],
      summary: 'Drift between two audits of the same organization',
      description: `Credentials that appeared or disappeared, status changes, accounts added or removed, from audit \`id\` (older) to \`otherId\` (newer). \`format=markdown\` renders it for a ticket. ${scopeNote('read')}`,
      middleware: [requireScope('read')] as const,
      security: security('read'),
      request: { params: DiffParams, query: DiffQuery },
      responses: {
        200: {
          description: 'The diff',
          content: {
            'application/json': { schema: AuditDiff },
            'text/markdown': { schema: { type: 'string' } },
          },
        },
        ...errorResponses(400, ...AUTH_ERRORS, 404, 409, 503),
      },
    }),
    async (c) => {
      const { id, otherId } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const [older, newer] = [await reportIdFor(id), await reportIdFor(otherId)];
      const diff = await engine.diffAudits(older, newer).catch((error: unknown) => {
        // The engine names its arguments oldId/newId; this route calls them id/otherId.
        if (isCoreError(error) && typeof error.details?.field === 'string') {
          const field = { oldId: 'id', newId: 'otherId' }[error.details.field] ?? error.details.field;
          throw new ApiError(error.code, error.message, { field, location: 'path', fix: error.fix });
        }
        throw error;
      });
      if (format === 'markdown') {
        c.header('Content-Type', 'text/markdown; charset=utf-8');
        return c.body(renderAuditDiff(diff, 'markdown'), 200);
      }
      return c.json(diff, 200);
    },
  );
}
