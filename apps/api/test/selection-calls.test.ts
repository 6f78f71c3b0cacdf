import { AuditReportSchema, InventorySchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture, waitForAudit } from './helpers.js';

/** The HTTP doors take the engine's targeted path: proven from the sandbox's call log. */
describe('selections over HTTP read only what they need', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({ sandbox: { scenario: 'exposed', quotas: { enabled: false } } });
  });
  afterAll(() => fixture.close());
  const organizationsCalls = () =>
    fixture.sandbox.admin.calls().filter((call) => call.service === 'organizations');

  it('GET /v1/accounts?ou= walks that OU only (no ListAccounts)', async () => {
    const all = InventorySchema.parse(await (await fixture.request('/v1/accounts', { as: 'read' })).json());
    const payments = all.accounts.find((account) => account.name === 'Payments');
    const prod = payments?.ouPath.at(-2)?.id as string;
    fixture.sandbox.admin.clearCalls();
    const response = await fixture.request(`/v1/accounts?ou=${prod}`, { as: 'read' });
    expect(response.status).toBe(200);
    const under = InventorySchema.parse(await response.json());
    expect(under.accounts.map((account) => account.accountId).sort()).toEqual(
      all.accounts
        .filter((account) => account.ouPath.some((unit) => unit.id === prod))
        .map((account) => account.accountId)
        .sort(),
    );
    const calls = organizationsCalls();
    expect(calls.map((call) => call.operation)).not.toContain('ListAccounts');
    const path = payments?.ouPath.map((unit) => unit.id) ?? [];
    const allowed = new Set(path.slice(0, path.indexOf(prod) + 1));
    for (const account of under.accounts) for (const unit of account.ouPath) allowed.add(unit.id);
    for (const call of calls) if (call.subject !== undefined) expect(allowed).toContain(call.subject);
  });

  it('POST /v1/audits with accounts describes them, never lists the organization', async () => {
    const all = InventorySchema.parse(await (await fixture.request('/v1/accounts', { as: 'read' })).json());
    const target = all.accounts.find((account) => account.name === 'Payments')?.accountId as string;
    fixture.sandbox.admin.clearCalls();
    const started = await fixture.request('/v1/audits', {
      as: 'audit',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accounts: [target] }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const done = await waitForAudit((path) => fixture.request(path, { as: 'read' }), id);
    const report = AuditReportSchema.parse(done.report);
    expect(report.accounts.map((account) => account.accountId)).toEqual([target]);
    const operations = organizationsCalls().map((call) => call.operation);
    expect(operations).toContain('DescribeAccount');
    for (const listing of ['ListAccounts', 'ListOrganizationalUnitsForParent', 'ListAccountsForParent'])
      expect(operations).not.toContain(listing);
  });
});
