import { generateScenario, type Scenario } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/domain/audit.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

const POLICY_READS = ['ListPolicies', 'DescribePolicy', 'ListTargetsForPolicy', 'ListPoliciesForTarget'];

type Audited<Built> = Built & { report: AuditReport; count(operation: string): number; total: number };

/**
 * Audits the organization `build(refused)` makes for 3 and for 30 refused accounts, each in its own
 * sandbox without quotas, and keeps what `build` returned with the report and the Organizations
 * policy reads the audit made (from the sandbox's call log).
 */
function auditThreeAndThirtyRefused<Built extends { scenario: Scenario }>(build: (refused: number) => Built) {
  const fixtures: SandboxFixture[] = [];
  const audit = async (refused: number): Promise<Audited<Built>> => {
    const built = build(refused);
    const fixture = await startSandbox({ scenario: built.scenario, quotas: { enabled: false } });
    fixtures.push(fixture);
    const report = await fixture.engine().audit({ concurrency: 32 });
    const reads = fixture.sandbox.admin
      .calls({ service: 'organizations' })
      .filter((call) => POLICY_READS.includes(call.operation));
    const count = (operation: string) => reads.filter((call) => call.operation === operation).length;
    return { ...built, report, count, total: reads.length };
  };
  const runs = {} as { few: Audited<Built>; many: Audited<Built> };
  beforeAll(async () => {
    runs.few = await audit(3);
    runs.many = await audit(30);
  }, 300_000);
  afterAll(() => Promise.all(fixtures.map((fixture) => fixture.close())));
  return runs;
}

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

  const runs = auditThreeAndThirtyRefused(organizationWith);

  it('names the policy for every refused account', () => {
    for (const { report, refusedIds } of [runs.few, runs.many]) {
      const refused = report.accounts.filter((account) => refusedIds.includes(account.accountId));
      expect(refused).toHaveLength(refusedIds.length);
      for (const account of refused) {
        expect(account.status).toBe('unknown');
        expect(account.error?.message).toMatch(/^Refused by the organization's policies: SCP "/);
      }
    }
  });

  it('reads the policies once: the same calls for 3 refused accounts as for 30, none per target', () => {
    const { few, many } = runs;
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

/**
 * An allow-list SCP refuses by what it does not allow, so no explicit Deny decides: the explanation
 * must read which SCPs the open level carries (ListPoliciesForTarget). Accounts refused under the
 * same OU share that read: one call for 3 refused accounts as for 30, where each account used to
 * read its whole path again.
 */
describe('explaining accounts an allow-list SCP refuses', () => {
  const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
  const organizationWith = (refused: number) => {
    const scenario = generateScenario({ accounts: 200, seed: 3 });
    const org = scenario.organization;
    // An OU without child OUs: the allow-list then applies to exactly the accounts placed in it.
    const parents = new Set(org.organizationalUnits.map((unit) => unit.parentId));
    const allowListOu = org.organizationalUnits.find((unit) => !parents.has(unit.id))?.id as string;
    const members = scenario.accounts.slice(2).filter((account) => account.state === 'ACTIVE');
    for (const account of scenario.accounts) {
      account.scpDeniesRootSession = false;
      if (account.parentId === allowListOu) account.parentId = org.rootId;
    }
    for (const account of members.slice(0, refused)) account.parentId = allowListOu;
    org.policies = [
      {
        id: 'p-explain0allowl',
        name: 'AllowStorageOnly',
        description: '',
        type: 'SERVICE_CONTROL_POLICY',
        content: doc({ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }),
        targets: [allowListOu],
      },
    ];
    // The allow-list replaces FullAWSAccess on its OU: IAM is then allowed nowhere on that path.
    org.fullAwsAccessDetachedFrom = [allowListOu];
    return { scenario, refusedIds: members.slice(0, refused).map((account) => account.id), allowListOu };
  };

  const runs = auditThreeAndThirtyRefused(organizationWith);

  it('names the allow-list for every refused account', () => {
    for (const { report, refusedIds, allowListOu } of [runs.few, runs.many]) {
      const refused = report.accounts.filter((account) => account.status === 'unknown');
      expect(refused.map((account) => account.accountId).sort()).toEqual([...refusedIds].sort());
      for (const account of refused) expect(account.error?.message).toContain(`no SCP attached to`);
      for (const account of refused) expect(account.error?.message).toContain(`(${allowListOu})`);
    }
  });

  it("reads the open OU's SCPs once, however many accounts it refuses", () => {
    expect(runs.few.count('ListPoliciesForTarget')).toBe(1);
    expect(runs.many.count('ListPoliciesForTarget')).toBe(1);
  });
});
