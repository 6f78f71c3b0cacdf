import { generateScenario } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxFixture, startSandbox } from './sandbox.js';

const POLICY_READS = ['ListPolicies', 'DescribePolicy', 'ListTargetsForPolicy', 'ListPoliciesForTarget'];

/**
 * The audit names the SCP behind each AccessDenied (the streamed events say it as the report does).
 * Proves from the sandbox's call log that the explanation reads the organization's policies once,
 * at a cost that does not grow with the refused accounts: the same calls for 3 refused accounts as
 * for 30, and no ListPoliciesForTarget when an explicit Deny decides (reading each refused account's
 * path cost one paced call per account and OU).
 */
describe('explaining refused accounts', () => {
  const organizationWith = (refused: number) => {
    const scenario = generateScenario({ accounts: 200, seed: 3 });
    const members = scenario.accounts.slice(2).filter((account) => account.state === 'ACTIVE');
    for (const account of members) account.scpDeniesRootSession = false;
    for (const account of members.slice(0, refused)) account.scpDeniesRootSession = true;
    return { scenario, refusedIds: members.slice(0, refused).map((account) => account.id) };
  };

  const fixtures: SandboxFixture[] = [];
  afterAll(() => Promise.all(fixtures.map((fixture) => fixture.close())));

  const auditAndCount = async (refused: number) => {
    const { scenario, refusedIds } = organizationWith(refused);
    const fixture = await startSandbox({ scenario, quotas: { enabled: false } });
    fixtures.push(fixture);
    const report = await fixture.engine().audit({ concurrency: 32 });
    const reads = fixture.sandbox.admin
      .calls({ service: 'organizations' })
      .filter((call) => POLICY_READS.includes(call.operation));
    const count = (operation: string) => reads.filter((call) => call.operation === operation).length;
    return { report, refusedIds, count, total: reads.length };
  };

  let few: Awaited<ReturnType<typeof auditAndCount>>;
  let many: Awaited<ReturnType<typeof auditAndCount>>;
  beforeAll(async () => {
    few = await auditAndCount(3);
    many = await auditAndCount(30);
  }, 300_000);

  it('names the policy for every refused account', () => {
    for (const { report, refusedIds } of [few, many]) {
      const refused = report.accounts.filter((account) => refusedIds.includes(account.accountId));
      expect(refused).toHaveLength(refusedIds.length);
      for (const account of refused) {
        expect(account.status).toBe('unknown');
        expect(account.error?.message).toMatch(/^Refused by the organization's policies: SCP "/);
      }
    }
  });

  it('reads the policies once: the same calls for 3 refused accounts as for 30, none per target', () => {
    expect(few.count('ListPoliciesForTarget')).toBe(0);
    expect(many.count('ListPoliciesForTarget')).toBe(0);
    // ListTargetsForPolicy pages hold 20 targets: the deny policy's 30 targets take 2 pages, 3 take 1.
    expect(many.count('ListTargetsForPolicy') - few.count('ListTargetsForPolicy')).toBe(1);
    for (const operation of ['ListPolicies', 'DescribePolicy'])
      expect([operation, many.count(operation)]).toEqual([operation, few.count(operation)]);
    expect(few.count('ListPolicies')).toBeGreaterThan(0);
    expect(many.total - few.total).toBe(1);
  });
});
