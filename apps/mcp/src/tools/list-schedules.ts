import { ScheduleStateSchema } from '@rootwarden/core';
import { z } from 'zod';
import { data } from '../render.js';
import { defineTool } from '../tool.js';

const ScheduleListSchema = z.object({
  schedules: z.array(
    ScheduleStateSchema.extend({
      lastJobStatus: z
        .string()
        .nullable()
        .describe(
          'Status of the last audit job the schedule started (queued, running, succeeded, failed, interrupted).',
        ),
    }),
  ),
});

/** The API server's audit schedules as its store keeps them: read-only (schedules are server config). */
export const listSchedulesTool = defineTool<Record<string, never>, unknown>({
  name: 'list-schedules',
  title: 'List audit schedules',
  description:
    'The audit schedules of the rootwarden API server that keeps its history in this store (`rootwarden-api --schedule` or its config file): each schedule name with its cron and time zone, its next run, and its last run (the audit job it started and that job’s status, or why it was skipped or not started); no AWS call. Empty when no API server with schedules uses this history. Read-only: schedules are configured on the server.',
  inputSchema: z.object({}).strict(),
  outputSchema: ScheduleListSchema,
  annotations: { title: 'List audit schedules', readOnlyHint: true, openWorldHint: true },
  async run(_input, _extra, { engine }) {
    const [states, jobs] = await Promise.all([engine.schedules(), engine.jobs()]);
    const schedules = await Promise.all(
      (await states.listScheduleStates()).map(async (state) => ({
        ...state,
        lastJobStatus: state.lastJobId ? ((await jobs.getJob(state.lastJobId))?.status ?? null) : null,
      })),
    );
    const lines = schedules.map((schedule) => {
      const last = schedule.lastOutcome
        ? `last run ${schedule.lastRunAt} ${schedule.lastOutcome}${schedule.lastJobStatus ? ` (job ${schedule.lastJobId} ${schedule.lastJobStatus})` : ''}${schedule.lastError ? `: ${data(schedule.lastError.message)}` : ''}`
        : 'never run';
      return `- ${schedule.name}: ${data(schedule.cron)} (${schedule.timezone}), next ${schedule.nextRunAt}, ${last}`;
    });
    return {
      structured: { schedules },
      text:
        schedules.length === 0
          ? 'No audit schedules in this history.'
          : `${schedules.length} schedule(s):\n${lines.join('\n')}`,
    };
  },
});
