import { describe, expect, it } from 'vitest';
import type { OrgPolicyType } from '../src/domain/policy-check.js';
import { levelsToResolve, policyNeedsTargets, resolutionStrategy } from '../src/rules/policy-reading.js';

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const FULL_AWS_ACCESS = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const SCP: OrgPolicyType = 'SERVICE_CONTROL_POLICY';
const RCP: OrgPolicyType = 'RESOURCE_CONTROL_POLICY';

describe('policyNeedsTargets: only policies that can change an outcome are listed', () => {
  it.each([
    // FullAWSAccess (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
    ['FullAWSAccess', SCP, FULL_AWS_ACCESS, false],
    [
      'allow-all written as iam:* + s3:* + sqs:*',
      SCP,
      doc({ Effect: 'Allow', Action: ['iam:*', 's3:*', 'sqs:*'], Resource: '*' }),
      false,
    ],
    // The engine's evaluator reads a statement without Resource as applying to every resource.
    ['allow-all without Resource', SCP, doc({ Effect: 'Allow', Action: '*' }), false],
    ['allow-list without IAM', SCP, doc({ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }), true],
    [
      'allow-all under a condition',
      SCP,
      doc({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:AssumedRoot': 'true' } },
      }),
      true,
    ],
    [
      'allow-all on one account only',
      SCP,
      doc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::123456789012:root' }),
      true,
    ],
    [
      'allow-all beside a Deny',
      SCP,
      doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*' }),
      true,
    ],
    ['deny-only', SCP, doc({ Effect: 'Deny', Action: 'iam:CreateLoginProfile', Resource: '*' }), true],
    ['unreadable', SCP, '{"Statement": [', true],
    // RCPFullAWSAccess cannot be detached (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html).
    ['RCPFullAWSAccess', RCP, doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), false],
    [
      'an allow-only RCP narrower than all',
      RCP,
      doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }),
      false,
    ],
    ['an RCP Deny', RCP, doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }), true],
  ] as const)('%s', (_name, type, content, expected) => {
    expect(policyNeedsTargets(type, content)).toBe(expected);
  });
});

describe('levelsToResolve: levels whose listed SCPs do not allow every task action', () => {
  const root = { id: 'r-abcd', name: 'Root' };
  const ou = { id: 'ou-abcd-11111111', name: 'Prod' };
  const account = (accountId: string, path = [root, ou]) => ({ accountId, name: accountId, ouPath: path });
  const listed: Record<string, string[]> = {
    'ou-abcd-11111111': [doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' })],
    '111111111111': [doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' })],
    '222222222222': [doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }), FULL_AWS_ACCESS],
  };
  const attachedTo = (id: string) => (listed[id] ?? []).map((content) => ({ content }));
  it.each([
    ['nothing listed on the path: nothing to resolve', [account('333333333333', [root])], []],
    ['a deny-only OU and an allow-list account', [account('111111111111')], [ou.id, '111111111111']],
    ['a listed allow-all beside the deny covers its level', [account('222222222222')], [ou.id]],
    [
      'each level once for many accounts',
      [account('111111111111'), account('444444444444')],
      [ou.id, '111111111111'],
    ],
  ] as const)('%s', (_name, accounts, expected) => {
    expect(levelsToResolve({ attachedTo }, accounts).map((level) => level.id)).toEqual(expected);
  });
});

describe('resolutionStrategy: the cheaper way to resolve, when the organization size is known', () => {
  it.each([
    [0, 1, 10_000, 'per-level'],
    [40, 1, 10_000, 'per-level'],
    [900, 1, 10_400, 'list-unlisted'], // 520 pages < 900 calls
    [900, 2, 10_400, 'per-level'], // 1,040 pages > 900 calls
    [900, 1, undefined, 'per-level'], // a selection: the size is unknown
  ] as const)('%i levels, %i unlisted SCPs, %s entities → %s', (levels, unlisted, entities, expected) => {
    expect(resolutionStrategy(levels, unlisted, entities)).toBe(expected);
  });
});
