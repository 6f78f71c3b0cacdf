/** A token bucket: `rate` requests per second, `burst` at once (the sandbox's quota rules). */
export interface Quota {
  rate: number;
  burst: number;
}

/**
 * Time for `calls` requests that must run one after another (each needs the previous page's
 * NextToken), each taking `latency` seconds, under a token bucket that starts full.
 */
function sequentialUnderQuota(calls: number, latency: number, quota: Quota): number {
  let time = 0;
  let tokens = quota.burst;
  for (let call = 0; call < calls; call += 1) {
    if (tokens < 1) {
      const wait = (1 - tokens) / quota.rate;
      time += wait;
      tokens = 1;
    }
    tokens -= 1;
    time += latency;
    tokens = Math.min(quota.burst, tokens + latency * quota.rate);
  }
  return time;
}

/** Time for `calls` independent requests under a token bucket that starts full, with unlimited parallelism. */
function parallelUnderQuota(calls: number, latency: number, quota: Quota): number {
  if (calls === 0) return 0;
  return Math.max(0, (calls - quota.burst) / quota.rate) + latency;
}

export interface BoundInputs {
  latency: number;
  /** ListAccounts pages (empty ones included). */
  accountPages: number;
  /** ListOrganizationalUnitsForParent calls of the OU-tree walk (one page per parent at least). */
  ouCalls: number;
  /** OU tree depth: the walk cannot be shorter than one call per level. */
  ouDepth: number;
  /** Member accounts to audit (one AssumeRoot each). */
  auditedAccounts: number;
  quotas: { listAccounts: Quota; listOus: Quota; assumeRoot: Quota };
}

/**
 * The lower bound of an org-wide audit implied by the sandbox's latency and quotas:
 *
 *   bound = max(T_list, T_ou, T_assume) + 3·L
 *
 * T_list: the ListAccounts pages, one after another, under their token bucket; T_ou: the OU-tree
 * walk (for OU names), parallel across parents but at least one call per level; T_assume: one
 * AssumeRoot per audited account under its bucket; 3·L: the last account still needs AssumeRoot,
 * then its IAM reads (in parallel), then GetAccessKeyLastUsed. IAM quotas are per member account and
 * never bind an audit (6–8 calls per account).
 */
export function lowerBound(inputs: BoundInputs): {
  seconds: number;
  terms: { list: number; ou: number; assume: number; tail: number };
} {
  const L = inputs.latency;
  const terms = {
    list: sequentialUnderQuota(inputs.accountPages, L, inputs.quotas.listAccounts),
    ou: Math.max(parallelUnderQuota(inputs.ouCalls, L, inputs.quotas.listOus), inputs.ouDepth * L),
    assume: parallelUnderQuota(inputs.auditedAccounts, L, inputs.quotas.assumeRoot),
    tail: 3 * L,
  };
  return { seconds: Math.max(terms.list, terms.ou, terms.assume) + terms.tail, terms };
}

export interface AccountSelectionInputs {
  latency: number;
  /** The CLI's start-up and exit without AWS calls (measured). */
  startup: number;
  /** DescribeAccount calls (one per selected account). */
  described: number;
  /** DescribeOrganizationalUnit calls (the OUs on the selected accounts' paths). */
  namedOus: number;
  auditedAccounts: number;
  quotas: { describeAccount: Quota; describeOu: Quota; assumeRoot: Quota };
}

/**
 * The bound of an audit of accounts selected by id:
 *
 *   bound = T_start + max(T_describe, T_assume) + max(3·L, T_names)
 *
 * T_start: the CLI's start-up and exit (measured, no AWS call); T_describe: one DescribeAccount per
 * account under its bucket; T_assume: one AssumeRoot each; then either the audit's three dependent
 * round trips (AssumeRoot, IAM reads, GetAccessKeyLastUsed) or the OU names (DescribeOrganizationalUnit
 * per OU on the paths, known once the accounts are described), whichever is longer.
 */
export function accountSelectionBound(inputs: AccountSelectionInputs): {
  seconds: number;
  terms: Record<string, number>;
} {
  const L = inputs.latency;
  const terms = {
    start: inputs.startup,
    describe: parallelUnderQuota(inputs.described, L, inputs.quotas.describeAccount),
    assume: parallelUnderQuota(inputs.auditedAccounts, L, inputs.quotas.assumeRoot),
    names: parallelUnderQuota(inputs.namedOus, L, inputs.quotas.describeOu),
    audit: 3 * L,
  };
  return {
    seconds: terms.start + Math.max(terms.describe, terms.assume) + Math.max(terms.audit, terms.names),
    terms,
  };
}

export interface OuSelectionInputs {
  latency: number;
  startup: number;
  /** ListOrganizationalUnitsForParent calls of the subtree walk. */
  ouCalls: number;
  /** Levels of OUs in the subtree (the selected OU is level 1). */
  subtreeDepth: number;
  /** ListAccountsForParent calls (pages included). */
  accountCalls: number;
  auditedAccounts: number;
  quotas: { listOus: Quota; listAccountsForParent: Quota; assumeRoot: Quota };
}

/**
 * The bound of an audit of one OU subtree:
 *
 *   bound = T_start + L + max(T_ou, T_accounts, T_assume) + 3·L
 *
 * L: DescribeOrganizationalUnit of the selected OU (its existence and path) before the walk;
 * T_ou: the subtree's ListOrganizationalUnitsForParent calls, parallel across parents but one level
 * after another; T_accounts: its ListAccountsForParent calls under their own bucket; T_assume: one
 * AssumeRoot per audited account; 3·L: the last account's audit.
 */
export function ouSelectionBound(inputs: OuSelectionInputs): {
  seconds: number;
  terms: Record<string, number>;
} {
  const L = inputs.latency;
  const terms = {
    start: inputs.startup,
    path: L,
    ou: Math.max(parallelUnderQuota(inputs.ouCalls, L, inputs.quotas.listOus), inputs.subtreeDepth * L),
    accounts: parallelUnderQuota(inputs.accountCalls, L, inputs.quotas.listAccountsForParent),
    assume: parallelUnderQuota(inputs.auditedAccounts, L, inputs.quotas.assumeRoot),
    tail: 3 * L,
  };
  return {
    seconds: terms.start + terms.path + Math.max(terms.ou, terms.accounts, terms.assume) + terms.tail,
    terms,
  };
}
