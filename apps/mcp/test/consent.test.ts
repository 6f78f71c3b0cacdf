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

/** A refusal never hands a fingerprint to the model (a fingerprint is no consent, but nor is it needed). */
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

describe('apply-plan consent without elicitation: nothing the model passes is consent', () => {
  it('refuses, pointing the person to a terminal or the API, and applies nothing', async () => {
    const connection = await connect();
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(result)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });
    expect(errorOf(result).field).toBeUndefined();
    expect(textOf(result)).toContain('needs a person');
    expect(textOf(result)).toContain(`rootwarden apply ${plan.planId}`);
    expect(textOf(result)).toContain('scope remediate');
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan);
  });

  // The attack this gate exists for: the model read the plan (fingerprint included) from
  // plan-privileged-task's result and copies it into the call as if a person had approved it.
  it.each([
    ['the fingerprint it read from the plan', (plan: Plan) => ({ confirm: plan.fingerprint })],
    ['a made-up approval', () => ({ approved: true })],
  ])('refuses a model that passes %s', async (_what, extraArguments) => {
    const connection = await connect();
    const plan = await planDeletion(connection);
    const [argument] = Object.keys(extraArguments(plan));
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId, ...extraArguments(plan) },
    });
    // Not an argument of apply-plan: refused before anything is looked at.
    expect(errorOf(result)).toMatchObject({ code: 'INVALID_INPUT', kind: 'input', field: argument });
    expectNoFingerprint(result, plan);
    await expectNothingApplied(plan);
    // And the same plan without the extra argument is still refused: no consent was recorded.
    const again = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(again)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });
    await expectNothingApplied(plan);
  });

  it('names planId when the plan does not exist', async () => {
    const connection = await connect();
    // A real plan is saved, so the store is not merely empty.
    const plan = await planDeletion(connection);
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: '0000aaaa-1b2c-4d5e-8f90-0123456789ab' },
    });
    expect(errorOf(result)).toMatchObject({ code: 'PLAN_NOT_FOUND', kind: 'not-found', field: 'planId' });
    expect(textOf(result)).toMatch(
      /^\[PLAN_NOT_FOUND\] planId: "No saved plan 0000aaaa-1b2c-4d5e-8f90-0123456789ab\./,
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
  ])('refuses when the person %s', async (_how, answer, said) => {
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
      arguments: { planId: plan.planId },
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
