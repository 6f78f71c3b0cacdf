import { InventorySchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, type SandboxFixture, startSandbox } from './helpers.js';

/** The MCP tools take the engine's targeted path: proven from the sandbox's call log. */
describe('selections through MCP tools read only what they need', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  });
  afterAll(() => fixture.close());
  const organizationsCalls = () =>
    fixture.sandbox.admin.calls().filter((call) => call.service === 'organizations');

  it('list-accounts with ous and audit-root-credentials with accounts never list the organization', async () => {
    const connection = await connectInMemory({ engine: fixture.engine({ store: false }) });
    try {
      const all = InventorySchema.parse(
        (await connection.client.callTool({ name: 'list-accounts', arguments: {} })).structuredContent,
      );
      const payments = all.accounts.find((account) => account.name === 'Payments');
      const prod = payments?.ouPath.at(-2)?.id as string;

      fixture.sandbox.admin.clearCalls();
      const listed = await connection.client.callTool({ name: 'list-accounts', arguments: { ous: [prod] } });
      expect(listed.isError).toBeFalsy();
      const under = InventorySchema.parse(listed.structuredContent);
      expect(under.accounts.map((account) => account.accountId)).toContain(payments?.accountId);
      expect(organizationsCalls().map((call) => call.operation)).not.toContain('ListAccounts');

      fixture.sandbox.admin.clearCalls();
      const audited = await connection.client.callTool({
        name: 'audit-root-credentials',
        arguments: { accounts: [payments?.accountId] },
      });
      expect(audited.isError).toBeFalsy();
      const operations = organizationsCalls().map((call) => call.operation);
      expect(operations).toContain('DescribeAccount');
      for (const listing of ['ListAccounts', 'ListOrganizationalUnitsForParent', 'ListAccountsForParent'])
        expect(operations).not.toContain(listing);
    } finally {
      await connection.close();
    }
  });
});
