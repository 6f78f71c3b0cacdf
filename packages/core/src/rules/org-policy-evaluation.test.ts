import { describe, expect, it } from 'vitest';
import { analyzeAccountPolicies, exemptRootSessions, PolicyIndex } from './org-policy-analysis.js';
import {
  evaluateCondition,
  matchesWildcard,
  type PolicyRequest,
  parseOrgPolicy,
  rootSessionContext,
  statementApplies,
  type Tri,
} from './org-policy-evaluation.js';

const ACCOUNT = '111122223333';
const ORG = 'o-exampleorgid';
const context = rootSessionContext(ACCOUNT, ORG);
const rootArn = { parts: ['arn', 'aws', 'iam', '', ACCOUNT, 'root'] };

function applies(statement: Record<string, unknown>, request: Partial<PolicyRequest> = {}): Tri {
  const parsed = parseOrgPolicy(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  if (!parsed.ok) throw new Error(parsed.reason);
  const [s] = parsed.statements;
  if (!s) throw new Error('no statement');
  return statementApplies(s, { action: 'iam:GetUser', resource: rootArn, context, ...request }, false);
}

describe('condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators")', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  it.each<[string, Record<string, Record<string, unknown>>, Tri]>([
    // AWS's sample deny-root SCP (aws-samples/service-control-policy-examples): a root session has aws:AssumedRoot.
    ['Null aws:AssumedRoot true (key present)', { Null: { 'aws:AssumedRoot': 'true' } }, 'no'],
    ['Null aws:AssumedRoot false (key present)', { Null: { 'aws:AssumedRoot': 'false' } }, 'yes'],
    ['Bool aws:AssumedRoot true', { Bool: { 'aws:AssumedRoot': 'true' } }, 'yes'],
    ['Bool aws:AssumedRoot false', { Bool: { 'aws:AssumedRoot': 'false' } }, 'no'],
    ['BoolIfExists aws:AssumedRoot false', { BoolIfExists: { 'aws:AssumedRoot': 'false' } }, 'no'],
    // "If the key … is not present in the request context, the values do not match" (positive operators).
    ['StringEquals with no values', { StringEquals: { 'aws:PrincipalArn': [] } }, 'no'],
    [
      'StringLike aws:PrincipalArn root',
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
      'yes',
    ],
    ['ArnLike aws:PrincipalArn root', { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } }, 'yes'],
    [
      'StringNotLike aws:PrincipalArn role',
      { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } },
      'yes',
    ],
    [
      'StringEquals aws:PrincipalAccount other',
      { StringEquals: { 'aws:PrincipalAccount': '999999999999' } },
      'no',
    ],
    // Several values of one key are ORed.
    [
      'StringEquals with two values, one matching',
      { StringEquals: { 'aws:PrincipalAccount': ['1', ACCOUNT] } },
      'yes',
    ],
    // Negated operators: "not equal to any".
    [
      'StringNotEquals with two values, one matching',
      { StringNotEquals: { 'aws:PrincipalAccount': ['1', ACCOUNT] } },
      'no',
    ],
    [
      'StringNotEqualsIfExists aws:PrincipalOrgID own org',
      { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
      'no',
    ],
    // Several operators are ANDed.
    [
      'AWS sample: ArnLike root AND Null AssumedRoot true',
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' }, Null: { 'aws:AssumedRoot': 'true' } },
      'no',
    ],
    [
      'StringEqualsIgnoreCase',
      { StringEqualsIgnoreCase: { 'aws:PrincipalOrgID': ORG.toUpperCase() } },
      'yes',
    ],
    // What the engine does not model is never a "no".
    ['an unmodelled key', { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, 'unknown'],
    ['Null on an unmodelled key', { Null: { 'aws:SourceIp': 'true' } }, 'unknown'],
    ['an unmodelled operator', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, 'unknown'],
    ['a set operator', { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': ACCOUNT } }, 'unknown'],
    [
      'a policy variable',
      { StringEquals: { 'aws:ResourceAccount': ['$', '{aws:PrincipalAccount}'].join('') } },
      'unknown',
    ],
    [
      'an unknown AND a certain no is no',
      { StringEquals: { 'aws:RequestedRegion': 'x', 'aws:PrincipalAccount': '1' } },
      'no',
    ],
  ])('%s', (_, condition, expected) => {
    expect(evaluateCondition(condition, context)).toBe(expected);
  });
});

describe('statement elements', () => {
  it.each<[string, Record<string, unknown>, Partial<PolicyRequest>, Tri]>([
    // NotAction: "matches everything except the specified list of actions" (reference_policies_elements_notaction.html).
    ['NotAction listing the action', { Effect: 'Deny', NotAction: 'iam:GetUser', Resource: '*' }, {}, 'no'],
    [
      'NotAction not listing the action',
      { Effect: 'Deny', NotAction: ['iam:GetUser'], Resource: '*' },
      { action: 'iam:DeleteLoginProfile' },
      'yes',
    ],
    // Action names are case-insensitive, with * and ? wildcards.
    [
      'wildcard action',
      { Effect: 'Deny', Action: 'IAM:Delete*', Resource: '*' },
      { action: 'iam:DeleteAccessKey' },
      'yes',
    ],
    ['? wildcard', { Effect: 'Deny', Action: 'iam:?etUser', Resource: '*' }, {}, 'yes'],
    ['other service', { Effect: 'Deny', Action: 's3:*', Resource: '*' }, {}, 'no'],
    // Resource-less actions are authorized against "*" only.
    [
      'bucket ARN pattern vs ListAllMyBuckets',
      { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*' },
      { action: 's3:ListAllMyBuckets', resource: '*' },
      'no',
    ],
    [
      'NotResource root vs the root user',
      { Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::*:root' },
      {},
      'no',
    ],
    [
      'NotResource root vs a resource-less action',
      { Effect: 'Deny', Action: 'iam:*', NotResource: 'arn:aws:iam::*:root' },
      { action: 'iam:GetAccountSummary', resource: '*' },
      'yes',
    ],
    // A bucket or queue not chosen yet.
    [
      'any bucket vs arn:aws:s3:::*',
      { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*' },
      { action: 's3:GetBucketPolicy', resource: { parts: ['arn', 'aws', 's3', '', '', null] } },
      'yes',
    ],
    [
      'any bucket vs one bucket',
      { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::logs' },
      { action: 's3:GetBucketPolicy', resource: { parts: ['arn', 'aws', 's3', '', '', null] } },
      'unknown',
    ],
    [
      'any queue vs prod-* queues',
      { Effect: 'Deny', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:prod-*' },
      { action: 'sqs:SetQueueAttributes', resource: { parts: ['arn', 'aws', 'sqs', null, ACCOUNT, null] } },
      'unknown',
    ],
    [
      'a known queue vs prod-* queues',
      { Effect: 'Deny', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:prod-*' },
      {
        action: 'sqs:SetQueueAttributes',
        resource: { parts: ['arn', 'aws', 'sqs', 'us-east-1', ACCOUNT, 'audit-events'] },
      },
      'no',
    ],
    [
      'any queue vs an IAM ARN',
      { Effect: 'Deny', Action: 'sqs:*', Resource: 'arn:aws:iam::*:root' },
      { action: 'sqs:SetQueueAttributes', resource: { parts: ['arn', 'aws', 'sqs', null, ACCOUNT, null] } },
      'no',
    ],
  ])('%s', (_, statement, request, expected) => {
    expect(applies(statement, request)).toBe(expected);
  });

  it('matches wildcards like IAM', () => {
    expect(matchesWildcard('arn:aws:iam::*:root', `arn:aws:iam::${ACCOUNT}:root`, false)).toBe(true);
    expect(matchesWildcard('arn:aws:iam::*:ROOT', `arn:aws:iam::${ACCOUNT}:root`, false)).toBe(false);
    expect(matchesWildcard('a.b', 'axb', false)).toBe(false);
  });

  it.each([
    ['not JSON', '{'],
    ['no Effect', '{"Statement":[{"Action":"*","Resource":"*"}]}'],
    ['Action and NotAction', '{"Statement":[{"Effect":"Deny","Action":"*","NotAction":"s3:*"}]}'],
    ['a malformed Condition', '{"Statement":[{"Effect":"Deny","Action":"*","Condition":"x"}]}'],
  ])('refuses to read a policy with %s', (_, content) => {
    expect(parseOrgPolicy(content).ok).toBe(false);
  });
});

describe('SCP evaluation (Organizations User Guide, "How SCPs work")', () => {
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
  const ROOT = { id: 'r-ab12', name: 'Root', type: 'ROOT' as const };
  const OU = { id: 'ou-ab12-11111111', name: 'Workloads', type: 'ORGANIZATIONAL_UNIT' as const };
  const ACCT = { id: ACCOUNT, name: 'Prod', type: 'ACCOUNT' as const };
  const FULL = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const scp = (id: string, content: unknown, targets: (typeof ROOT | typeof OU | typeof ACCT)[]) => ({
    id,
    name: id,
    type: 'SERVICE_CONTROL_POLICY' as const,
    content: typeof content === 'string' ? content : JSON.stringify(content),
    targets,
  });
  const verdict = (
    policies: ReturnType<typeof scp>[],
    task: 'audit' | 'delete-root-credentials' = 'audit',
  ) => {
    const index = new PolicyIndex(ORG, new Set(['SERVICE_CONTROL_POLICY']), policies);
    const [result] = analyzeAccountPolicies(index, { accountId: ACCOUNT, parentIds: [ROOT.id, OU.id] }, [
      task,
    ]);
    return result;
  };

  it('allows when FullAWSAccess is on every level', () => {
    expect(verdict([scp('p-full', FULL, [ROOT, OU, ACCT])])?.verdict).toBe('allowed');
  });

  it('blocks when one level allows nothing for IAM (an allow-list without iam:*)', () => {
    const result = verdict([
      scp('p-full', FULL, [ROOT, ACCT]),
      scp('p-allowlist', { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'ec2:*'], Resource: '*' }] }, [
        OU,
      ]),
    ]);
    expect(result?.verdict).toBe('blocked');
    expect(result?.blockers[0]).toMatchObject({ kind: 'no-allow', target: OU, policy: null });
    expect(JSON.parse(result?.blockers[0]?.suggestedStatement ?? '{}')).toMatchObject({
      Effect: 'Allow',
      Resource: '*',
    });
  });

  it('lets an explicit deny win over allows, naming the policy, statement and actions', () => {
    const result = verdict(
      [
        scp('p-full', FULL, [ROOT, OU, ACCT]),
        scp(
          'p-deny',
          { Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: 'iam:Delete*', Resource: '*' }] },
          [OU],
        ),
      ],
      'delete-root-credentials',
    );
    expect(result).toMatchObject({
      verdict: 'blocked',
      blockers: [
        {
          kind: 'explicit-deny',
          policy: { id: 'p-deny', name: 'p-deny' },
          target: OU,
          statement: 'NoDeletes',
          actions: ['iam:DeleteLoginProfile', 'iam:DeleteAccessKey', 'iam:DeleteSigningCertificate'],
        },
      ],
    });
  });

  it('says cannot decide, never allowed, for an unparsable policy or an unmodelled key', () => {
    expect(
      verdict([scp('p-full', FULL, [ROOT, OU, ACCT]), scp('p-bad', '{"Statement":', [OU])])?.verdict,
    ).toBe('cannot-decide');
    const regional = {
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
      ],
    };
    expect(verdict([scp('p-full', FULL, [ROOT, OU, ACCT]), scp('p-region', regional, [ROOT])])?.verdict).toBe(
      'cannot-decide',
    );
  });

  it('suggests the exemption AWS documents for a deny-root statement', () => {
    const statement = {
      Sid: 'DenyRoot',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
    };
    const corrected = JSON.parse(exemptRootSessions(statement)) as Record<string, unknown>;
    expect(corrected.Condition).toEqual({
      StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' },
      Null: { 'aws:AssumedRoot': 'true' },
    });
    const full = scp('p-full', FULL, [ROOT, OU, ACCT]);
    expect(verdict([full, scp('p-deny', { Statement: [statement] }, [ROOT])])?.verdict).toBe('blocked');
    expect(verdict([full, scp('p-fixed', { Statement: [corrected] }, [ROOT])])?.verdict).toBe('allowed');
  });
});
