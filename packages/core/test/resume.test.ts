import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePlanInput, Plan } from '../src/domain/plan.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { type CrashMode, crashingStore, EXPOSED, mutations, temporaryHome } from './plans.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

/**
 * Kills apply at every journal position (before or after each write, with or without the AWS call
 * that follows), then re-runs apply with a fresh engine on the same SQLite file. The end state must
 * be the planned one, and every planned action must have reached AWS exactly once over both runs —
 * the call log holds one successful mutating call per action and no failed one (a repeated delete
 * would answer NoSuchEntity).
 */
describe('apply resumes after a crash at any journal position', () => {
  let fx: SandboxFixture;
  const homes: string[] = [];
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  });
  afterAll(async () => {
    await fx.close();
    for (const home of homes) rmSync(join(home, '..'), { recursive: true, force: true });
  });

  const tasks: Array<{
    name: string;
    /** Actions its plan has (the journal has two writes per action). */
    actions: number;
    input: () => CreatePlanInput;
    endState: () => unknown;
    expected: unknown;
  }> = [
    {
      name: 'delete-root-credentials (7 actions in 2 accounts)',
      actions: 7,
      input: () => ({ task: 'delete-root-credentials', accounts: [EXPOSED.payments, EXPOSED.web] }),
      endState: () =>
        [EXPOSED.payments, EXPOSED.web].map((id) => {
          const root = fx.sandbox.admin.rootCredentials(id);
          return [root.loginProfile, root.accessKeys, root.signingCertificates, root.mfaDevices];
        }),
      expected: [
        [null, [], [], []],
        [null, [], [], []],
      ],
    },
    {
      name: 'allow-password-recovery',
      actions: 1,
      input: () => ({ task: 'allow-password-recovery', account: EXPOSED.devSandbox }),
      endState: () => fx.sandbox.admin.rootCredentials(EXPOSED.devSandbox).loginProfile !== null,
      expected: true,
    },
    {
      name: 'unlock-sqs-queue-policy',
      actions: 1,
      input: () => ({
        task: 'unlock-sqs-queue-policy',
        account: EXPOSED.lockedData,
        queueUrl: `http://sandbox.in-process/${EXPOSED.lockedData}/${EXPOSED.lockedQueue}`,
      }),
      endState: () => fx.sandbox.admin.queuePolicy(EXPOSED.lockedData, EXPOSED.lockedQueue),
      expected: null,
    },
  ];

  async function scenario(
    task: (typeof tasks)[number],
    crashAt: number | null,
    mode: CrashMode,
    concurrency: number,
  ): Promise<{ plan: Plan; journalLength: number }> {
    fx.sandbox.admin.reset();
    const home = temporaryHome('rootwarden-resume-');
    homes.push(home);
    const transport = 'in-process' as const;
    const plan = await fx.engine({ transport, home }).createPlan(task.input());
    const plannedCalls = fx.sandbox.admin.calls().length;

    if (crashAt !== null) {
      const inner = await openSqliteStore({ home });
      const dying = crashingStore(inner, crashAt, mode);
      try {
        const error = await rejection(() =>
          fx.engine({ transport, store: dying }).applyPlan(plan.planId, { concurrency }),
        );
        expect(error.message).toContain('process killed');
        expect(dying.crashed()).toBe(true);
      } finally {
        await inner.close();
      }
    }
    const resumed = await fx.engine({ transport, home }).applyPlan(plan.planId, { concurrency });
    expect(resumed.status, JSON.stringify(resumed.actions)).toBe('applied');
    expect(resumed.resumed).toBe(crashAt !== null && !(crashAt === 1 && mode === 'lost'));
    expect(resumed.actions.every((action) => action.verified)).toBe(true);
    expect(task.endState()).toEqual(task.expected);

    // Exactly one successful mutating call per planned action over both runs, none refused.
    const calls = mutations(fx.sandbox.admin.calls().slice(plannedCalls));
    expect(calls.filter((call) => call.outcome !== 'OK')).toEqual([]);
    const perOperation = (list: Array<{ operation: string; account: string | null }>) =>
      list.map((item) => `${item.account}:${item.operation}`).sort();
    const operationOf: Record<string, string> = {
      'delete-access-key': 'DeleteAccessKey',
      'delete-signing-certificate': 'DeleteSigningCertificate',
      'delete-login-profile': 'DeleteLoginProfile',
      'deactivate-mfa-device': 'DeactivateMFADevice',
      'create-login-profile': 'CreateLoginProfile',
      'remove-queue-policy': 'SetQueueAttributes',
    };
    expect(
      perOperation(
        calls.map((call) => ({ operation: call.operation, account: call.targetAccountId ?? null })),
      ),
    ).toEqual(
      perOperation(
        plan.actions.map((action) => ({
          operation: operationOf[action.kind] ?? '?',
          account: action.accountId,
        })),
      ),
    );

    const store = await openSqliteStore({ home });
    try {
      const journal = await store.listJournal(plan.planId);
      // Each action finished once in the journal: a resume never re-records a finished action.
      for (const action of plan.actions)
        expect(
          journal.filter(
            (entry) =>
              entry.actionId === action.actionId &&
              (entry.outcome === 'done' || entry.outcome === 'already-done'),
          ),
        ).toHaveLength(1);
      return { plan, journalLength: journal.length };
    } finally {
      await store.close();
    }
  }

  // Each crash position is its own test, so a failure names its task, position, mode and concurrency.
  // A plan's journal is two writes per action (`before`, `after`): the first test of each task checks that
  // the positions below are all there are.
  const positions = (actions: number) => Array.from({ length: actions * 2 }, (_, index) => index + 1);
  describe.each(tasks)('$name', (task) => {
    it(`journals ${task.actions * 2} writes (${task.actions} actions) when nothing crashes`, async () => {
      const { plan, journalLength } = await scenario(task, null, 'lost', 1);
      expect(plan.actions).toHaveLength(task.actions);
      expect(journalLength).toBe(task.actions * 2);
    }, 60_000);

    const crashes = [1, 3].flatMap((concurrency) =>
      (['lost', 'written', 'then-dead'] as const).flatMap((mode) =>
        positions(task.actions).map((crashAt) => ({ crashAt, mode, concurrency })),
      ),
    );
    it.each(crashes)(
      'crash at journal write $crashAt ($mode, concurrency $concurrency): resumed, each action once',
      async ({ crashAt, mode, concurrency }) => {
        await scenario(task, crashAt, mode, concurrency);
      },
      60_000,
    );
  });
});
