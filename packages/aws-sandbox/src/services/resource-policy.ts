import { compileActionPatterns } from '../state/credentials.js';

const cache = new Map<string, (action: string) => boolean>();

/**
 * Whether a bucket/queue policy explicitly denies `action` to everyone (`Principal: "*"`). Statements
 * with a Condition are ignored: the sandbox models the classic "deny-all" lockout that the unlock
 * tasks exist for, not the full policy language.
 */
export function policyDeniesEveryone(policy: string | undefined, action: string): boolean {
  if (!policy) return false;
  let matcher = cache.get(policy);
  if (!matcher) {
    const patterns: string[] = [];
    try {
      const doc = JSON.parse(policy) as { Statement?: unknown };
      const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
      for (const s of statements as Record<string, unknown>[]) {
        if (s.Effect !== 'Deny' || s.Condition !== undefined || !principalIsEveryone(s.Principal)) continue;
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        for (const a of actions) if (typeof a === 'string') patterns.push(a);
      }
    } catch {
      // An unparsable stored policy denies nothing.
    }
    matcher = compileActionPatterns(patterns);
    if (cache.size > 1000) cache.clear();
    cache.set(policy, matcher);
  }
  return matcher(action);
}

function principalIsEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

/** Policies are JSON objects (S3: "the first byte must be '{'"). */
export function isPolicyDocument(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    const doc = JSON.parse(text) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  } catch {
    return false;
  }
}
