import { type CallLogEntry, generateScenario, type Scenario } from '@rootwarden/aws-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyCheck, PolicyTask } from '../src/domain/policy-check.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

/**
 * Proves from the sandbox's call log that `policies check` costs a function of the policies, not of
 * the accounts: the AWS-managed FullAWSAccess and RCPFullAWSAccess (attached to every root, OU and
 * account) are never listed, and the levels an allow-list or a deny-only SCP leaves open are read one
 * by one. The same organization policies on 1,000 and 3,000 accounts cost the same calls.
 */

const POLICY_OPERATIONS = [
  'ListRoots',
  'ListPolicies',
  'DescribePolicy',
  'ListTargetsForPolicy',
  'ListPoliciesForTarget',
];
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });

/** A generated organization of `size` accounts carrying the same five policies on the same entities. */
function organization(size: number): { scenario: Scenario; members: string[] } {
  const scenario = generateScenario({ accounts: size, seed: 5 });
  const org = scenario.organization;
  const [ouDeny, ouAllowList] = org.organizationalUnits.map((unit) => unit.id) as [string, string];
  const members = scenario.accounts.slice(2, 7).map((account) => account.id);
  for (const account of scenario.accounts) account.scpDeniesRootSession = false;
  scenario.accounts.slice(2, 7).forEach((account, i) => {
    account.state = 'ACTIVE';
    account.parentId = i === 0 ? ouDeny : i === 1 ? ouAllowList : org.rootId;
  });
  org.policies = [
    {
      id: 'p-calls0sample00',
      name: 'AwsSampleDenyRoot',
      description: '',
      type: 'SERVICE_CONTROL_POLICY',
      content: doc({
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' },
          Null: { 'aws:AssumedRoot': 'true' },
        },
      }),
      targets: [org.rootId],
    },
    {
      id: 'p-calls0denyroot',
      name: 'DenyRootNoExemption',
      description: '',
      type: 'SERVICE_CONTROL_POLICY',
      content: doc({
        Sid: 'DenyRoot',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
      }),
      targets: [ouDeny],
    },
    {
      id: 'p-calls0allowlst',
      name: 'AllowListWithoutIam',
      description: '',
      type: 'SERVICE_CONTROL_POLICY',
      content: doc({ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }),
      targets: [ouAllowList],
    },
    {
      id: 'p-calls0denyonly',
      name: 'DenyPasswordCreation',
      description: '',
      type: 'SERVICE_CONTROL_POLICY',
      content: doc({
        Sid: 'NoRootPasswords',
        Effect: 'Deny',
        Action: 'iam:CreateLoginProfile',
        Resource: '*',
      }),
      targets: [members[2] as string, members[3] as string],
    },
    {
      id: 'p-calls0rcpdenys3',
      name: 'RcpDenyRootSessionsOnS3',
      description: '',
      type: 'RESOURCE_CONTROL_POLICY',
      content: doc({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:AssumedRoot': 'true' } },
      }),
      targets: [members[4] as string],
    },
  ];
  // The allow-list replaces FullAWSAccess on its OU; the deny-only SCP is the only SCP of members[2].
  org.fullAwsAccessDetachedFrom = [ouAllowList, members[2] as string];
  return { scenario, members };
}

let fixture: SandboxFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function checkAndCount(size: number) {
  const { scenario, members } = organization(size);
  fixture = await startSandbox({ scenario, quotas: { enabled: false } });
  fixture.sandbox.admin.clearCalls();
  const check = await fixture.engine().checkPolicies();
  const calls: CallLogEntry[] = fixture.sandbox.admin.calls();
  const counts = Object.fromEntries(
    POLICY_OPERATIONS.map((operation) => [operation, calls.filter((c) => c.operation === operation).length]),
  );
  return { check, counts, members };
}

const verdict = (check: PolicyCheck, accountId: string | undefined, task: PolicyTask) =>
  check.accounts.find((a) => a.accountId === accountId)?.tasks.find((t) => t.task === task)?.verdict;

describe('policies check reads policies, not accounts', () => {
  it('costs the same calls on 1,000 and 3,000 accounts, and still predicts each case', async () => {
    const small = await checkAndCount(1000);
    await fixture?.close();
    fixture = undefined;
    const large = await checkAndCount(3000);
    expect(large.counts).toEqual(small.counts);
    expect(large.check.accounts.length).toBeGreaterThan(2500);
    // One ListRoots, one ListPolicies per type, one DescribePolicy per policy (5 + the two AWS-managed),
    // targets of the five customer policies only, and one ListPoliciesForTarget per level an allow-list
    // or a deny-only SCP leaves open (the deny OU, the allow-list OU, the two deny-only accounts, the root).
    expect(small.counts).toEqual({
      ListRoots: 2, // one for the organization listing
      ListPolicies: 2,
      DescribePolicy: 7,
      ListTargetsForPolicy: 5,
      ListPoliciesForTarget: 5,
    });
    for (const { check, members } of [small, large]) {
      const [inDenyOu, inAllowListOu, denyOnlyAlone, denyOnlyWithFull, rcpDenied] = members;
      expect(verdict(check, inDenyOu, 'audit')).toBe('blocked');
      expect(verdict(check, inAllowListOu, 'audit')).toBe('blocked');
      expect(verdict(check, inAllowListOu, 'unlock-sqs-queue-policy')).toBe('allowed');
      // Its only SCP denies: nothing is allowed at its level.
      expect(verdict(check, denyOnlyAlone, 'audit')).toBe('blocked');
      // FullAWSAccess is still attached beside the deny-only SCP.
      expect(verdict(check, denyOnlyWithFull, 'audit')).toBe('allowed');
      expect(verdict(check, denyOnlyWithFull, 'allow-password-recovery')).toBe('blocked');
      expect(verdict(check, rcpDenied, 'unlock-s3-bucket-policy')).toBe('blocked');
      expect(verdict(check, rcpDenied, 'audit')).toBe('allowed');
    }
  }, 600_000);
});
