import { type CallLogEntry, generateScenario } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountAuditResult } from '../src/domain/audit.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

/**
 * Proves from the sandbox's call log that a selection costs only the calls it needs: one account is
 * described, never listed; an OU is walked alone, plus the path from it up to the root. AWS documents
 * `Account.Paths` and `OrganizationalUnit.Path` as optional, so every case runs with and without them.
 */
describe.each([true, false])('selection call patterns (entity paths sent: %s)', (entityPaths) => {
  const scenario = generateScenario({ accounts: 300, seed: 7 });
  scenario.organization.entityPaths = entityPaths;
  const units = scenario.organization.organizationalUnits;
  const parentOf = new Map(units.map((unit) => [unit.id, unit.parentId]));
  const rootId = scenario.organization.rootId;
  /** Root and OU ids from the root down to `id` (inclusive); the root has no parent. */
  const pathTo = (id: string): string[] => {
    const path = [id];
    for (let parent = parentOf.get(id); parent; parent = parentOf.get(parent)) path.unshift(parent);
    return path;
  };
  const subtreeOf = (id: string): Set<string> => {
    const inside = new Set([id]);
    for (const unit of units) if (pathTo(unit.id).includes(id)) inside.add(unit.id);
    return inside;
  };

  let fixture: SandboxFixture;
  let everyone: AccountAuditResult[];
  /** A result without the moment it was audited (runs differ only by that). */
  const observed = (result: AccountAuditResult | undefined) => result && { ...result, auditedAt: null };
  beforeAll(async () => {
    fixture = await startSandbox({ scenario, quotas: { enabled: false } });
    everyone = (await fixture.engine().audit({ concurrency: 64 })).accounts;
  }, 300_000);
  afterAll(() => fixture.close());

  const organizationsCalls = (calls: CallLogEntry[]) =>
    calls.filter((call) => call.service === 'organizations');
  const run = async <T>(work: () => Promise<T>): Promise<{ result: T; calls: CallLogEntry[] }> => {
    fixture.sandbox.admin.clearCalls();
    const result = await work();
    return { result, calls: fixture.sandbox.admin.calls() };
  };

  it('audits one account without listing the organization: DescribeAccount and its OU path only', async () => {
    const deep = scenario.accounts.find(
      (account) => account.state === 'ACTIVE' && account.parentId && pathTo(account.parentId).length >= 4,
    );
    if (!deep?.parentId) throw new Error('the generated organization has no account three OUs deep');
    const path = pathTo(deep.parentId);
    const { result, calls } = await run(() => fixture.engine().audit({ accounts: [deep.id] }));

    expect(result.accounts.map(observed)).toEqual([
      observed(everyone.find((account) => account.accountId === deep.id)),
    ]);
    expect(result.accounts[0]?.ouPath.map((unit) => unit.id)).toEqual(path);
    const org = organizationsCalls(calls);
    const operations = new Set(org.map((call) => call.operation));
    for (const listing of [
      'ListAccounts',
      'ListAccountsForParent',
      'ListOrganizationalUnitsForParent',
      'ListChildren',
    ])
      expect(operations).not.toContain(listing);
    expect(org.filter((call) => call.operation === 'DescribeAccount').map((call) => call.subject)).toEqual([
      deep.id,
    ]);
    const allowed = new Set([deep.id, ...path]);
    for (const call of org) if (call.subject !== undefined) expect(allowed).toContain(call.subject);
    // Each OU of the path is named once; ListParents only when AWS sends no Paths.
    expect(
      org
        .filter((call) => call.operation === 'DescribeOrganizationalUnit')
        .map((call) => call.subject)
        .sort(),
    ).toEqual(path.filter((id) => id !== rootId).sort());
    // account → its OU → … → root: one ListParents per step.
    expect(org.filter((call) => call.operation === 'ListParents')).toHaveLength(
      entityPaths ? 0 : path.length,
    );
    expect(
      calls.filter((call) => call.operation === 'AssumeRoot').map((call) => call.targetAccountId),
    ).toEqual([deep.id]);
  });

  it('audits an OU without reading outside its subtree, except the path up to the root', async () => {
    // An OU one level below another, with OUs below it and accounts in them.
    const chosen = units.find((unit) => unit.parentId !== rootId && subtreeOf(unit.id).size > 1);
    if (!chosen) throw new Error('the generated organization has no nested OU');
    const subtree = subtreeOf(chosen.id);
    const path = pathTo(chosen.id);
    const inside = everyone.filter((account) => account.ouPath.some((unit) => unit.id === chosen.id));
    expect(inside.length).toBeGreaterThan(0);
    const excluded = inside.find((account) => account.status !== 'skipped');
    if (!excluded) throw new Error('no auditable account under the chosen OU');

    const { result, calls } = await run(() =>
      fixture.engine().audit({ ous: [chosen.id], exclude: [excluded.accountId] }),
    );
    expect(result.accounts.map((account) => account.accountId)).toEqual(inside.map((a) => a.accountId));
    for (const account of result.accounts) {
      if (account.accountId === excluded.accountId) expect(account.skipReason).toBe('EXCLUDED');
      else expect(observed(account)).toEqual(observed(inside.find((a) => a.accountId === account.accountId)));
    }

    const org = organizationsCalls(calls);
    expect(org.map((call) => call.operation)).not.toContain('ListAccounts');
    const allowed = new Set([...subtree, ...path, rootId]);
    for (const call of org) {
      if (call.subject === undefined) continue;
      if (/^\d{12}$/.test(call.subject)) throw new Error(`${call.operation} named account ${call.subject}`);
      expect(allowed, `${call.operation} ${call.subject}`).toContain(call.subject);
    }
    // Every unit of the subtree is listed once for its OUs and once for its accounts: nothing else.
    for (const operation of ['ListOrganizationalUnitsForParent', 'ListAccountsForParent']) {
      const subjects = new Set(
        org.filter((call) => call.operation === operation).map((call) => call.subject),
      );
      expect(subjects).toEqual(subtree);
    }
    // --exclude costs no call: the excluded account is never assumed, the others once each.
    const assumed = calls
      .filter((call) => call.operation === 'AssumeRoot')
      .map((call) => call.targetAccountId);
    expect(assumed.sort()).toEqual(
      inside
        .filter((account) => account.status !== 'skipped' && account.accountId !== excluded.accountId)
        .map((account) => account.accountId)
        .sort(),
    );
  });

  it('lists the accounts of an OU the same way (accounts list --ou)', async () => {
    const chosen = units.find((unit) => unit.parentId === rootId && subtreeOf(unit.id).size > 1);
    if (!chosen) throw new Error('no top-level OU with OUs below it');
    const { result, calls } = await run(() => fixture.engine().listAccounts({ ous: [chosen.id] }));
    const expected = everyone.filter((account) => account.ouPath.some((unit) => unit.id === chosen.id));
    expect(result.accounts.map((account) => account.accountId).sort()).toEqual(
      expected.map((account) => account.accountId).sort(),
    );
    for (const account of result.accounts)
      expect(account.ouPathText).toBe(expected.find((a) => a.accountId === account.accountId)?.ouPathText);
    const allowed = new Set([...subtreeOf(chosen.id), rootId]);
    for (const call of organizationsCalls(calls)) {
      expect(call.operation).not.toBe('ListAccounts');
      if (call.subject !== undefined) expect(allowed).toContain(call.subject);
    }
  });

  it('refuses an account outside the organization and an unknown OU, as before', async () => {
    const account = await rejection(() => fixture.engine().audit({ accounts: ['999999999999'] }));
    expect(account).toMatchObject({ code: 'ACCOUNT_NOT_IN_ORG' });
    expect(account.message).toContain('999999999999');
    const ou = await rejection(() => fixture.engine().audit({ ous: ['ou-gen0-99999999'] }));
    expect(ou).toMatchObject({ code: 'OU_NOT_FOUND' });
    expect(ou.message).toContain('ou-gen0-99999999');
    const root = await rejection(() => fixture.engine().listAccounts({ ous: ['r-zzzz'] }));
    expect(root).toMatchObject({ code: 'OU_NOT_FOUND' });
  });
});
