import type { ApplyResult, Engine, Plan } from '@rootwarden/core';

export const STUB_PLAN: Plan = {
  planId: '3f2a9c4e-1b2c-4d5e-8f90-0123456789ab',
  task: 'delete-root-credentials',
  status: 'ready',
  organizationId: 'o-8j81brsjuj',
  createdAt: '2026-11-28T10:00:00.000Z',
  expiresAt: '2026-11-28T11:00:00.000Z',
  createdBy: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/admin', role: 'management' },
  request: { task: 'delete-root-credentials', accounts: ['111111111111'] },
  actions: [
    {
      actionId: '111111111111:delete-login-profile:password',
      accountId: '111111111111',
      kind: 'delete-login-profile',
      target: 'password',
      taskPolicy: 'IAMDeleteRootUserCredentials',
      description: 'Delete the root password of 111111111111',
    },
  ],
  fingerprint: 'sha256:0000',
  backups: [],
  notes: [],
};

export function stubApplyResult(planId: string): ApplyResult {
  return {
    planId,
    status: 'applied',
    resumed: false,
    actions: [{ actionId: STUB_PLAN.actions[0]?.actionId as string, outcome: 'done', verified: true }],
    startedAt: '2026-11-28T10:05:00.000Z',
    finishedAt: '2026-11-28T10:05:01.000Z',
  };
}

/**
 * The engine with canned plan methods, for tests of the API's own logic around them (auth, idempotency):
 * `applied` counts real applies. The end-to-end plan tests use the engine's own workflow.
 */
export function withStubPlans(engine: Engine, counters: { applied: number } = { applied: 0 }): Engine {
  return {
    ...engine,
    async createPlan() {
      return STUB_PLAN;
    },
    async getPlan() {
      return STUB_PLAN;
    },
    async applyPlan(planId) {
      counters.applied += 1;
      // Long enough for a concurrent repeat to arrive while it runs.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return stubApplyResult(planId);
    },
  };
}
