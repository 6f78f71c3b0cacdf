import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { ApplyResultSchema, type Plan, PlanSchema } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { generateToken, startHttpServer } from '../src/http.js';
import {
  type Connected,
  connectInMemory,
  errorOf,
  MAIN,
  type SandboxFixture,
  startSandbox,
  temporaryHome,
  textOf,
} from './helpers.js';

/**
 * plan-privileged-task and apply-plan end to end, against the sandbox: a real plan, a person's consent
 * (elicitation; a client that cannot ask cannot apply), the root credentials really gone.
 */
const ACCOUNT1 = '111111111111';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  options: { elicit?: Parameters<typeof connectInMemory>[0]['elicit']; allowMutations?: boolean } = {},
) {
  const fixture = await startSandbox({ scenario: 'blog' });
  const home = temporaryHome();
  const engine = fixture.engine({ home: home.home });
  const connection = await connectInMemory({
    engine,
    allowMutations: options.allowMutations ?? true,
    ...options,
  });
  cleanups.push(
    () => fixture.close(),
    () => home.remove(),
    () => connection.close(),
  );
  return { fixture, home, engine, ...connection };
}

async function planDeletion(connection: Connected, accounts = [ACCOUNT1]): Promise<Plan> {
  const result = await connection.client.callTool({
    name: 'plan-privileged-task',
    arguments: { task: 'delete-root-credentials', accounts },
  });
  expect(result.isError, textOf(result)).toBeFalsy();
  return PlanSchema.parse(result.structuredContent);
}

function deletions(fixture: SandboxFixture): number {
  return fixture.sandbox.admin
    .calls()
    .filter((call) => /^(Delete|Deactivate|Create)/.test(call.operation) && call.outcome === 'OK').length;
}

function rootCredentialCount(fixture: SandboxFixture, accountId = ACCOUNT1): number {
  const state = fixture.sandbox.admin.rootCredentials(accountId);
  return (
    (state.loginProfile ? 1 : 0) +
    state.accessKeys.length +
    state.signingCertificates.length +
    state.mfaDevices.length
  );
}

describe('plan-privileged-task', () => {
  it('returns the plan for review and changes nothing', async () => {
    const { client, fixture, ...connection } = await setUp({ allowMutations: false });
    const before = rootCredentialCount(fixture);
    const result = await client.callTool({
      name: 'plan-privileged-task',
      arguments: { task: 'delete-root-credentials', accounts: [ACCOUNT1] },
    });
    const plan = PlanSchema.parse(result.structuredContent);
    expect(plan.task).toBe('delete-root-credentials');
    expect(plan.status).toBe('ready');
    expect(new Set(plan.actions.map((action) => action.kind))).toEqual(
      new Set([
        'delete-login-profile',
        'delete-access-key',
        'delete-signing-certificate',
        'deactivate-mfa-device',
      ]),
    );
    const text = textOf(result);
    expect(text).toContain(`Plan ${plan.planId} (delete-root-credentials) for o-8j81brsjuj:`);
    expect(text).toContain('nothing changed yet');
    expect(text).toContain(`Fingerprint: ${plan.fingerprint}`);
    expect(text).toContain('This server is read-only');
    expect(rootCredentialCount(fixture)).toBe(before);
    expect(deletions(fixture)).toBe(0);
    expect(connection.received.length).toBeGreaterThan(0);
  });

  it.each([
    [{ task: 'delete-root-credentials', accounts: ['999999999999'] }, 'ACCOUNT_NOT_IN_ORG', 'accounts[0]'],
    [{ task: 'allow-password-recovery', account: '123456789012' }, 'MANAGEMENT_ACCOUNT_TARGET', 'account'],
    [
      { task: 'unlock-s3-bucket-policy', account: ACCOUNT1, bucket: 'some-bucket' },
      'ROOT_SESSIONS_NOT_ENABLED',
      undefined,
    ],
  ])('is a tool error naming the field for %j', async (args, code, field) => {
    const { client } = await setUp();
    const result = await client.callTool({ name: 'plan-privileged-task', arguments: args });
    const error = errorOf(result);
    expect(error.code).toBe(code);
    if (field) {
      expect(error.field).toBe(field);
      expect(textOf(result)).toContain(`] ${field}: `);
    }
  });
});

describe('apply-plan', () => {
  it('applies after the person approves through elicitation; again, it repeats nothing', async () => {
    const asked: string[] = [];
    const connection = await setUp({
      elicit: (message) => {
        asked.push(message);
        return { action: 'accept', content: { approve: true } };
      },
    });
    const { client, fixture } = connection;
    const plan = await planDeletion(connection);
    expect(rootCredentialCount(fixture)).toBeGreaterThan(0);

    const result = await client.callTool({ name: 'apply-plan', arguments: { planId: plan.planId } });
    expect(result.isError, textOf(result)).toBeFalsy();
    const applied = ApplyResultSchema.parse(result.structuredContent);
    expect(applied.status).toBe('applied');
    expect(applied.actions.every((action) => action.verified)).toBe(true);
    expect(rootCredentialCount(fixture)).toBe(0);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(`Apply rootwarden plan ${plan.planId} (delete-root-credentials)`);
    expect(asked[0]).toContain(plan.fingerprint);

    // idempotentHint: true: a second call has no further effect on AWS.
    const calls = deletions(fixture);
    const again = await client.callTool({ name: 'apply-plan', arguments: { planId: plan.planId } });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect(ApplyResultSchema.parse(again.structuredContent).status).toBe('applied');
    expect(deletions(fixture)).toBe(calls);
  });

  it('sends progress per action once the person approved', async () => {
    const connection = await setUp({ elicit: () => ({ action: 'accept', content: { approve: true } }) });
    const plan = await planDeletion(connection);
    const progress: Progress[] = [];
    const result = await connection.client.callTool(
      { name: 'apply-plan', arguments: { planId: plan.planId } },
      undefined,
      { onprogress: (update) => progress.push(update) },
    );
    expect(ApplyResultSchema.parse(result.structuredContent).status).toBe('applied');
    const total = plan.actions.length;
    expect(progress.at(-1)).toEqual({ progress: total, total, message: `${total}/${total} actions applied` });
    expect(rootCredentialCount(connection.fixture)).toBe(0);
  });

  it('refuses without consent and leaves AWS and the plan untouched', async () => {
    const declined = await setUp({ elicit: () => ({ action: 'decline' }) });
    const plan = await planDeletion(declined);
    const before = rootCredentialCount(declined.fixture);
    const refused = await declined.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(refused).code).toBe('CONSENT_REQUIRED');

    const silent = await setUp();
    const other = await planDeletion(silent);
    const missing = await silent.client.callTool({ name: 'apply-plan', arguments: { planId: other.planId } });
    expect(errorOf(missing)).toMatchObject({ code: 'CONSENT_REQUIRED', kind: 'consent' });

    for (const connection of [declined, silent]) {
      expect(rootCredentialCount(connection.fixture)).toBe(before);
      expect(deletions(connection.fixture)).toBe(0);
    }
    expect((await declined.engine.getPlan(plan.planId)).status).toBe('ready');
  });

  it('names planId for an unknown or malformed plan id', async () => {
    const { client } = await setUp();
    const unknown = await client.callTool({
      name: 'apply-plan',
      arguments: { planId: '3f2a9c4e-1b2c-4d5e-8f90-0123456789ab' },
    });
    expect(errorOf(unknown)).toMatchObject({ code: 'PLAN_NOT_FOUND', field: 'planId' });
    expect(textOf(unknown)).toContain(
      '[PLAN_NOT_FOUND] planId: "No saved plan 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab.',
    );
    const wrongType = errorOf(await client.callTool({ name: 'apply-plan', arguments: { planId: 42 } }));
    expect(wrongType).toMatchObject({ code: 'INVALID_INPUT', kind: 'input', field: 'planId' });
    expect(wrongType.message).toContain('planId: Invalid input: expected string, received number');
    const malformed = errorOf(await client.callTool({ name: 'apply-plan', arguments: { planId: 'pln_1' } }));
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT', kind: 'input' });
    expect(malformed.message).toContain(
      'planId: must be a plan id like 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab',
    );
    expect(malformed).toMatchObject({ field: 'planId' });
  });

  it('refuses a stale plan: the state changed after planning', async () => {
    const connection = await setUp({ elicit: () => ({ action: 'accept', content: { approve: true } }) });
    const plan = await planDeletion(connection);
    connection.fixture.sandbox.admin.addAccessKey(ACCOUNT1, { status: 'Active' });
    const result = await connection.client.callTool({
      name: 'apply-plan',
      arguments: { planId: plan.planId },
    });
    expect(errorOf(result)).toMatchObject({ code: 'PLAN_STALE', kind: 'conflict' });
  });

  it('asks for consent over Streamable HTTP too', async () => {
    const fixture = await startSandbox({ scenario: 'blog' });
    const home = temporaryHome();
    const token = generateToken();
    const server = await startHttpServer({
      engine: fixture.engine({ home: home.home }),
      token,
      allowMutations: true,
    });
    const client = new Client(
      { name: 'rootwarden-http-consent', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked += 1;
      return { action: 'accept', content: { approve: true } };
    });
    cleanups.push(
      () => fixture.close(),
      () => home.remove(),
      () => server.close(),
      () => client.close(),
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    const plan = PlanSchema.parse(
      (
        await client.callTool({
          name: 'plan-privileged-task',
          arguments: { task: 'delete-root-credentials', accounts: [ACCOUNT1] },
        })
      ).structuredContent,
    );
    const result = await client.callTool({ name: 'apply-plan', arguments: { planId: plan.planId } });
    expect(ApplyResultSchema.parse(result.structuredContent).status).toBe('applied');
    expect(asked).toBe(1);
    expect(rootCredentialCount(fixture)).toBe(0);
  });

  it('plans and applies over stdio (built server, --sandbox --allow-mutations, elicitation)', async () => {
    const home = temporaryHome();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, '--sandbox', 'blog', '--allow-mutations'],
      env: { ...(process.env as Record<string, string>), ROOTWARDEN_HOME: home.home },
      stderr: 'pipe',
    });
    const client = new Client(
      { name: 'rootwarden-stdio-apply', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    // The person first declines, then approves.
    const answers = [
      { action: 'decline' as const },
      { action: 'accept' as const, content: { approve: true } },
    ];
    client.setRequestHandler(ElicitRequestSchema, () => answers.shift() ?? { action: 'cancel' as const });
    cleanups.push(
      () => home.remove(),
      () => client.close(),
    );
    await client.connect(transport);
    const plan = PlanSchema.parse(
      (
        await client.callTool({
          name: 'plan-privileged-task',
          arguments: { task: 'delete-root-credentials', accounts: [ACCOUNT1] },
        })
      ).structuredContent,
    );
    const refused = await client.callTool({ name: 'apply-plan', arguments: { planId: plan.planId } });
    expect(errorOf(refused).code).toBe('CONSENT_REQUIRED');
    const result = await client.callTool({ name: 'apply-plan', arguments: { planId: plan.planId } });
    expect(answers).toEqual([]);
    expect(ApplyResultSchema.parse(result.structuredContent).status).toBe('applied');
    const audit = await client.callTool({
      name: 'audit-root-credentials',
      arguments: { accounts: [ACCOUNT1] },
    });
    expect((audit.structuredContent as { summary: { clean: number } }).summary.clean).toBe(1);
  });
});
