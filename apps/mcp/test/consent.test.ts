import { ApplyResultSchema, type Engine, type Plan, PlanSchema } from '@rootwarden/core';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import {
  type Connected,
  type ConnectOptions,
  connectInMemory,
  errorOf,
  type SandboxFixture,
  startSandbox,
  temporaryHome,
  textOf,
} from './helpers.js';

/**
 * apply-plan's consent gate, case by case, with real plans against the sandbox: the plans are made by
 * plan-privileged-task, and whether apply happened is read from the sandbox's call log (and from a spy
 * that calls through to the real engine.applyPlan). The end-to-end transports are in apply.test.ts.
 */
const ACCOUNT1 = '111111111111';
const ORGANIZATION = 'o-8j81brsjuj';
/** Any AWS call that changes state (the sandbox logs each call by its AWS operation name). */
const MUTATING = /^(Create|Delete|Deactivate|Put|Remove|Update|Upload|Enable|Disable|Attach|Detach)/;

let fixture: SandboxFixture;
let home: ReturnType<typeof temporaryHome>;
let engine: Engine;
let applyPlan: MockInstance<Engine['applyPlan']>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'blog' });
  home = temporaryHome();
  engine = fixture.engine({ home: home.home });
});
afterAll(async () => {
  await fixture.close();
  home.remove();
});
beforeEach(() => {
  // Account 111111111111 back to its password, key, certificate and MFA device; call log emptied.
  fixture.sandbox.admin.reset();
  applyPlan = vi.spyOn(engine, 'applyPlan');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

async function connect(options: Omit<ConnectOptions, 'engine'> = {}): Promise<Connected> {
  const connection = await connectInMemory({ engine, allowMutations: true, ...options });
  cleanups.push(() => connection.close());
  return connection;
}

/** A real plan, made through the tool: by default only the password of account 111111111111. */
async function planDeletion(connection: Connected, only: string[] = ['password']): Promise<Plan> {
  const result = await connection.client.callTool({
    name: 'plan-privileged-task',
    arguments: { task: 'delete-root-credentials', accounts: [ACCOUNT1], only },
  });
  expect(result.isError, textOf(result)).toBeFalsy();
  const plan = PlanSchema.parse(result.structuredContent);
  expect(plan.status).toBe('ready');
  // Planning changed nothing.
  expect(mutations()).toEqual([]);
  return plan;
}

/** The AWS calls that changed state and succeeded, as the sandbox logged them. */
function mutations() {
  return fixture.sandbox.admin
    .calls()
    .filter((call) => MUTATING.test(call.operation) && call.outcome === 'OK')
    .map(({ operation, targetAccountId, sessionTaskPolicy }) => ({
      operation,
      targetAccountId,
      sessionTaskPolicy,
    }));
}

function rootCredentials() {
  const state = fixture.sandbox.admin.rootCredentials(ACCOUNT1);
  return {
    password: state.loginProfile !== null,
    accessKeys: state.accessKeys.length,
    signingCertificates: state.signingCertificates.length,
    mfaDevices: state.mfaDevices.length,
  };
}
const ALL_FOUR = { password: true, accessKeys: 1, signingCertificates: 1, mfaDevices: 1 };

/** Nothing was applied: the engine was never asked, AWS saw no change, the plans are still ready. */
async function expectNothingApplied(...plans: Plan[]): Promise<void> {
  expect(applyPlan).not.toHaveBeenCalled();
  expect(mutations()).toEqual([]);
  expect(rootCredentials()).toEqual(ALL_FOUR);
  for (const plan of plans) expect((await engine.getPlan(plan.planId)).status).toBe('ready');
}

/** A refusal never hands a fingerprint to the model (it could copy it into `confirm`). */
function expectNoFingerprint(result: Awaited<ReturnType<Connected['client']['callTool']>>, ...plans: Plan[]) {
  for (const plan of plans) expect(JSON.stringify(result)).not.toContain(plan.fingerprint);
}

/** The password of 111111111111 is gone, by exactly one DeleteLoginProfile; the other three remain. */
function expectPasswordDeleted(): void {
  expect(mutations()).toEqual([
    {
      operation: 'DeleteLoginProfile',
      targetAccountId: ACCOUNT1,
      sessionTaskPolicy: 'IAMDeleteRootUserCredentials',
    },
  ]);
  expect(rootCredentials()).toEqual({ ...ALL_FOUR, password: false });
}

describe('apply-plan consent without elicitation (confirm = fingerprint)', () => {
  it('refuses without confirm, naming the field, and applies nothing', async () => {
    const connection = await connect();
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent', field: 'confirm' });
    expect(textOf(result)).toContain('needs a person');
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan);
  });

  it.each([
    ['a word', () => 'yes'],
    [
      'a near miss',
      (plan: Plan) => `${plan.fingerprint.slice(0, -1)}${plan.fingerprint.endsWith('0') ? '1' : '0'}`,
    ],
    ['the fingerprint of another plan', (_plan: Plan, other: Plan) => other.fingerprint],
  ])('refuses a confirm that is not the plan fingerprint: %s', async (_what, confirmOf) => {
    const connection = await connect();
    const plan = await planDeletion(connection);
    // A real plan for the same account with another fingerprint (it observed the access key instead).
    const other = await planDeletion(connection, ['access-keys']);
    expect(other.fingerprint).not.toBe(plan.fingerprint);
    const confirm = confirmOf(plan, other);
    expect(confirm).not.toBe(plan.fingerprint);

    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId, confirm },
    });
    expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent', field: 'confirm' });
    expect(textOf(result)).toContain('Nothing was applied.');
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan, other);
  });

  it('applies with the fingerprint the person approved', async () => {
    const connection = await connect();
    const plan = await planDeletion(connection);
    expect(plan.actions.map((action) => action.actionId)).toEqual([
      `${ACCOUNT1}:delete-login-profile:password`,
    ]);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId, confirm: plan.fingerprint },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(applyPlan).toHaveBeenCalledTimes(1);
    expect(applyPlan).toHaveBeenCalledWith(plan.planId, expect.anything());
    // The tool returns exactly what the engine's real apply returned.
    expect(result.structuredContent).toEqual(await applyPlan.mock.results[0]?.value);
    expect(ApplyResultSchema.parse(result.structuredContent)).toMatchObject({
      planId: plan.planId,
      status: 'applied',
      resumed: false,
      actions: [{ actionId: `${ACCOUNT1}:delete-login-profile:password`, outcome: 'done', verified: true }],
    });
    expect(textOf(result)).toBe(`Plan ${plan.planId}: applied · 1 done · 1/1 verified by observing again.`);
    expectPasswordDeleted();
    expect((await engine.getPlan(plan.planId)).status).toBe('applied');
  });

  it('names planId when the plan does not exist', async () => {
    const connection = await connect();
    // A real plan is saved, so the store is not merely empty; its fingerprint does not open another id.
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: '0000aaaa-1b2c-4d5e-8f90-0123456789ab', confirm: plan.fingerprint },
    });
    expect(errorOf(result)).toMatchObject({ code: 'PLAN_NOT_FOUND', kind: 'not-found', field: 'planId' });
    expect(textOf(result)).toMatch(
      /^\[PLAN_NOT_FOUND\] planId: No saved plan 0000aaaa-1b2c-4d5e-8f90-0123456789ab\./,
    );
    await expectNothingApplied(plan);
  });
});

describe('apply-plan consent with elicitation', () => {
  it('asks the person, showing the plan, and applies when they approve', async () => {
    const asked: string[] = [];
    const connection = await connect({
      elicit: (message) => {
        asked.push(message);
        return { action: 'accept', content: { approve: true } };
      },
    });
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(applyPlan).toHaveBeenCalledTimes(1);
    expect(applyPlan).toHaveBeenCalledWith(plan.planId, expect.anything());
    expect(ApplyResultSchema.parse(result.structuredContent)).toMatchObject({
      planId: plan.planId,
      status: 'applied',
    });
    expect(asked).toEqual([
      [
        `Apply rootwarden plan ${plan.planId} (delete-root-credentials) to AWS organization ${ORGANIZATION}?`,
        'It performs 1 action(s) with root sessions:',
        `- ${ACCOUNT1}: Delete the root password (created 2023-03-27, last used 2025-12-13)`,
        `Plan fingerprint: ${plan.fingerprint}. Deleted root credentials cannot be restored.`,
      ].join('\n'),
    ]);
    expectPasswordDeleted();
  });

  it.each([
    ['declines', { action: 'decline' as const }, 'declined'],
    ['cancels', { action: 'cancel' as const }, 'cancelled'],
    ['answers no', { action: 'accept' as const, content: { approve: false } }, 'answered no'],
  ])('refuses when the person %s, even with the right confirm', async (_how, answer, said) => {
    let asked = 0;
    const connection = await connect({
      elicit: () => {
        asked += 1;
        return answer;
      },
    });
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId, confirm: plan.fingerprint },
    });
    expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });
    expect(textOf(result)).toContain(`(${said}). Nothing was applied.`);
    expect(asked).toBe(1);
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan);
  });

  it('refuses when the client fails to ask', async () => {
    const connection = await connect({
      elicit: () => {
        throw new Error('no window to show the question');
      },
    });
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });
    expect(textOf(result)).toContain('Could not ask the person');
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan);
  });
});
