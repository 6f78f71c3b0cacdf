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

/** The bucket's view of time: a clock in milliseconds and a way to wait (tests pass a simulated one). */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

class TokenBucket {
  #tokens: number;
  #updated: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: PacerClock = realClock,
  ) {
    this.#tokens = burst;
    this.#updated = clock.now();
  }

  /**
   * Resolves when a token is available; callers are served in order. Tokens accrue for the time
   * that really passed: a timer fires late whenever the event loop is busy (a large audit keeps it
   * busy), and a bucket that counted only the time it asked to sleep lost that lateness on every
   * call, pacing a 5/s listing at about 4.5/s.
   */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      this.#refill();
      while (this.#tokens < 1) {
        await this.clock.sleep(((1 - this.#tokens) / this.rate) * 1000, signal);
        this.#refill();
      }
      this.#tokens -= 1;
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updated) / 1000) * this.rate);
    this.#updated = now;
  }
}

/** One bucket per paced operation, shared by every call the engine makes. */
export class Pacer {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly quotas: Readonly<Record<string, readonly [number, number]>> = ORGANIZATIONS_QUOTAS,
    private readonly clock: PacerClock = realClock,
  ) {}

  async take(operation: string, signal?: AbortSignal): Promise<void> {
    const quota = this.quotas[operation];
    if (!quota) return;
    let bucket = this.#buckets.get(operation);
    if (!bucket) {
      // Half a token of a listing's burst stays in reserve. AWS's bucket counts a request when it
      // arrives, ours when we grant it; the SDK's work in between (signing, a garbage collection)
      // varies, so an on-time request after a late one arrives early and, paced at the exact rate,
      // is throttled (2 of 100 paced calls in a 1,000-account audit). The reserve keeps AWS's bucket
      // half a request ahead of ours: a request may leave up to 100 ms late at 5/s (62 ms at 8/s)
      // before that happens, at the cost of one tenth of a second per listing. Calls with a burst of
      // 2 (ListRoots, DescribeOrganization) are made once or twice per command and never reach that
      // steady pace: they keep their burst.
      bucket = new TokenBucket(quota[0], quota[1] > 2 ? quota[1] - 0.5 : quota[1], this.clock);
      this.#buckets.set(operation, bucket);
    }
    await bucket.take(signal);
  }
}
