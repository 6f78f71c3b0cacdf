import type { OrgPolicyType, PolicyTarget } from '../domain/policy-check.js';
import { TASK_REQUIREMENTS } from './org-policy-analysis.js';
import { type ParsedPolicy, parseOrgPolicy, statementApplies } from './org-policy-evaluation.js';

/**
 * Which organization policies an analysis must read the targets of, so that its cost grows with the
 * policies that can change an outcome rather than with the accounts. Facts it rests on:
 * - Every root, OU and account carries at least one SCP while SCPs are enabled: AWS refuses to detach
 *   the last one (DetachPolicy: "Every root, OU, and account must have at least one SCP attached",
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html;
 *   ConstraintViolationException "attempting to remove the last service control policy").
 * - `RCPFullAWSAccess` is attached to the root, every OU and every account and cannot be detached
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html),
 *   so RCP levels always pass and only RCP Deny statements matter.
 * - An SCP that allows every task action unconditionally and denies nothing (FullAWSAccess,
 *   `Allow * on *`) contributes only "allowed at this level"
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
 * So: a level where none of the listed SCPs is attached carries an unlisted allow-all (allowed there);
 * only a level carrying a listed SCP whose allows do not cover every task action must be resolved
 * (does it also carry an allow-all?).
 */

/** A placeholder account no account-specific resource pattern matches (12 digits never equal it). */
const ANY_ACCOUNT = 'any-account';

const ALL_TASK_REQUIREMENTS = Object.values(TASK_REQUIREMENTS).flat();

/** Whether some unconditional Allow statement covers every action of every task, for any account and resource. */
function allowsEveryTaskAction(policy: ParsedPolicy): boolean {
  if (!policy.ok) return false;
  const context = new Map<string, string>();
  return ALL_TASK_REQUIREMENTS.every((requirement) =>
    policy.statements.some(
      (statement) =>
        statement.effect === 'Allow' &&
        statement.condition === undefined &&
        statementApplies(
          statement,
          { action: requirement.action, resource: requirement.resource(ANY_ACCOUNT, {}), context },
          false,
        ) === 'yes',
    ),
  );
}

/**
 * Whether a policy can change a verdict, so its targets must be listed: any policy that cannot be
 * read (it is "cannot decide" where attached), any Deny, and for SCPs any set of allows narrower than
 * every task action. An allow-only RCP never changes anything (RCPFullAWSAccess passes every level).
 */
export function policyNeedsTargets(type: OrgPolicyType, content: string): boolean {
  const parsed = parseOrgPolicy(content);
  if (!parsed.ok) return true;
  if (parsed.statements.some((statement) => statement.effect === 'Deny')) return true;
  return type === 'SERVICE_CONTROL_POLICY' && !allowsEveryTaskAction(parsed);
}

/** What a resolution needs to know of the policies read: which SCPs were listed, and what they allow. */
export interface ListedScps {
  /** Target id → the listed SCPs attached there. */
  attachedTo(targetId: string): readonly { content: string }[];
}

/**
 * The levels (root, OUs, accounts on the given accounts' paths) whose SCPs must be read completely:
 * those carrying a listed SCP, none of which allows every task action. Whether such a level also
 * carries an allow-all (FullAWSAccess) decides between "allowed here" and "no SCP allows it".
 */
export function levelsToResolve(
  listed: ListedScps,
  accounts: readonly { accountId: string; name: string; ouPath: readonly { id: string; name: string }[] }[],
): PolicyTarget[] {
  const covers = new Map<string, boolean>();
  const allowsAll = (content: string) => {
    let known = covers.get(content);
    if (known === undefined) {
      known = allowsEveryTaskAction(parseOrgPolicy(content));
      covers.set(content, known);
    }
    return known;
  };
  const resolve = new Map<string, PolicyTarget>();
  const consider = (target: PolicyTarget) => {
    if (resolve.has(target.id)) return;
    const attached = listed.attachedTo(target.id);
    if (attached.length > 0 && !attached.some((policy) => allowsAll(policy.content)))
      resolve.set(target.id, target);
  };
  for (const account of accounts) {
    for (const unit of account.ouPath)
      consider({
        id: unit.id,
        name: unit.name,
        type: unit.id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
      });
    consider({ id: account.accountId, name: account.name, type: 'ACCOUNT' });
  }
  return [...resolve.values()];
}

/** Organizations list calls return at most 20 items a page (ListTargetsForPolicy `MaxResults`). */
const PAGE_SIZE = 20;

/**
 * How to resolve `levels` levels: one ListPoliciesForTarget each, or list the targets of every
 * unlisted SCP (an allow-all may be attached to every root, OU and account: up to `entities`/20 pages
 * each). The listing is chosen only when the number of entities is known (a whole-organization read)
 * and it is cheaper; the cost is then min(levels, unlisted × entities/20), bounded either way.
 */
export function resolutionStrategy(
  levels: number,
  unlistedScps: number,
  entities: number | undefined,
): 'per-level' | 'list-unlisted' {
  if (levels === 0 || entities === undefined) return 'per-level';
  const listingPages = unlistedScps * Math.max(1, Math.ceil(entities / PAGE_SIZE));
  return listingPages < levels ? 'list-unlisted' : 'per-level';
}
