import type { ActionOutcome, ApplyResult, PlanAction } from '../domain/plan.js';
import type { Observation } from '../domain/plan-observation.js';
import { desiredStateHolds, observationCovers } from './observed-state.js';

/** What running (or not running) one action gave, before verification. */
export interface ActionRun {
  outcome: ActionOutcome;
  reason?: string;
}

/** One of the plan's observations taken again after the run: what it sees now, or why it could not. */
export type Reobservation = { planned: Observation } & ({ now: Observation } | { failure: string });

export interface VerifyActionsInput {
  actions: readonly PlanAction[];
  /** By action id; an action missing here was not run. */
  runs: ReadonlyMap<string, ActionRun>;
  reobserved: readonly Reobservation[];
  /** The plan was applied by an earlier run: nothing ran now, the journal's outcomes are checked. */
  appliedEarlier: boolean;
}

/**
 * Whether what each action is for holds in the state observed after the run. An action is verified
 * only when the observation that sees its item (`observationCovers`: the organization, the account's
 * root user, the bucket or queue) was taken again: a failed observation would otherwise look like
 * "the credential is gone". The reason says why an action that reports success is not verified.
 */
export function verifyActions(input: VerifyActionsInput): ApplyResult['actions'] {
  const seen = input.reobserved.flatMap((reobservation) =>
    'now' in reobservation ? [reobservation.now] : [],
  );
  const failures = input.reobserved.flatMap((reobservation) =>
    'failure' in reobservation ? [reobservation] : [],
  );
  return input.actions.map((planAction) => {
    const run = input.runs.get(planAction.actionId) ?? { outcome: 'skipped' as const, reason: 'not run' };
    const holds = desiredStateHolds(planAction, seen);
    const unobserved = failures.find((failed) => observationCovers(failed.planned, planAction));
    // A failed observation is named even when the change seems to hold: a deletion "holds" in a
    // state that was not observed at all.
    const reason =
      run.reason ??
      (unobserved
        ? `could not verify: ${unobserved.failure}`
        : !holds && (run.outcome === 'done' || run.outcome === 'already-done')
          ? input.appliedEarlier
            ? 'applied earlier, but observed again the change is not there any more: make a new plan'
            : 'observed again, the change is not there'
          : undefined);
    return {
      actionId: planAction.actionId,
      outcome: run.outcome,
      ...(reason === undefined ? {} : { reason }),
      verified: holds && unobserved === undefined,
    };
  });
}
