import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import {
  decideScheduleTick,
  initialNextRun,
  nextRunAfter,
  validateScheduleTiming,
} from './schedule-timing.js';

const daily = { name: 'nightly', cron: '0 6 * * *', timezone: 'UTC' };
const at = (iso: string) => new Date(iso);

describe('nextRunAfter', () => {
  it.each([
    ['06:00 UTC, before', daily, '2026-12-01T05:00:00.000Z', '2026-12-01T06:00:00.000Z'],
    ['06:00 UTC, exactly at it: the next day', daily, '2026-12-01T06:00:00.000Z', '2026-12-02T06:00:00.000Z'],
    ['06:00 UTC, after', daily, '2026-12-01T06:00:00.001Z', '2026-12-02T06:00:00.000Z'],
    [
      '06:00 Paris in winter (UTC+1)',
      { ...daily, timezone: 'Europe/Paris' },
      '2026-12-01T00:00:00.000Z',
      '2026-12-01T05:00:00.000Z',
    ],
    [
      '06:00 Paris in summer (UTC+2)',
      { ...daily, timezone: 'Europe/Paris' },
      '2026-07-01T00:00:00.000Z',
      '2026-07-01T04:00:00.000Z',
    ],
    // 02:30 does not exist in Paris on 2026-03-29 (clocks go 02:00 → 03:00): croner runs it once, at 03:00.
    [
      'a time the DST change skips',
      { ...daily, cron: '30 2 * * *', timezone: 'Europe/Paris' },
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'weekdays only: Friday → Monday',
      { ...daily, cron: '0 6 * * 1-5' },
      '2026-12-04T07:00:00.000Z',
      '2026-12-07T06:00:00.000Z',
    ],
    ['@daily', { ...daily, cron: '@daily' }, '2026-12-01T06:00:00.000Z', '2026-12-02T00:00:00.000Z'],
    [
      'six fields: every 10 seconds',
      { ...daily, cron: '*/10 * * * * *' },
      '2026-12-01T06:00:01.000Z',
      '2026-12-01T06:00:10.000Z',
    ],
  ])('%s', (_label, schedule, after, expected) => {
    expect(nextRunAfter(schedule, at(after))).toBe(expected);
  });
});

describe('validateScheduleTiming', () => {
  it.each([
    [
      'four fields',
      { ...daily, cron: '0 6 * *' },
      'is not a valid cron expression',
      'schedules.nightly.cron',
    ],
    [
      'an hour out of range',
      { ...daily, cron: '0 25 * * *' },
      'is not a valid cron expression',
      'schedules.nightly.cron',
    ],
    [
      'words',
      { ...daily, cron: 'every morning' },
      'is not a valid cron expression',
      'schedules.nightly.cron',
    ],
    ['never runs (31 February)', { ...daily, cron: '0 6 31 2 *' }, 'never runs', 'schedules.nightly.cron'],
    [
      'an unknown time zone',
      { ...daily, timezone: 'Mars/Olympus' },
      'unknown time zone',
      'schedules.nightly.timezone',
    ],
  ])('%s is a usage error naming the schedule and the fix', (_label, schedule, message, field) => {
    let thrown: unknown;
    try {
      validateScheduleTiming(schedule, at('2026-12-01T00:00:00Z'));
    } catch (error) {
      thrown = error;
    }
    expect(isCoreError(thrown) && thrown.code).toBe('INVALID_INPUT');
    const error = thrown as { message: string; fix?: string; details?: { field?: string } };
    expect(error.message).toContain('Schedule "nightly"');
    expect(error.message).toContain(message);
    expect(error.fix).toBeTruthy();
    expect(error.details?.field).toBe(field);
  });

  it('accepts a valid schedule', () => {
    expect(() =>
      validateScheduleTiming({ ...daily, timezone: 'America/New_York' }, new Date()),
    ).not.toThrow();
  });
});

describe('initialNextRun', () => {
  const now = at('2026-12-01T09:00:00Z');
  it.each([
    ['no stored state: the first run after now', undefined, '2026-12-02T06:00:00.000Z'],
    [
      'unchanged cron and zone: the stored run, even in the past (restart keeps a due run)',
      { cron: '0 6 * * *', timezone: 'UTC', nextRunAt: '2026-12-01T06:00:00.000Z' },
      '2026-12-01T06:00:00.000Z',
    ],
    [
      'changed cron: recomputed from now',
      { cron: '0 5 * * *', timezone: 'UTC', nextRunAt: '2026-12-01T05:00:00.000Z' },
      '2026-12-02T06:00:00.000Z',
    ],
    [
      'changed zone: recomputed from now',
      { cron: '0 6 * * *', timezone: 'Europe/Paris', nextRunAt: '2026-12-01T05:00:00.000Z' },
      '2026-12-02T06:00:00.000Z',
    ],
  ])('%s', (_label, stored, expected) => {
    expect(initialNextRun(daily, stored, now)).toBe(expected);
  });
});

describe('decideScheduleTick', () => {
  it.each([
    [
      'not due yet',
      '2026-12-01T05:59:59Z',
      '2026-12-01T06:00:00.000Z',
      null,
      { action: 'wait', nextRunAt: '2026-12-01T06:00:00.000Z' },
    ],
    [
      'due right now',
      '2026-12-01T06:00:00Z',
      '2026-12-01T06:00:00.000Z',
      'succeeded',
      {
        action: 'run',
        dueAt: '2026-12-01T06:00:00.000Z',
        nextRunAt: '2026-12-02T06:00:00.000Z',
        missedRuns: 0,
      },
    ],
    [
      'due a little while ago (the tick came late)',
      '2026-12-01T06:00:14Z',
      '2026-12-01T06:00:00.000Z',
      null,
      {
        action: 'run',
        dueAt: '2026-12-01T06:00:00.000Z',
        nextRunAt: '2026-12-02T06:00:00.000Z',
        missedRuns: 0,
      },
    ],
    [
      'three days down: ONE catch-up run, next run after now',
      '2026-12-04T09:00:00Z',
      '2026-12-01T06:00:00.000Z',
      'failed',
      {
        action: 'run',
        dueAt: '2026-12-01T06:00:00.000Z',
        nextRunAt: '2026-12-05T06:00:00.000Z',
        missedRuns: 3,
      },
    ],
    [
      'the previous run was interrupted: run',
      '2026-12-01T06:00:00Z',
      '2026-12-01T06:00:00.000Z',
      'interrupted',
      {
        action: 'run',
        dueAt: '2026-12-01T06:00:00.000Z',
        nextRunAt: '2026-12-02T06:00:00.000Z',
        missedRuns: 0,
      },
    ],
    [
      'the previous run is still running: skip, recorded',
      '2026-12-01T06:00:00Z',
      '2026-12-01T06:00:00.000Z',
      'running',
      {
        action: 'skip',
        dueAt: '2026-12-01T06:00:00.000Z',
        nextRunAt: '2026-12-02T06:00:00.000Z',
        reason: 'previous-run-still-going',
      },
    ],
    [
      'the previous run is still queued: skip',
      '2026-12-02T06:00:00Z',
      '2026-12-02T06:00:00.000Z',
      'queued',
      {
        action: 'skip',
        dueAt: '2026-12-02T06:00:00.000Z',
        nextRunAt: '2026-12-03T06:00:00.000Z',
        reason: 'previous-run-still-going',
      },
    ],
  ] as const)('%s', (_label, now, nextRunAt, lastJobStatus, expected) => {
    expect(decideScheduleTick({ schedule: daily, now: at(now), nextRunAt, lastJobStatus })).toEqual(expected);
  });

  it('a second scheduler deciding after the first moved the run on waits (no double run)', () => {
    const now = at('2026-12-01T06:00:05Z');
    const first = decideScheduleTick({
      schedule: daily,
      now,
      nextRunAt: '2026-12-01T06:00:00.000Z',
      lastJobStatus: null,
    });
    expect(first.action).toBe('run');
    const second = decideScheduleTick({
      schedule: daily,
      now,
      nextRunAt: first.nextRunAt,
      lastJobStatus: 'running',
    });
    expect(second).toEqual({ action: 'wait', nextRunAt: '2026-12-02T06:00:00.000Z' });
  });
});
