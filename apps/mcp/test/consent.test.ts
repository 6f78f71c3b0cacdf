import { type ApplyResult, CoreError, type Engine, type Plan } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectInMemory, errorOf, type SandboxFixture, startSandbox, textOf } from './helpers.js';

/**
 * apply-plan's consent gate, on its own: the engine's plan store answers with a fixed plan and
 * records whether applyPlan was called. (The end-to-end path against the sandbox is in apply.test.ts.)
 */
const PLAN: Plan = {
  planId: '7d1c2e00-1b2c-4d5e-8f90-0123456789ab',
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
  fingerprint: 'sha256:4b1f0c9e',
  backups: [],
  notes: [],
};
const APPLIED: ApplyResult = {
  planId: PLAN.planId,
  status: 'applied',
  resumed: false,
  actions: [{ actionId: PLAN.actions[0]?.actionId ?? '', outcome: 'done', verified: true }],
  startedAt: '2026-11-28T10:05:00.000Z',
  finishedAt: '2026-11-28T10:05:02.000Z',
};

let fixture: SandboxFixture;
beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'blog' });
});
afterAll(async () => {
  await fixture.close();
});

function planEngine() {
  const applyPlan = vi.fn(async (): Promise<ApplyResult> => APPLIED);
  const engine: Engine = {
    ...fixture.engine(),
    async getPlan(planId: string) {
      if (planId !== PLAN.planId) throw new CoreError('PLAN_NOT_FOUND', `No saved plan ${planId}.`);
      return PLAN;
    },
    applyPlan,
  };
  return { engine, applyPlan };
}

describe('apply-plan consent without elicitation (confirm = fingerprint)', () => {
  it('refuses without confirm, naming the field, and applies nothing', async () => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({ engine, allowMutations: true });
    try {
      const result = await client.callTool({ name: 'apply-plan', arguments: { planId: PLAN.planId } });
      expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent', field: 'confirm' });
      expect(textOf(result)).toContain('needs a person');
      // The refusal does not hand the fingerprint to the model.
      expect(textOf(result)).not.toContain(PLAN.fingerprint);
      expect(applyPlan).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('refuses a confirm that is not the plan fingerprint', async () => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({ engine, allowMutations: true });
    try {
      const result = await client.callTool({
        name: 'apply-plan',
        arguments: { planId: PLAN.planId, confirm: 'yes' },
      });
      expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', field: 'confirm' });
      expect(applyPlan).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('applies with the fingerprint the person approved', async () => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({ engine, allowMutations: true });
    try {
      const result = await client.callTool({
        name: 'apply-plan',
        arguments: { planId: PLAN.planId, confirm: PLAN.fingerprint },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(APPLIED);
      expect(textOf(result)).toBe(`Plan ${PLAN.planId}: applied · 1 done · 1/1 verified by observing again.`);
      expect(applyPlan).toHaveBeenCalledTimes(1);
      expect(applyPlan).toHaveBeenCalledWith(PLAN.planId, expect.anything());
    } finally {
      await close();
    }
  });

  it('names planId when the plan does not exist', async () => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({ engine, allowMutations: true });
    try {
      const result = await client.callTool({
        name: 'apply-plan',
        arguments: { planId: '0000aaaa-1b2c-4d5e-8f90-0123456789ab', confirm: PLAN.fingerprint },
      });
      expect(errorOf(result)).toMatchObject({ code: 'PLAN_NOT_FOUND', kind: 'not-found', field: 'planId' });
      expect(textOf(result)).toMatch(
        /^\[PLAN_NOT_FOUND\] planId: No saved plan 0000aaaa-1b2c-4d5e-8f90-0123456789ab\./,
      );
      expect(applyPlan).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });
});

describe('apply-plan consent with elicitation', () => {
  it('asks the person, showing the plan, and applies when they approve', async () => {
    const { engine, applyPlan } = planEngine();
    const asked: string[] = [];
    const { client, close } = await connectInMemory({
      engine,
      allowMutations: true,
      elicit: (message) => {
        asked.push(message);
        return { action: 'accept', content: { approve: true } };
      },
    });
    try {
      const result = await client.callTool({ name: 'apply-plan', arguments: { planId: PLAN.planId } });
      expect(result.isError).toBeFalsy();
      expect(applyPlan).toHaveBeenCalledTimes(1);
      expect(asked).toEqual([
        [
          'Apply rootwarden plan 7d1c2e00-1b2c-4d5e-8f90-0123456789ab (delete-root-credentials) to AWS organization o-8j81brsjuj?',
          'It performs 1 action(s) with root sessions:',
          '- 111111111111: Delete the root password of 111111111111',
          'Plan fingerprint: sha256:4b1f0c9e. Deleted root credentials cannot be restored.',
        ].join('\n'),
      ]);
    } finally {
      await close();
    }
  });

  it.each([
    ['declines', { action: 'decline' as const }, 'declined'],
    ['cancels', { action: 'cancel' as const }, 'cancelled'],
    ['answers no', { action: 'accept' as const, content: { approve: false } }, 'answered no'],
  ])('refuses when the person %s, even with the right confirm', async (_how, answer, said) => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({ engine, allowMutations: true, elicit: () => answer });
    try {
      const result = await client.callTool({
        name: 'apply-plan',
        arguments: { planId: PLAN.planId, confirm: PLAN.fingerprint },
      });
      expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });
      expect(textOf(result)).toContain(`(${said}). Nothing was applied.`);
      expect(applyPlan).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });

  it('refuses when the client fails to ask', async () => {
    const { engine, applyPlan } = planEngine();
    const { client, close } = await connectInMemory({
      engine,
      allowMutations: true,
      elicit: () => {
        throw new Error('no window to show the question');
      },
    });
    try {
      const result = await client.callTool({ name: 'apply-plan', arguments: { planId: PLAN.planId } });
      expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED' });
      expect(textOf(result)).toContain('Could not ask the person');
      expect(applyPlan).not.toHaveBeenCalled();
    } finally {
      await close();
    }
  });
});
