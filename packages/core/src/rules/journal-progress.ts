import type { ApplyResult, PlanAction } from '../domain/plan.js';
import type { JournalEntry } from '../store/store.js';

/** Where one action of a plan stands, read from the apply journal. */
export type ActionProgress =
  | { state: 'not-started' }
  /** A `before` entry without its `after`: the process stopped around the AWS call, which may or may not have happened. */
  | { state: 'in-doubt'; since: string }
  | { state: 'finished'; outcome: 'done' | 'already-done'; at: string }
  | { state: 'failed'; reason: string; at: string }
  | { state: 'skipped'; reason: string; at: string };

function reasonOf(detail: unknown): string {
  const reason = (detail as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : 'no reason recorded';
}

/**
 * The state of every action from the journal (entries in sequence order): the last entry of an
 * action decides. Only `finished` actions are never run again.
 */
export function journalProgress(
  actions: readonly PlanAction[],
  journal: readonly JournalEntry[],
): Map<string, ActionProgress> {
  const progress = new Map<string, ActionProgress>(
    actions.map((planAction) => [planAction.actionId, { state: 'not-started' }]),
  );
  for (const entry of journal) {
    if (!progress.has(entry.actionId)) continue;
    if (entry.phase === 'before') {
      progress.set(entry.actionId, { state: 'in-doubt', since: entry.at });
    } else if (entry.outcome === 'done' || entry.outcome === 'already-done') {
      progress.set(entry.actionId, { state: 'finished', outcome: entry.outcome, at: entry.at });
    } else if (entry.outcome === 'failed') {
      progress.set(entry.actionId, { state: 'failed', reason: reasonOf(entry.detail), at: entry.at });
    } else if (entry.outcome === 'skipped') {
      progress.set(entry.actionId, { state: 'skipped', reason: reasonOf(entry.detail), at: entry.at });
    }
  }
  return progress;
}

/**
 * Actions that may have changed AWS already: an AWS call was journaled for them, or they were found
 * done. A change to their target since planning is this plan's own doing, not someone else's.
 */
export function startedActions(
  actions: readonly PlanAction[],
  journal: readonly JournalEntry[],
): PlanAction[] {
  const started = new Set(
    journal
      .filter(
        (entry) => entry.phase === 'before' || entry.outcome === 'done' || entry.outcome === 'already-done',
      )
      .map((entry) => entry.actionId),
  );
  return actions.filter((planAction) => started.has(planAction.actionId));
}

/** The plan's status once every action has an outcome. */
export function finalStatus(results: ApplyResult['actions']): 'applied' | 'failed' {
  return results.every(
    (result) => (result.outcome === 'done' || result.outcome === 'already-done') && result.verified,
  )
    ? 'applied'
    : 'failed';
}
