import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/logger.js';
import {
  connectInMemory,
  MAIN,
  type SandboxFixture,
  startSandbox,
  temporaryHome,
  textOf,
} from './helpers.js';

/**
 * Every tool, resource and prompt runs against a sandbox served over HTTP (success and failure paths,
 * progress included); then no secret the sandbox ever issued (root-session secret keys and tokens, the
 * caller's own secret key) nor any root-session access key id may appear in any message the server
 * sent or any line it logged.
 */
async function exercise(client: Client): Promise<void> {
  const call = (name: string, args: Record<string, unknown> = {}) =>
    client
      .callTool({ name, arguments: args }, undefined, { onprogress: () => undefined })
      .catch(() => undefined);
  await call('get-org-status');
  await call('list-accounts');
  await call('list-accounts', { ous: ['ou-zzzz-zzzzzzzz'] });
  await call('check-policies');
  await call('audit-root-credentials', { concurrency: 4 });
  await call('audit-root-credentials', { accounts: ['999999999999'] });
  await call('audit-root-credentials', { accounts: ['nope'] });
  await call('audit-root-credentials');
  await call('diff-audits');
  await call('get-audit', { id: 'abcd1234' });
  await call('plan-privileged-task', { task: 'delete-root-credentials', allExposed: true });
  await call('plan-privileged-task', {
    task: 'unlock-s3-bucket-policy',
    account: '999999999999',
    bucket: 'logs',
  });
  await call('apply-plan', { planId: 'pln_unknown' });
  const { resources } = await client.listResources();
  for (const resource of resources) await client.readResource({ uri: resource.uri }).catch(() => undefined);
  await client.getPrompt({ name: 'review-root-credentials', arguments: {} });
}

function sessionKeyIds(fixture: SandboxFixture): string[] {
  return [
    ...new Set(
      fixture.sandbox.admin
        .secrets()
        .filter((secret) => secret.kind.startsWith('session-'))
        .map((secret) => secret.accessKeyId),
    ),
  ];
}

function expectNoSecret(fixture: SandboxFixture, outputs: Array<{ what: string; text: string }>) {
  const secrets = fixture.secrets();
  const keyIds = sessionKeyIds(fixture);
  // The test means something only if root sessions were really issued.
  expect(secrets.length).toBeGreaterThan(20);
  expect(keyIds.length).toBeGreaterThan(5);
  for (const { what, text } of outputs) {
    for (const secret of [...secrets, ...keyIds]) {
      if (text.includes(secret)) throw new Error(`${what} contains an issued secret or session key id`);
    }
  }
}

describe('leak test', () => {
  let fixture: SandboxFixture;
  const home = temporaryHome();
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'exposed' });
  });
  afterAll(async () => {
    await fixture.close();
    home.remove();
  });

  it('in-process: no secret in any result, notification, resource, elicitation or log line', async () => {
    const logs: string[] = [];
    const logger: Logger = { info: (line) => logs.push(line), error: (line) => logs.push(line) };
    const { client, received, close } = await connectInMemory({
      engine: fixture.engine({ home: home.home }),
      allowMutations: true,
      logger,
      elicit: () => ({ action: 'accept', content: { approve: true } }),
    });
    try {
      await exercise(client);
      // Every privileged task that changes something, through consent: their sessions' secrets too.
      for (const args of [
        { task: 'delete-root-credentials', accounts: ['300000000003'] },
        { task: 'unlock-s3-bucket-policy', account: '300000000011', bucket: 'exposed-locked-audit-logs' },
      ]) {
        const plan = await client.callTool({ name: 'plan-privileged-task', arguments: args });
        expect(plan.isError, textOf(plan)).toBeFalsy();
        const planId = (plan.structuredContent as { planId: string }).planId;
        const applied = await client.callTool({ name: 'apply-plan', arguments: { planId } }, undefined, {
          onprogress: () => undefined,
        });
        expect(applied.isError, textOf(applied)).toBeFalsy();
      }
    } finally {
      await close();
    }
    expect(
      received.some((message) => 'method' in message && message.method === 'notifications/progress'),
    ).toBe(true);
    expect(logs.length).toBeGreaterThan(10);
    expectNoSecret(fixture, [
      ...received.map((message, index) => ({ what: `message ${index}`, text: JSON.stringify(message) })),
      ...logs.map((line, index) => ({ what: `log line ${index}`, text: line })),
    ]);
  });

  it('over stdio: no secret on stdout or stderr of the built server', async () => {
    const who = fixture.sandbox.managementPrincipal();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, '--endpoint-url', fixture.url, '--region', 'us-east-1', '--allow-mutations'],
      env: {
        ...(process.env as Record<string, string>),
        AWS_ACCESS_KEY_ID: who.accessKeyId,
        AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        ROOTWARDEN_HOME: home.home,
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // Consent comes from the person through elicitation (apply-plan takes nothing else).
    const client = new Client(
      { name: 'rootwarden-leak-test', version: '0.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { approve: true } }));
    await client.connect(transport);
    const received: JSONRPCMessage[] = [];
    const onmessage = transport.onmessage;
    transport.onmessage = (message) => {
      received.push(message);
      onmessage?.(message);
    };
    try {
      await exercise(client);
      const plan = await client.callTool({
        name: 'plan-privileged-task',
        arguments: { task: 'delete-root-credentials', accounts: ['300000000004'] },
      });
      const { planId } = plan.structuredContent as { planId: string };
      const applied = await client.callTool({ name: 'apply-plan', arguments: { planId } });
      expect(applied.isError, textOf(applied)).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(received.length).toBeGreaterThan(15);
    expect(stderr).toContain('tool audit-root-credentials ok');
    expectNoSecret(fixture, [
      { what: 'stdout', text: received.map((message) => JSON.stringify(message)).join('\n') },
      { what: 'stderr', text: stderr },
    ]);
  });
});
