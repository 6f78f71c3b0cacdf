import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

describe('inventory', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'exposed' });
  });
  afterAll(() => fixture.close());

  it('lists every account with its OU path and skip reason', async () => {
    const inventory = await fixture.engine().listAccounts();
    const scenario = fixture.sandbox.admin.scenario();
    expect(inventory.organizationId).toBe(scenario.organizationId);
    expect(inventory.accounts).toHaveLength(scenario.accounts);
    const byName = new Map(inventory.accounts.map((account) => [account.name, account]));
    expect(byName.get('Payments')?.ouPathText).toBe('Root/Workloads/Prod/Payments');
    expect(byName.get('Management')?.skipReason).toBe('MANAGEMENT_ACCOUNT');
    expect(byName.get('Legacy')).toMatchObject({ state: 'SUSPENDED', skipReason: 'NOT_ACTIVE' });
    expect(byName.get('Closed')).toMatchObject({ state: 'CLOSED', skipReason: 'NOT_ACTIVE' });
    expect(byName.get('Security')?.skipReason).toBeUndefined();
    expect(inventory.summary).toEqual({
      total: inventory.accounts.length,
      auditable: inventory.accounts.filter((account) => !account.skipReason).length,
      skipped: inventory.accounts.filter((account) => account.skipReason).length,
    });
  });

  it('selects the accounts under an OU, recursively', async () => {
    const all = await fixture.engine().listAccounts();
    const workloads = all.accounts.find((account) => account.name === 'SharedServices')?.ouPath.at(-1)
      ?.id as string;
    const inventory = await fixture.engine().listAccounts({ ous: [workloads] });
    expect(inventory.accounts.map((account) => account.name).sort()).toEqual(
      all.accounts
        .filter((account) => account.ouPathText.startsWith('Root/Workloads'))
        .map((account) => account.name)
        .sort(),
    );
    expect(inventory.accounts.length).toBeGreaterThan(3);
  });

  it('refuses an unknown OU and a malformed one', async () => {
    const unknown = await rejection(() => fixture.engine().listAccounts({ ous: ['ou-zzzz-zzzzzzzz'] }));
    expect(unknown).toMatchObject({ code: 'OU_NOT_FOUND' });
    expect(unknown.message).toContain('ou-zzzz-zzzzzzzz');
    const malformed = await rejection(() => fixture.engine().listAccounts({ ous: ['marketing'] }));
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT' });
    expect(malformed.message).toContain('ous[0]: must be an OU id');
  });
});
