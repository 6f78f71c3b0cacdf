import { type OrgPolicyState, type OrgPolicyType, policiesAttachedTo } from './state/org-policies.js';
import type { AccountState, OrganizationState } from './state/world.js';

/**
 * The sandbox's own evaluation of Organizations policies (SCPs, RCPs) for the requests of root
 * sessions. It is deliberately independent of rootwarden's engine, which predicts the same outcome:
 * the two are checked against each other.
 *
 * Rules modelled, each from AWS's documentation:
 * - SCP evaluation: an action must be allowed by an SCP attached at every level from the root down to
 *   the account; an explicit Deny in any attached SCP wins
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
 *   SCPs do not affect the management account.
 * - RCPs: the same rule, for requests to resources of member accounts of the services RCPs support,
 *   among them S3 and SQS; RCPFullAWSAccess is attached everywhere and cannot be detached
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 * - Policy types not enabled on the root are not enforced (ListRoots `PolicyTypes`).
 * - Statement matching: Action/NotAction (case-insensitive, `*` and `?` wildcards), Resource/NotResource
 *   (case-sensitive wildcards), Condition operators and the missing-key rule
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 *   a positive operator on a missing key is false, a negated one true, `…IfExists` true, `Null`
 *   tests presence.
 * - Request context of a root session: `aws:PrincipalArn` = `arn:aws:iam::ACCOUNT:root`,
 *   `aws:AssumedRoot` = `true`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:ResourceAccount`,
 *   `aws:RequestedRegion` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html,
 *   "aws:AssumedRoot … true when the request is made with AssumeRoot"). Other keys are absent.
 */

export interface PolicyRequest {
  action: string;
  resource: string | undefined;
  /** Context keys, lower-cased. */
  context: ReadonlyMap<string, string>;
  principalArn: string;
}

export interface PolicyRefusal {
  kind: 'explicit' | 'implicit';
  policyType: OrgPolicyType;
  /** The denying policy (explicit) or the level where nothing allowed the action (implicit). */
  policyId: string | undefined;
  targetId: string;
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

const parsed = new Map<string, Statement[]>();

function statementsOf(policy: OrgPolicyState): Statement[] {
  let statements = parsed.get(policy.content);
  if (!statements) {
    try {
      const doc = JSON.parse(policy.content) as { Statement?: unknown };
      const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
      statements = raw.filter((s): s is Statement => typeof s === 'object' && s !== null);
    } catch {
      statements = [];
    }
    if (parsed.size > 5000) parsed.clear();
    parsed.set(policy.content, statements);
  }
  return statements;
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => String(v));

const globCache = new Map<string, RegExp>();
function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    if (globCache.size > 5000) globCache.clear();
    globCache.set(key, re);
  }
  return re.test(value);
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => glob(p, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => glob(p, action, true));
  return false;
}

function resourceMatches(s: Statement, resource: string | undefined): boolean {
  // Actions without a resource type (ListAllMyBuckets, ListQueues, GetAccountSummary) are authorized on "*".
  const target = resource ?? '*';
  if (s.Resource !== undefined) return list(s.Resource).some((p) => glob(p, target, false));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((p) => glob(p, target, false));
  return true;
}

function principalMatches(s: Statement, request: PolicyRequest): boolean {
  if (s.Principal === undefined || s.Principal === '*') return true;
  if (typeof s.Principal === 'object' && s.Principal !== null) {
    const aws = list((s.Principal as Record<string, unknown>).AWS);
    const account = request.context.get('aws:principalaccount');
    return aws.some((p) => p === '*' || p === request.principalArn || p === account);
  }
  return false;
}

const NEGATED = /^(StringNot|ArnNot|NotIpAddress|NumericNot|DateNot)/;

function conditionHolds(condition: unknown, context: ReadonlyMap<string, string>): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [rawOperator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) return false;
    let operator = rawOperator;
    const forAll = operator.startsWith('ForAllValues:');
    operator = operator.replace(/^For(All|Any)Values:/, '');
    const ifExists = operator.endsWith('IfExists');
    if (ifExists) operator = operator.slice(0, -'IfExists'.length);
    for (const [key, rawValues] of Object.entries(block as Record<string, unknown>)) {
      const values = list(rawValues);
      const actual = context.get(key.toLowerCase());
      if (operator === 'Null') {
        if ((actual === undefined) !== (values[0]?.toLowerCase() === 'true')) return false;
        continue;
      }
      if (actual === undefined) {
        if (ifExists || forAll || NEGATED.test(operator)) continue;
        return false;
      }
      if (!compare(operator, actual, values)) return false;
    }
  }
  return true;
}

function compare(operator: string, actual: string, values: string[]): boolean {
  switch (operator) {
    case 'StringEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringEqualsIgnoreCase':
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
    case 'ArnEquals':
      return values.some((v) => glob(v, actual, false));
    case 'StringNotLike':
    case 'ArnNotLike':
    case 'ArnNotEquals':
      return !values.some((v) => glob(v, actual, false));
    case 'Bool':
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    default:
      // Numeric, Date, IP and binary operators never meet a key the sandbox's root sessions carry.
      return false;
  }
}

function statementApplies(s: Statement, request: PolicyRequest, checkPrincipal: boolean): boolean {
  return (
    actionMatches(s, request.action) &&
    resourceMatches(s, request.resource) &&
    (!checkPrincipal || principalMatches(s, request)) &&
    conditionHolds(s.Condition, request.context)
  );
}

/** Root, OUs and the account, from the account's `Paths` entry (`o-…/r-…/ou-…/ACCOUNT/`). */
export function levelsOf(account: AccountState): string[] {
  return (account.paths[0] ?? '').split('/').filter((part) => /^(r-|ou-|\d{12}$)/.test(part));
}

/**
 * Evaluates the policies of one type on `levels` (root → account): the first explicit deny, else the
 * first level with no allowing statement, else undefined (allowed).
 */
export function evaluateOrgPolicies(
  org: OrganizationState,
  type: OrgPolicyType,
  levels: readonly string[],
  request: PolicyRequest,
): PolicyRefusal | undefined {
  if (!org.policies.enabledTypes.has(type)) return undefined;
  const checkPrincipal = type === 'RESOURCE_CONTROL_POLICY';
  let implicit: PolicyRefusal | undefined;
  for (const targetId of levels) {
    let allowed = false;
    for (const policy of policiesAttachedTo(org.policies, targetId, type)) {
      for (const s of statementsOf(policy)) {
        if (!statementApplies(s, request, checkPrincipal)) continue;
        if (s.Effect === 'Deny') return { kind: 'explicit', policyType: type, policyId: policy.id, targetId };
        if (s.Effect === 'Allow') allowed = true;
      }
    }
    if (!allowed && !implicit)
      implicit = { kind: 'implicit', policyType: type, policyId: undefined, targetId };
  }
  return implicit;
}
