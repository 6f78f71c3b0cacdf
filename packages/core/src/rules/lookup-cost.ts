import { ORGANIZATIONS_QUOTAS } from '../aws/pacer.js';

/** A token bucket: `rate` requests per second refilled, `burst` at once. */
export interface Quota {
  rate: number;
  burst: number;
}

/**
 * Seconds for `calls` requests that must run one after another (each needs the previous page's
 * NextToken), each taking `latency` seconds, under a token bucket that starts full.
 */
export function sequentialSeconds(calls: number, latency: number, quota: Quota): number {
  let time = 0;
  let tokens = quota.burst;
  for (let call = 0; call < calls; call += 1) {
    if (tokens < 1) {
      time += (1 - tokens) / quota.rate;
      tokens = 1;
    }
    tokens -= 1;
    time += latency;
    tokens = Math.min(quota.burst, tokens + latency * quota.rate);
  }
  return time;
}

/** Seconds for `calls` independent requests under a token bucket that starts full, with unlimited parallelism. */
export function parallelSeconds(calls: number, latency: number, quota: Quota): number {
  if (calls <= 0) return 0;
  return Math.max(0, (calls - quota.burst) / quota.rate) + latency;
}

function quotaOf(operation: string): Quota {
  const [rate, burst] = ORGANIZATIONS_QUOTAS[operation] ?? [5, 8];
  return { rate, burst };
}

/** AWS's largest organization: the account quota can be raised to 10,000 (orgs_reference_limits.html). */
const LARGEST_ORGANIZATION = 10_000;
/** Accounts per ListAccounts page (MaxResults is at most 20). */
const ACCOUNTS_PER_PAGE = 20;
/** A typical round trip to Organizations (us-east-1), for costing calls that depend on each other. */
const TYPICAL_LATENCY_SECONDS = 0.05;

export interface AccountLookupInput {
  /** Accounts selected by id. */
  selected: number;
  /** Accounts in the organization, when known; otherwise the largest organization AWS allows. */
  organizationSize?: number | undefined;
  latencySeconds?: number;
}

export interface AccountLookupChoice {
  strategy: 'describe' | 'list';
  describeSeconds: number;
  listSeconds: number;
}

/**
 * How to find accounts selected by id: `describe` them (DescribeAccount, 20/s burst 30, all in
 * parallel) or `list` the whole organization (ListAccounts, pages of 20 one after another, 8/s burst
 * 12), whichever the published quotas make faster. OU names cost the same either way or less when
 * describing (DescribeOrganizationalUnit for the OUs on the selected accounts' paths, never more
 * than one call per OU of the organization), so only the account calls are compared. The listing's
 * size is unknown until it ends: without a known size it is costed for the largest organization AWS
 * allows, so a selection is listed only when describing it would be slower even than that
 * (about 1,300 accounts at the default quotas) — the choice whose worst case is shortest.
 */
export function chooseAccountLookup(input: AccountLookupInput): AccountLookupChoice {
  const latency = input.latencySeconds ?? TYPICAL_LATENCY_SECONDS;
  const size = Math.max(input.selected, input.organizationSize ?? LARGEST_ORGANIZATION);
  const describeSeconds = parallelSeconds(input.selected, latency, quotaOf('DescribeAccount'));
  const listSeconds = sequentialSeconds(
    Math.ceil(size / ACCOUNTS_PER_PAGE),
    latency,
    quotaOf('ListAccounts'),
  );
  return { strategy: describeSeconds <= listSeconds ? 'describe' : 'list', describeSeconds, listSeconds };
}
