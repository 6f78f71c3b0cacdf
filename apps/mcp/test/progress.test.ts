import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import type { Logger } from '../src/logger.js';
import { connectInMemory, type SandboxFixture, startSandbox, textOf } from './helpers.js';

let fixture: SandboxFixture;
let logger: Logger;
/**
 * A 500-account audit can take over a minute on a loaded 2-core CI machine: the client waits longer
 * than the SDK's 60-second default request timeout, and the test longer still.
 */
const AUDIT_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'generated:500' });
});
afterAll(async () => {
  await fixture.close();
});

describe('audit of a generated 500-account organization', () => {
  it(
    'sends increasing progress notifications and returns a summary with a link',
    async () => {
      const { client, received, close } = await connectInMemory({ engine: fixture.engine() });
      try {
        const progress: Progress[] = [];
        const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} }, undefined, {
          onprogress: (update) => progress.push(update),
          timeout: AUDIT_TIMEOUT_MS,
        });
        const audit = AuditResultSchema.parse(result.structuredContent);
        expect(audit.summary.accounts).toBe(500);
        // Progress arrived before the result, only increased, and ended at the total.
        // About one per 1% of the accounts (more while the total is still unknown), never one per account.
        expect(progress.length).toBeGreaterThanOrEqual(10);
        expect(progress.length).toBeLessThanOrEqual(150);
        for (const [index, update] of progress.entries()) {
          if (update.total !== undefined) expect(update.total).toBe(500);
          if (index > 0) expect(update.progress).toBeGreaterThan(progress[index - 1]?.progress ?? 0);
        }
        // The last may also name an account AWS refused (progress-refusals.test.ts).
        expect(progress.at(-1)).toMatchObject({ progress: 500, total: 500 });
        expect(progress.at(-1)?.message).toMatch(/^500\/500 accounts audited/);
        const kinds = received.map((message) => ('method' in message ? message.method : 'result'));
        expect(kinds.lastIndexOf('notifications/progress')).toBeLessThan(kinds.lastIndexOf('result'));

        // Large organizations: the summary and a resource link, not 500 accounts in the context.
        expect(audit.accountsIncluded).toBe(false);
        expect(audit.accounts).toBeUndefined();
        expect(JSON.stringify(result).length).toBeLessThan(20_000);
        expect(textOf(result)).toContain('… and ');
        expect(result.content).toContainEqual(
          expect.objectContaining({ type: 'resource_link', uri: audit.reportUri }),
        );
        const resource = await client.readResource({ uri: audit.reportUri });
        expect(JSON.parse((resource.contents[0] as { text: string }).text).accounts).toHaveLength(500);
      } finally {
        await close();
      }
    },
    AUDIT_TIMEOUT_MS + 30_000,
  );

  it('stops auditing when the client cancels the request', async () => {
    const logs: string[] = [];
    const finished = new Promise<void>((resolve) => {
      const record = (line: string) => {
        logs.push(line);
        if (line.startsWith('tool audit-root-credentials')) resolve();
      };
      logger = { info: record, error: record };
    });
    const { client, close } = await connectInMemory({ engine: fixture.engine(), logger });
    try {
      fixture.sandbox.admin.clearCalls();
      const assumeRoots = () => fixture.sandbox.admin.calls({ operation: 'AssumeRoot' }).length;
      let atCancel = -1;
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'audit-root-credentials', arguments: { concurrency: 4 } },
        undefined,
        { signal: controller.signal },
      );
      // Cancel once a few root sessions were opened (progress only starts when OU names are known).
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (assumeRoots() < 10) return;
          clearInterval(poll);
          atCancel = assumeRoots();
          controller.abort('the person changed their mind');
          resolve();
        }, 5);
      });
      await expect(call).rejects.toThrow(/changed their mind/);
      await finished;
      // The engine got the request's AbortSignal: what was in flight finished (concurrency 4, one retry
      // round at most), nothing new started, though most of the 500 accounts were still to do.
      expect(assumeRoots() - atCancel).toBeLessThanOrEqual(8);
      // The engine returns the partial report (incomplete), or ABORTED when listing was cut short.
      expect(logs.at(-1)).toMatch(/^tool audit-root-credentials (ok|failed: ABORTED)/);
    } finally {
      await close();
    }
  });

  it(
    'sends no progress notification when the client gave no progress token',
    async () => {
      const { client, received, close } = await connectInMemory({ engine: fixture.engine() });
      try {
        await client.callTool({ name: 'audit-root-credentials', arguments: { ous: [] } }, undefined, {
          timeout: AUDIT_TIMEOUT_MS,
        });
        expect(
          received.filter((message) => 'method' in message && message.method === 'notifications/progress'),
        ).toEqual([]);
      } finally {
        await close();
      }
    },
    AUDIT_TIMEOUT_MS + 30_000,
  );
});
