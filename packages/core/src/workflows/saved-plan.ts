import { parseInput } from '../domain/parse-input.js';
import { type Plan, PlanIdSchema } from '../domain/plan.js';
import type { Observation } from '../domain/plan-observation.js';
import { CoreError } from '../errors.js';
import type { Store } from '../store/store.js';
import { StoredPlanBodySchema } from './plan.js';

/** A saved plan with what it observed; PLAN_NOT_FOUND when there is none. */
export async function loadPlan(
  store: Store,
  rawId: unknown,
): Promise<{ plan: Plan; observations: Observation[] }> {
  const planId = parseInput(PlanIdSchema, typeof rawId === 'string' ? rawId.trim() : rawId, 'planId');
  const stored = await store.getPlan(planId.toLowerCase());
  if (!stored) {
    throw new CoreError('PLAN_NOT_FOUND', `No saved plan ${planId}.`, {
      fix: 'Make one with `rootwarden plan <task> …` (it prints the plan id), and apply it with the same history (ROOTWARDEN_HOME, or ROOTWARDEN_STORE_URL / --store).',
      details: { field: 'planId', planId },
    });
  }
  const parsed = StoredPlanBodySchema.safeParse(stored.body);
  if (!parsed.success) {
    throw new CoreError('STORE_CORRUPT', `Plan ${planId} in the history database is not readable.`, {
      fix: 'Make a new plan.',
      details: { planId },
    });
  }
  const { observations, ...plan } = parsed.data;
  return { plan: { ...plan, status: stored.status }, observations };
}
