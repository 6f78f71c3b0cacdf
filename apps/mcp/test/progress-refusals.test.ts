import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { connectInMemory, type SandboxFixture, startSandbox } from './helpers.js';

let fixture: SandboxFixture;
const TIMEOUT_MS = 120_000;

beforeAll(async () => {
  // `exposed`: the SCP DenyRootUser (no aws:AssumedRoot exemption) is attached to ScpLocked (300000000012).
  fixture = await startSandbox({ scenario: 'exposed' });
});
afterAll(async () => {
  await fixture.close();
});

describe('progress notifications of an audit', () => {
  it(
    'tell an account AWS refused at once, naming the policy as the final report does',
    async () => {
      const { client, close } = await connectInMemory({ engine: fixture.engine() });
      try {
        const progress: Progress[] = [];
        const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} }, undefined, {
          onprogress: (update) => progress.push(update),
          timeout: TIMEOUT_MS,
        });
        const audit = AuditResultSchema.parse(result.structuredContent);
        const resource = await client.readResource({ uri: audit.reportUri });
        const report = JSON.parse((resource.contents[0] as { text: string }).text);
        const locked = report.accounts.find((a: { accountId: string }) => a.accountId === '300000000012');
        expect(locked).toMatchObject({ status: 'unknown', error: { code: 'AWS_ACCESS_DENIED' } });
        expect(locked.error.message).toContain(
          'SCP "DenyRootUser" (p-exp0denyrootall) attached to ScpLocked',
        );

        const told = progress.filter((update) => update.message?.includes('300000000012'));
        expect(told).toHaveLength(1);
        // The message (policy, OU and statement names set in AWS) reaches the client as quoted data.
        expect(told[0]?.message).toContain(
          `300000000012 unknown, AWS_ACCESS_DENIED: ${JSON.stringify(locked.error.message)}`,
        );
        for (const [index, update] of progress.entries())
          if (index > 0) expect(update.progress).toBeGreaterThan(progress[index - 1]?.progress ?? 0);
      } finally {
        await close();
      }
    },
    TIMEOUT_MS + 30_000,
  );
});
