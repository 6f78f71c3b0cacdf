/**
 * Three-valued evaluation of Organizations policies (SCPs, RCPs) for a root session's request: every
 * answer is `yes`, `no` or `unknown`, and anything the engine does not model (a condition key, an
 * operator, a policy variable, an unparsable document) is `unknown`, never `no` — so a prediction is
 * never "allowed" when it cannot see.
 *
 * Why not a library: the one maintained IAM simulator on npm (@cloud-copilot/iam-simulate) is
 * AGPL-3.0-or-later, which an Apache-2.0 CLI cannot ship, and it answers allowed/denied only (no
 * "cannot decide" for unmodelled keys).
 *
 * Rules, each from AWS's documentation:
 * - Statement elements Action/NotAction, Resource/NotResource with `*`/`?` wildcards (actions
 *   case-insensitive, resources case-sensitive):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html and
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html.
 *   Actions without a resource type are authorized against `"*"` only.
 * - Condition blocks: operators are ANDed, keys within an operator ANDed, values ORed; a positive
 *   operator on a missing key is false, a negated one (`StringNot…`, `ArnNot…`) true, `…IfExists` true
 *   when the key is missing; `Null` tests presence; `Bool` compares "true"/"false":
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   and reference_policies_condition-logic-multiple-context-keys-or-values.html.
 * - Request context of a root session (global condition keys page,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   `aws:PrincipalArn` is `arn:aws:iam::ACCOUNT:root`, `aws:AssumedRoot` is `true` for AssumeRoot
 *   sessions, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:ResourceAccount` (the session's own
 *   resources). Every other key is unknown to the engine.
 */

export type Tri = 'yes' | 'no' | 'unknown';

export interface ParsedStatement {
  /** Position in the document (0-based) and its Sid, to name it. */
  index: number;
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
  actions: { not: boolean; patterns: string[] };
  resources: { not: boolean; patterns: string[] } | undefined;
  principal: unknown;
  condition: Record<string, Record<string, unknown>> | undefined;
  /** The statement as written, for the corrected suggestion. */
  raw: Record<string, unknown>;
}

export type ParsedPolicy = { ok: true; statements: ParsedStatement[] } | { ok: false; reason: string };

const stringList = (value: unknown): string[] | undefined => {
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
};

/** Parses a policy document; anything outside the IAM grammar makes the whole policy undecidable. */
export function parseOrgPolicy(content: string): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'the policy document is not valid JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { ok: false, reason: 'the policy document is not a JSON object' };
  const rawStatements = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: ParsedStatement[] = [];
  for (const [index, item] of list.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return { ok: false, reason: `statement ${index} is not an object` };
    const s = item as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      return { ok: false, reason: `statement ${index} has no Effect Allow or Deny` };
    const hasAction = s.Action !== undefined;
    if (hasAction === (s.NotAction !== undefined))
      return { ok: false, reason: `statement ${index} needs exactly one of Action and NotAction` };
    const actions = stringList(hasAction ? s.Action : s.NotAction);
    if (!actions) return { ok: false, reason: `statement ${index} has a non-string action` };
    if (s.Resource !== undefined && s.NotResource !== undefined)
      return { ok: false, reason: `statement ${index} has both Resource and NotResource` };
    const resourceValue = s.Resource ?? s.NotResource;
    const resources = resourceValue === undefined ? undefined : stringList(resourceValue);
    if (resourceValue !== undefined && !resources)
      return { ok: false, reason: `statement ${index} has a non-string resource` };
    const condition = s.Condition;
    if (
      condition !== undefined &&
      (typeof condition !== 'object' ||
        condition === null ||
        Object.values(condition).some((block) => typeof block !== 'object' || block === null))
    )
      return { ok: false, reason: `statement ${index} has a malformed Condition` };
    statements.push({
      index,
      sid: typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined,
      effect: s.Effect,
      actions: { not: !hasAction, patterns: actions },
      resources: resources ? { not: s.Resource === undefined, patterns: resources } : undefined,
      principal: s.Principal,
      condition: condition as ParsedStatement['condition'],
      raw: s,
    });
  }
  return { ok: true, statements };
}

const globCache = new Map<string, RegExp>();
/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function matchesWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 1 : 0}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    let source = '';
    for (const c of pattern)
      source += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}/-]/g, '\\$&');
    re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(key, re);
  }
  return re.test(value);
}

/**
 * A request's resource: `"*"` for actions without a resource type, else an ARN whose `null` parts are
 * unknown to the analysis (the name of a bucket or queue not chosen yet, a queue's Region).
 */
export type ResourceSpec =
  | '*'
  | { parts: [string, string, string, string, string, string | null] | (string | null)[] };

function resourcePatternMatches(pattern: string, resource: ResourceSpec): Tri {
  if (pattern === '*') return 'yes';
  if (resource === '*') return matchesWildcard(pattern, '*', false) ? 'yes' : 'no';
  const parts = resource.parts;
  if (parts.every((p) => p !== null)) return matchesWildcard(pattern, parts.join(':'), false) ? 'yes' : 'no';
  // With unknown parts: a pattern `PREFIX*` covers every resource whose known head starts with PREFIX.
  const firstUnknown = parts.indexOf(null);
  const knownHead = `${parts.slice(0, firstUnknown).join(':')}:`;
  const wildcardAt = pattern.search(/[*?]/);
  if (wildcardAt === pattern.length - 1 && pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    if (knownHead.startsWith(prefix)) return 'yes';
  }
  const patternParts = pattern.split(':');
  if (patternParts.length < parts.length) return 'unknown';
  const normalized = [
    ...patternParts.slice(0, parts.length - 1),
    patternParts.slice(parts.length - 1).join(':'),
  ];
  let result: Tri = 'yes';
  let wildcardBefore = false;
  for (const [i, part] of parts.entries()) {
    const p = normalized[i] ?? '';
    if (part === null) {
      if (p !== '*') result = 'unknown';
    } else if (!matchesWildcard(p, part, false)) {
      // A `*` earlier in the pattern may span a colon, so a mismatch after it is not certain.
      return wildcardBefore ? 'unknown' : 'no';
    }
    if (/[*?]/.test(p)) wildcardBefore = true;
  }
  return result;
}

const or = (values: Tri[]): Tri =>
  values.includes('yes') ? 'yes' : values.includes('unknown') ? 'unknown' : 'no';
const and = (values: Tri[]): Tri =>
  values.includes('no') ? 'no' : values.includes('unknown') ? 'unknown' : 'yes';
const not = (value: Tri): Tri => (value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'unknown');

/** Keys whose value the engine knows for a root session (lower-cased); see the header. */
const MODELLED_CONDITION_KEYS = new Set([
  'aws:principalarn',
  'aws:assumedroot',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:resourceaccount',
]);

const POSITIVE_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'Bool',
]);
const NEGATED_OPERATORS = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

function valueMatches(operator: string, actual: string, expected: string): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals':
      return actual === expected;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
    case 'Bool':
      return actual.toLowerCase() === expected.toLowerCase();
    default:
      // StringLike/ArnLike/ArnEquals and their negations: wildcard match (ARN operators compare the
      // whole ARN here; the root-session ARNs the engine evaluates have no ambiguous segments).
      return matchesWildcard(expected, actual, false);
  }
}

/** One condition operator block over the request context. */
function evaluateOperator(
  rawOperator: string,
  block: Record<string, unknown>,
  context: ReadonlyMap<string, string>,
): Tri {
  if (rawOperator.startsWith('ForAnyValue:') || rawOperator.startsWith('ForAllValues:')) return 'unknown';
  const ifExists = rawOperator.endsWith('IfExists');
  const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
  const isNull = operator === 'Null' && !ifExists;
  const negated = NEGATED_OPERATORS.has(operator);
  if (!isNull && !negated && !POSITIVE_OPERATORS.has(operator)) return 'unknown';
  const results: Tri[] = [];
  for (const [key, rawValues] of Object.entries(block)) {
    const lower = key.toLowerCase();
    if (!MODELLED_CONDITION_KEYS.has(lower)) {
      results.push('unknown');
      continue;
    }
    const values = (Array.isArray(rawValues) ? rawValues : [rawValues]).map((v) =>
      typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? String(v) : undefined,
    );
    if (values.some((v) => v === undefined || v.includes('${'))) {
      // Policy variables and non-scalar values are not modelled.
      results.push('unknown');
      continue;
    }
    const actual = context.get(lower);
    if (isNull) {
      const wantsAbsent = values[0]?.toLowerCase() === 'true';
      results.push((actual === undefined) === wantsAbsent ? 'yes' : 'no');
      continue;
    }
    if (actual === undefined) {
      results.push(ifExists || negated ? 'yes' : 'no');
      continue;
    }
    const any = (values as string[]).some((expected) => valueMatches(operator, actual, expected));
    results.push(negated ? (any ? 'no' : 'yes') : any ? 'yes' : 'no');
  }
  return and(results);
}

export function evaluateCondition(
  condition: ParsedStatement['condition'],
  context: ReadonlyMap<string, string>,
): Tri {
  if (!condition) return 'yes';
  return and(Object.entries(condition).map(([op, block]) => evaluateOperator(op, block, context)));
}

export interface PolicyRequest {
  action: string;
  resource: ResourceSpec;
  /** Known context keys, lower-cased (`MODELLED_CONDITION_KEYS`). */
  context: ReadonlyMap<string, string>;
}

function principalCovers(principal: unknown): Tri {
  if (principal === undefined || principal === '*') return 'yes';
  if (typeof principal === 'object' && principal !== null) {
    const aws = (principal as Record<string, unknown>).AWS;
    if (aws === '*' || (Array.isArray(aws) && aws.includes('*'))) return 'yes';
  }
  return 'unknown';
}

/** Whether one statement applies to the request (its Effect aside). */
export function statementApplies(
  statement: ParsedStatement,
  request: PolicyRequest,
  checkPrincipal: boolean,
): Tri {
  const actionListed = statement.actions.patterns.some((p) => matchesWildcard(p, request.action, true));
  if (statement.actions.not === actionListed) return 'no';
  const resource: Tri = statement.resources
    ? (statement.resources.not ? not : (v: Tri) => v)(
        or(statement.resources.patterns.map((p) => resourcePatternMatches(p, request.resource))),
      )
    : 'yes';
  return and([
    resource,
    checkPrincipal ? principalCovers(statement.principal) : 'yes',
    evaluateCondition(statement.condition, request.context),
  ]);
}

/** The context of a root session of `accountId` in organization `organizationId`. */
export function rootSessionContext(accountId: string, organizationId: string): Map<string, string> {
  return new Map([
    ['aws:principalarn', `arn:aws:iam::${accountId}:root`],
    ['aws:assumedroot', 'true'],
    ['aws:principalaccount', accountId],
    ['aws:principalorgid', organizationId],
    ['aws:resourceaccount', accountId],
  ]);
}
