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

/** One unit (the selected OU or an OU below it) of a subtree, as the audit walks it. */
export interface SubtreeUnit {
  id: string;
  /** Child OU ids, in the order ListOrganizationalUnitsForParent returns them. */
  children: string[];
  /** Direct accounts, in ListAccountsForParent order: whether each is audited (one AssumeRoot). */
  accounts: boolean[];
}

export interface SubtreeScheduleInputs {
  latency: number;
  startup: number;
  /** The selected OU first. */
  units: Map<string, SubtreeUnit>;
  rootId: string;
  /** Items per page (20: MaxResults of both list calls). */
  pageSize: number;
  /** An empty page (with a NextToken) after every N non-empty pages, as AWS warns may happen; 0: none. */
  emptyPageEvery: number;
  quotas: { describeOu: Quota; listOus: Quota; listAccountsForParent: Quota; assumeRoot: Quota };
}

/** Items per call of one parent's pages: non-empty pages of `pageSize`, empty ones in between. */
function pageSizes(items: number, pageSize: number, emptyPageEvery: number): number[] {
  const full = Math.max(1, Math.ceil(items / pageSize));
  const sizes: number[] = [];
  for (let page = 0; page < full; page += 1) {
    if (emptyPageEvery > 0 && page > 0 && page % emptyPageEvery === 0) sizes.push(0);
    sizes.push(Math.min(pageSize, items - page * pageSize));
  }
  return sizes;
}

/**
 * The bound of an audit of one OU subtree, from an ideal schedule of its real calls: a
 * discrete-event simulation with unlimited parallelism where every call waits only for what it
 * depends on and for its API's token bucket (first come, first served):
 *
 * - DescribeOrganizationalUnit of the selected OU (its existence), then the walk;
 * - per unit, ListOrganizationalUnitsForParent and ListAccountsForParent pages, each page after the
 *   previous one (NextToken), a child OU visited when the page naming it arrives;
 * - per audited account, AssumeRoot as soon as the page listing it arrives, then the IAM reads (in
 *   parallel) and GetAccessKeyLastUsed: done 3·L after its AssumeRoot starts.
 *
 * Unlike the closed formula (`ouSelectionBound`), it counts that the walk is a chain of levels and
 * pages: the accounts of the deepest OUs and the last pages of large OUs cannot be listed early,
 * whatever the quotas leave free. Quotas: AWS's published Organizations quotas per account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html:
 * ListOrganizationalUnitsForParent and ListAccountsForParent 5/s burst 8; DescribeOrganizationalUnit is
 * not listed and is taken at the same 5/s burst 8) and STS's 600 requests/s per account and Region
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). IAM quotas are per
 * member account and never bind an audit.
 */
export function subtreeScheduleBound(inputs: SubtreeScheduleInputs): {
  seconds: number;
  terms: Record<string, number>;
} {
  const L = inputs.latency;
  type Api = keyof SubtreeScheduleInputs['quotas'];
  const buckets = new Map<Api, { tokens: number; at: number }>();
  const grant = (api: Api, time: number): number => {
    const quota = inputs.quotas[api];
    const bucket = buckets.get(api) ?? { tokens: quota.burst, at: 0 };
    let tokens = Math.min(quota.burst, bucket.tokens + Math.max(0, time - bucket.at) * quota.rate);
    let at = Math.max(time, bucket.at);
    if (tokens < 1) {
      at += (1 - tokens) / quota.rate;
      tokens = 1;
    }
    buckets.set(api, { tokens: tokens - 1, at });
    return at;
  };
  // Requests in the order they become ready (ties: first asked, first served).
  interface Request {
    time: number;
    order: number;
    api: Api;
    done: (end: number) => void;
  }
  const queue: Request[] = [];
  let order = 0;
  const ask = (api: Api, time: number, done: (end: number) => void) => {
    queue.push({ time, order: order++, api, done });
  };
  let walkDone = 0;
  let listed = 0;
  let finished = 0;
  const pagesOf = <T>(items: T[], each: (page: T[], end: number) => void, unitTime: number, api: Api) => {
    const sizes = pageSizes(items.length, inputs.pageSize, inputs.emptyPageEvery);
    let offset = 0;
    const next = (index: number, time: number) => {
      ask(api, time, (end) => {
        const size = sizes[index] ?? 0;
        each(items.slice(offset, offset + size), end);
        offset += size;
        if (index + 1 < sizes.length) next(index + 1, end);
      });
    };
    next(0, unitTime);
  };
  const visit = (unitId: string, time: number) => {
    const unit = inputs.units.get(unitId);
    if (!unit) return;
    pagesOf(
      unit.children,
      (children, end) => {
        walkDone = Math.max(walkDone, end);
        for (const child of children) visit(child, end);
      },
      time,
      'listOus',
    );
    pagesOf(
      unit.accounts,
      (accounts, end) => {
        listed = Math.max(listed, end);
        for (const audited of accounts)
          if (audited)
            ask('assumeRoot', end, (assumed) => {
              finished = Math.max(finished, assumed + 2 * L);
            });
      },
      time,
      'listAccountsForParent',
    );
  };
  ask('describeOu', 0, (end) => visit(inputs.rootId, end));
  while (queue.length > 0) {
    let first = 0;
    for (let index = 1; index < queue.length; index += 1) {
      const a = queue[index] as Request;
      const b = queue[first] as Request;
      if (a.time < b.time || (a.time === b.time && a.order < b.order)) first = index;
    }
    const [request] = queue.splice(first, 1) as [Request];
    request.done(grant(request.api, request.time) + L);
  }
  const schedule = Math.max(walkDone, listed, finished);
  return {
    seconds: inputs.startup + schedule,
    terms: { start: inputs.startup, walk: walkDone, listed, audited: finished },
  };
}
