import { expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';

/**
 * What every store must do with schedule state, run against each backend: `open` gives a new
 * connection to one shared, migrated database each call (two connections = two replicas).
 */
export function scheduleStoreContract(open: () => Promise<Store>): void {
  const timing = {
    name: 'nightly',
    cron: '0 6 * * *',
    timezone: 'UTC',
    nextRunAt: '2026-12-01T06:00:00.000Z',
    at: '2026-12-01T05:00:00.000Z',
  };

  it('creates a schedule once and keeps its next run while its timing is unchanged', async () => {
    const store = await open();
    const created = await store.saveScheduleTiming(timing);
    expect(created).toMatchObject({
      name: 'nightly',
      nextRunAt: timing.nextRunAt,
      lastJobId: null,
      lastOutcome: null,
      skippedRuns: 0,
    });
    // A restart (or a replica) computing another next run from its clock does not move it.
    const again = await store.saveScheduleTiming({ ...timing, nextRunAt: '2026-12-02T06:00:00.000Z' });
    expect(again.nextRunAt).toBe(timing.nextRunAt);
    // A changed cron resets it.
    const changed = await store.saveScheduleTiming({
      ...timing,
      cron: '0 7 * * *',
      nextRunAt: '2026-12-01T07:00:00.000Z',
    });
    expect(changed).toMatchObject({ cron: '0 7 * * *', nextRunAt: '2026-12-01T07:00:00.000Z' });
    expect((await store.listScheduleStates()).map((state) => state.name)).toEqual(['nightly']);
  });

  it('gives a due run to exactly one of several schedulers (compare-and-set)', async () => {
    const first = await open();
    const second = await open();
    await first.saveScheduleTiming(timing);
    const claim = (jobId: string) => ({
      dueAt: timing.nextRunAt,
      nextRunAt: '2026-12-02T06:00:00.000Z',
      at: '2026-12-01T06:00:01.000Z',
      outcome: 'started' as const,
      jobId,
      error: null,
    });
    const results = await Promise.all([
      first.claimScheduleRun('nightly', claim('job-a')),
      second.claimScheduleRun('nightly', claim('job-b')),
      first.claimScheduleRun('nightly', claim('job-c')),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['job-a', 'job-b', 'job-c'][results.indexOf(true)];
    const [state] = await second.listScheduleStates();
    expect(state).toMatchObject({
      nextRunAt: '2026-12-02T06:00:00.000Z',
      lastDueAt: timing.nextRunAt,
      lastRunAt: '2026-12-01T06:00:01.000Z',
      lastJobId: winner,
      lastOutcome: 'started',
      lastError: null,
    });
  });

  it('records a skipped run (keeping the job still going) and a run whose audit could not be queued', async () => {
    const store = await open();
    await store.saveScheduleTiming(timing);
    expect(
      await store.claimScheduleRun('nightly', {
        dueAt: timing.nextRunAt,
        nextRunAt: '2026-12-02T06:00:00.000Z',
        at: '2026-12-01T06:00:00.000Z',
        outcome: 'started',
        jobId: 'job-1',
        error: null,
      }),
    ).toBe(true);
    const skipped = { code: 'PREVIOUS_RUN_STILL_GOING', message: 'skipped: previous run still going' };
    expect(
      await store.claimScheduleRun('nightly', {
        dueAt: '2026-12-02T06:00:00.000Z',
        nextRunAt: '2026-12-03T06:00:00.000Z',
        at: '2026-12-02T06:00:00.000Z',
        outcome: 'skipped',
        jobId: null,
        error: skipped,
      }),
    ).toBe(true);
    expect((await store.listScheduleStates())[0]).toMatchObject({
      lastJobId: 'job-1',
      lastOutcome: 'skipped',
      lastError: skipped,
      skippedRuns: 1,
    });
    // A claim for a due time already handled changes nothing.
    expect(
      await store.claimScheduleRun('nightly', {
        dueAt: '2026-12-02T06:00:00.000Z',
        nextRunAt: '2026-12-03T06:00:00.000Z',
        at: '2026-12-02T06:00:01.000Z',
        outcome: 'started',
        jobId: 'job-2',
        error: null,
      }),
    ).toBe(false);
    await store.claimScheduleRun('nightly', {
      dueAt: '2026-12-03T06:00:00.000Z',
      nextRunAt: '2026-12-04T06:00:00.000Z',
      at: '2026-12-03T06:00:00.000Z',
      outcome: 'started',
      jobId: 'job-3',
      error: null,
    });
    const full = { code: 'QUEUE_FULL', message: '20 audits are already waiting: try again later.' };
    await store.recordScheduleStartFailure('nightly', {
      jobId: 'job-3',
      error: full,
      at: '2026-12-03T06:00:01.000Z',
    });
    expect((await store.listScheduleStates())[0]).toMatchObject({
      lastJobId: 'job-3',
      lastOutcome: 'not-started',
      lastError: full,
      skippedRuns: 1,
      nextRunAt: '2026-12-04T06:00:00.000Z',
    });
  });
}
