import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { connectInMemory, type SandboxFixture, startSandbox, textOf } from './helpers.js';

let fixture: SandboxFixture;

beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'generated:500' });
});
afterAll(async () => {
  await fixture.close();
});

describe('audit of a generated 500-account organization', () => {
  it('sends increasing progress notifications and returns a summary with a link', async () => {
    const { client, received, close } = await connectInMemory({ engine: fixture.engine() });
    try {
      const progress: Progress[] = [];
      const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} }, undefined, {
        onprogress: (update) => progress.push(update),
      });
      const audit = AuditResultSchema.parse(result.structuredContent);
      expect(audit.summary.accounts).toBe(500);
      // Progress arrived before the result, only increased, and ended at the total.
      expect(progress.length).toBeGreaterThanOrEqual(50);
      expect(progress.length).toBeLessThanOrEqual(101);
      for (const [index, update] of progress.entries()) {
        expect(update.total).toBe(500);
        if (index > 0) expect(update.progress).toBeGreaterThan(progress[index - 1]?.progress ?? 0);
      }
      expect(progress.at(-1)).toEqual({ progress: 500, total: 500, message: '500/500 accounts audited' });
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
  });

  it('sends no progress notification when the client gave no progress token', async () => {
    const { client, received, close } = await connectInMemory({ engine: fixture.engine() });
    try {
      await client.callTool({ name: 'audit-root-credentials', arguments: { ous: [] } });
      expect(
        received.filter((message) => 'method' in message && message.method === 'notifications/progress'),
      ).toEqual([]);
    } finally {
      await close();
    }
  });
});
