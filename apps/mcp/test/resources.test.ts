import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { AuditReportSchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { RESOURCE_NOT_FOUND } from '../src/resources.js';
import {
  connectInMemory,
  protocolError,
  type SandboxFixture,
  startSandbox,
  temporaryHome,
} from './helpers.js';

let fixture: SandboxFixture;
const home = temporaryHome();

beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'blog' });
});
afterAll(async () => {
  await fixture.close();
  home.remove();
});

function promptText(result: { messages: Array<{ content: { type: string; text?: unknown } }> }): string {
  const content = result.messages[0]?.content;
  return content?.type === 'text' && typeof content.text === 'string' ? content.text : '';
}

function reportIn(result: {
  contents: Array<{ uri: string; mimeType?: string } & ({ text: string } | { blob: string })>;
}) {
  const [content] = result.contents;
  expect(content?.mimeType).toBe('application/json');
  return AuditReportSchema.parse(JSON.parse((content as { text: string }).text));
}

describe('resources', () => {
  it('serves the latest audit and every saved audit by id, and lists them', async () => {
    const { client, close } = await connectInMemory({ engine: fixture.engine({ home: home.home }) });
    try {
      const latestBefore = await protocolError(client.readResource({ uri: 'rootwarden://audits/latest' }));
      expect(latestBefore.code).toBe(RESOURCE_NOT_FOUND);
      expect(latestBefore.message).toContain('No audit yet: call audit-root-credentials first.');

      const first = AuditResultSchema.parse(
        (await client.callTool({ name: 'audit-root-credentials', arguments: { accounts: ['111111111111'] } }))
          .structuredContent,
      );
      const second = AuditResultSchema.parse(
        (await client.callTool({ name: 'audit-root-credentials', arguments: {} })).structuredContent,
      );
      const latest = reportIn(await client.readResource({ uri: 'rootwarden://audits/latest' }));
      expect(latest.auditId).toBe(second.auditId);
      expect(latest.accounts).toHaveLength(7);
      const byId = reportIn(await client.readResource({ uri: `rootwarden://audits/${first.auditId}` }));
      expect(byId.accounts.map((account) => account.accountId)).toEqual(['111111111111']);

      const { resources } = await client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual([
        'rootwarden://audits/latest',
        `rootwarden://audits/${second.auditId}`,
        `rootwarden://audits/${first.auditId}`,
      ]);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates).toEqual([
        expect.objectContaining({
          uriTemplate: 'rootwarden://audits/{id}/report.html',
          mimeType: 'text/html',
        }),
        expect.objectContaining({ uriTemplate: 'rootwarden://audits/{id}', mimeType: 'application/json' }),
      ]);

      // The same audit as a self-contained page for a person, linked from the audit result.
      const audited = await client.callTool({ name: 'audit-root-credentials', arguments: {} });
      const page = (audited.content as Array<{ type: string; uri?: string; mimeType?: string }>).find(
        (item) => item.type === 'resource_link' && item.mimeType === 'text/html',
      );
      expect(page?.uri).toMatch(/^rootwarden:\/\/audits\/[0-9a-f-]{36}\/report\.html$/);
      const html = await client.readResource({ uri: page?.uri ?? '' });
      const [content] = html.contents as Array<{ mimeType?: string; text?: string }>;
      expect(content?.mimeType).toBe('text/html');
      expect(content?.text).toMatch(/^<!doctype html>/);
      expect(content?.text).toContain('data-drift="no"');
    } finally {
      await close();
    }
  });

  it('answers an unknown audit with resource-not-found and a malformed id with InvalidParams', async () => {
    const { client, close } = await connectInMemory({ engine: fixture.engine({ home: home.home }) });
    try {
      const unknown = await protocolError(client.readResource({ uri: 'rootwarden://audits/abcd1234' }));
      expect(unknown.code).toBe(RESOURCE_NOT_FOUND);
      expect(unknown.message).toContain('No saved audit abcd1234.');
      const malformed = await protocolError(client.readResource({ uri: 'rootwarden://audits/NOT_AN_ID' }));
      expect(malformed.code).toBe(ErrorCode.InvalidParams);
      expect(malformed.message).toContain('id: ');
    } finally {
      await close();
    }
  });

  it('serves the audits of this server when the engine keeps no history', async () => {
    const { client, close } = await connectInMemory({ engine: fixture.engine({ store: false }) });
    try {
      const audit = AuditResultSchema.parse(
        (await client.callTool({ name: 'audit-root-credentials', arguments: {} })).structuredContent,
      );
      expect(reportIn(await client.readResource({ uri: audit.reportUri })).auditId).toBe(audit.auditId);
      expect(reportIn(await client.readResource({ uri: 'rootwarden://audits/latest' })).auditId).toBe(
        audit.auditId,
      );
      expect((await client.listResources()).resources.map((resource) => resource.uri)).toContain(
        audit.reportUri,
      );
    } finally {
      await close();
    }
  });
});

describe('prompt review-root-credentials', () => {
  it('guides a review from status to a plan the person approves', async () => {
    const { client, close } = await connectInMemory({ engine: fixture.engine() });
    try {
      const { prompts } = await client.listPrompts();
      expect(prompts).toEqual([
        expect.objectContaining({
          name: 'review-root-credentials',
          arguments: [
            expect.objectContaining({ name: 'auditId', required: false }),
            expect.objectContaining({ name: 'focus', required: false }),
          ],
        }),
      ]);
      const fresh = await client.getPrompt({ name: 'review-root-credentials', arguments: {} });
      const text = promptText(fresh);
      expect(text).toContain('1. Call get-org-status.');
      expect(text).toContain('audit-root-credentials');
      expect(text).toContain('Never apply a plan I have not approved (this server cannot apply plans).');
      const saved = await client.getPrompt({
        name: 'review-root-credentials',
        arguments: { auditId: 'abcd1234', focus: 'production accounts' },
      });
      const savedText = promptText(saved);
      expect(savedText).toContain('Read the saved audit rootwarden://audits/abcd1234');
      expect(savedText).toContain('Focus first on: production accounts');
      const bad = await protocolError(
        client.getPrompt({ name: 'review-root-credentials', arguments: { auditId: 'no!' } }),
      );
      expect(bad.code).toBe(ErrorCode.InvalidParams);
      expect(bad.message).toContain('auditId');
    } finally {
      await close();
    }
  });

  it('says apply-plan asks the person when mutations are allowed', async () => {
    const { client, close } = await connectInMemory({ engine: fixture.engine(), allowMutations: true });
    try {
      const prompt = await client.getPrompt({ name: 'review-root-credentials', arguments: {} });
      expect(promptText(prompt)).toContain('apply-plan will ask me');
    } finally {
      await close();
    }
  });
});
