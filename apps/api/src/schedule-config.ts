import { type Schedule, ScheduleSchema, UsageError, validateScheduleTiming } from '@rootwarden/core';

/**
 * The server's audit schedules from `--schedule CRON` (repeatable: whole organization, default
 * settings, named `schedule-1`, `schedule-2`…, in `--schedule-timezone`) and the config file's
 * `schedules` (each with its own name, selection, settings and time zone). Anything wrong is a
 * UsageError naming the schedule and the fix, before the server starts.
 */
export function parseSchedules(input: {
  config: readonly unknown[];
  flags: readonly string[];
  flagTimezone?: string | undefined;
  now: Date;
}): Schedule[] {
  const schedules: Schedule[] = [];
  input.config.forEach((raw, index) => {
    const label =
      typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
        ? `"${(raw as { name: string }).name}"`
        : `number ${index + 1}`;
    const parsed = ScheduleSchema.safeParse(raw);
    if (!parsed.success)
      throw new UsageError(
        `Config file: schedule ${label}: ${parsed.error.issues
          .map((issue) =>
            issue.code === 'unrecognized_keys'
              ? `unknown field ${issue.keys.join(', ')}`
              : `${issue.path.join('.') || '(schedule)'}: ${issue.message}`,
          )
          .join('; ')}.`,
        {
          fix: 'Each schedule is { "name": "nightly", "cron": "0 6 * * *", "timezone": "UTC", "accounts": [], "ous": [], "exclude": [], "concurrency": 32, "recentDays": 90 } (name and cron required).',
          field: `schedules[${index}]`,
        },
      );
    schedules.push(parsed.data);
  });
  input.flags.forEach((cron, index) => {
    schedules.push(
      ScheduleSchema.parse({
        name: `schedule-${index + 1}`,
        cron,
        ...(input.flagTimezone ? { timezone: input.flagTimezone } : {}),
      }),
    );
  });
  const seen = new Set<string>();
  for (const schedule of schedules) {
    if (seen.has(schedule.name))
      throw new UsageError(`Two schedules are named "${schedule.name}".`, {
        fix: 'Give each schedule its own name (a --schedule flag is named schedule-1, schedule-2, …).',
        field: 'schedules',
      });
    seen.add(schedule.name);
    validateScheduleTiming(schedule, input.now);
  }
  return schedules;
}
