import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Organizations' published request quotas per account, (rate per second, burst)
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
 * Listing pages depend on each other through NextToken, so a throttled page costs a whole backoff;
 * pacing requests to the published rate avoids that, and retries still cover a stricter limit.
 */
export const ORGANIZATIONS_QUOTAS: Readonly<Record<string, readonly [rate: number, burst: number]>> = {
  DescribeAccount: [20, 30],
  ListAccounts: [8, 12],
  ListChildren: [6, 10],
  ListParents: [5, 8],
  // Not in the published table: paced like the other per-entity reads (the sandbox does the same).
  DescribeOrganizationalUnit: [5, 8],
  ListAccountsForParent: [5, 8],
  ListOrganizationalUnitsForParent: [5, 8],
  ListRoots: [1, 2],
  DescribeOrganization: [1, 2],
  ListAWSServiceAccessForOrganization: [1, 3],
  ListDelegatedAdministrators: [5, 8],
  EnableAWSServiceAccess: [1, 2],
  RegisterDelegatedAdministrator: [1, 2],
  // AWS publishes no numbers for the policy reads; paced like the other list calls (5/s, burst 8).
  ListPolicies: [5, 8],
  ListTargetsForPolicy: [5, 8],
  DescribePolicy: [5, 8],
  ListPoliciesForTarget: [5, 8],
};

class TokenBucket {
  #tokens: number;
  #updated = performance.now();
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  /** Resolves when a token is available; callers are served in order. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      const now = performance.now();
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updated) / 1000) * this.rate);
      this.#updated = now;
      if (this.#tokens < 1) {
        await sleep(((1 - this.#tokens) / this.rate) * 1000, undefined, signal ? { signal } : {});
        this.#tokens = 1;
        this.#updated = performance.now();
      }
      this.#tokens -= 1;
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}

/** One bucket per paced operation, shared by every call the engine makes. */
export class Pacer {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly quotas: Readonly<Record<string, readonly [number, number]>> = ORGANIZATIONS_QUOTAS,
  ) {}

  async take(operation: string, signal?: AbortSignal): Promise<void> {
    const quota = this.quotas[operation];
    if (!quota) return;
    let bucket = this.#buckets.get(operation);
    if (!bucket) {
      bucket = new TokenBucket(quota[0], quota[1]);
      this.#buckets.set(operation, bucket);
    }
    await bucket.take(signal);
  }
}
