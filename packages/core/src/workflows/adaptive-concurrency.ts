import pLimit, { type LimitFunction } from 'p-limit';

export interface AdaptiveConcurrencyOptions {
  /** The ceiling (the user's --concurrency). */
  max: number;
  min?: number;
  /** Where to start (default: `max`). */
  initial?: number;
  /**
   * How busy the process is, 0..1 (the event loop's utilisation over a recent window). Given, the
   * bound grows on demand (see `onSuccess`); at or above BUSY_LOAD it does not grow, since more tasks
   * in flight would only wait for the CPU while holding their memory.
   */
  load?: () => number;
  /** Throttles within this window count as one episode: one decrease, not one per answer. */
  cooldownMs?: number;
  onChange?: (concurrency: number) => void;
  now?: () => number;
  /**
   * The share of recent answers that must be throttles before a throttle lowers concurrency (default
   * 0.25). Callers that report no other answers (`onAnswer`) see every throttle count.
   */
  throttleShare?: number;
}

/**
 * Load at which more concurrency stops paying. The event loop is one server: past about 70% busy, a
 * queueing system's waits grow steeply (M/M/1: 2.3 service times at 70%, 9 at 90%), so more tasks in
 * flight add waiting, not throughput. Measured (README, "Performance"): against a 30 ms endpoint a
 * 1,000-account audit runs with 12 slots and peaks lower than with 32, in the same time.
 */
export const BUSY_LOAD = 0.7;

/**
 * Load under which the process mostly waits for AWS: the slots, not the CPU, limit the throughput
 * (AWS's latency), so the bound doubles.
 */
export const IDLE_LOAD = 0.35;

/** The window over which a queue that still grew makes the bound grow however busy the loop. */
export const STUCK_WINDOW_MS = 1_000;

/** The shortest time between two growth steps (with a `load`), and the window of eventLoopLoad. */
export const GROWTH_INTERVAL_MS = 125;

/** Weight of the newest answer in the throttle-share average: about the last 50 answers count. */
const SHARE_WEIGHT = 0.02;

/**
 * Additive-increase / multiplicative-decrease concurrency, the way TCP and the AWS SDK's adaptive
 * retry mode back off: halve on a throttling episode, then grow by one after each round of
 * successes until the ceiling is reached again. `limit` runs tasks within the current bound. With a
 * `load`, growth is on demand instead: only while tasks queue and the CPU has room (`#growOnDemand`).
 *
 * A throttling episode is a throttle while a significant share of recent answers are throttles
 * (a moving average over the answers reported with `onAnswer`). Sending too fast makes most answers
 * throttles, and slowing down helps; a few throttles scattered among many answers (a fault storm, a
 * noisy neighbour) do not go away by slowing down, and halving on each would starve the audit: the
 * call retries absorb them.
 */
export class AdaptiveConcurrency {
  readonly limit: LimitFunction;
  readonly #max: number;
  readonly #min: number;
  readonly #cooldownMs: number;
  readonly #onChange: ((concurrency: number) => void) | undefined;
  readonly #now: () => number;
  readonly #load: (() => number) | undefined;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  /**
   * Accounts queuing for a slot: since when and how many at the last step, and the same at the start
   * of the current STUCK_WINDOW_MS.
   */
  #backlog: { since: number; waiting: number; baseline: { at: number; waiting: number } } | undefined;
  #successes = 0;
  #throttles = 0;
  readonly #throttleShare: number;
  /** Starts high, so a caller that reports only throttles keeps the plain AIMD behaviour. */
  #recentShare = 1;

  constructor(options: AdaptiveConcurrencyOptions) {
    this.#max = options.max;
    this.#min = Math.min(options.min ?? 1, options.max);
    this.#cooldownMs = options.cooldownMs ?? 1_000;
    this.#onChange = options.onChange;
    this.#now = options.now ?? (() => performance.now());
    this.#throttleShare = options.throttleShare ?? 0.25;
    this.#load = options.load;
    const initial = Math.min(this.#max, Math.max(this.#min, options.initial ?? this.#max));
    // rejectOnClear: tasks dropped by clearQueue() (on abort) settle instead of hanging their awaiters.
    this.limit = pLimit({ concurrency: initial, rejectOnClear: true });
  }

  get concurrency(): number {
    return this.limit.concurrency;
  }

  /** Throttling answers seen so far. */
  get throttles(): number {
    return this.#throttles;
  }

  /** Recent answers that were throttles, 0..1 (a moving average). */
  get throttleShare(): number {
    return this.#recentShare;
  }

  /** An AWS answer that was not a throttle. */
  onAnswer(): void {
    this.#recentShare *= 1 - SHARE_WEIGHT;
  }

  onThrottle(): void {
    this.#throttles += 1;
    this.#recentShare = this.#recentShare * (1 - SHARE_WEIGHT) + SHARE_WEIGHT;
    if (this.#recentShare < this.#throttleShare) return;
    const now = this.#now();
    if (now - this.#lastDecrease < this.#cooldownMs) return;
    this.#lastDecrease = now;
    this.#successes = 0;
    this.#set(Math.max(this.#min, Math.floor(this.concurrency / 2)));
  }

  onSuccess(): void {
    if (this.concurrency >= this.#max) return;
    if (this.#load !== undefined) {
      this.#growOnDemand(this.#load);
      return;
    }
    this.#successes += 1;
    if (this.#successes >= this.concurrency) {
      this.#successes = 0;
      this.#set(this.concurrency + 1);
    }
  }

  /** A task was queued: with a `load`, a moment to grow (a backlog can form before any task ends). */
  onQueued(): void {
    if (this.#load !== undefined && this.concurrency < this.#max) this.#growOnDemand(this.#load);
  }

  /**
   * Growth on demand: a step at most once per GROWTH_INTERVAL_MS, while accounts wait for a slot (at
   * least half as many as are in flight).
   *
   * - Until AWS first throttles (slow start, as TCP's): if the process mostly waits for AWS (`load`
   *   under IDLE_LOAD), the slots are the bottleneck and the bound doubles; if it is busier but not
   *   busy (under BUSY_LOAD), the bound grows by half only when the queue grew by a tenth over the
   *   interval, accounts arriving faster than the slots finish them. A queue that holds or drains (the
   *   burst of a listing page, or of the first pages) needs no more slots: the accounts in it are
   *   audited while the listing that feeds them goes on.
   * - After a throttle: one slot per interval of waiting (under BUSY_LOAD), AIMD's additive increase.
   * - A queue that grew by a tenth over STUCK_WINDOW_MS grows the bound by half whatever the load.
   */
  #growOnDemand(load: () => number): void {
    const now = this.#now();
    const waiting = this.limit.pendingCount;
    if (waiting < this.concurrency / 2) {
      this.#backlog = undefined;
      return;
    }
    if (this.#backlog === undefined) {
      this.#backlog = { since: now, waiting, baseline: { at: now, waiting } };
      return;
    }
    if (now - this.#backlog.since < GROWTH_INTERVAL_MS) return;
    const growing = waiting > this.#backlog.waiting * 1.1;
    // The queue over a longer window (STUCK_WINDOW_MS, through the bursts of listing pages): grown by
    // a tenth means the slots cannot keep up even though the loop looks busy (a slow machine: at 8
    // slots a 1,000-account audit took 1.38x its bound where 12 slots kept 1.06x), so the bound grows
    // whatever the load.
    let { baseline } = this.#backlog;
    let stuck = false;
    if (now - baseline.at >= STUCK_WINDOW_MS) {
      stuck = waiting > baseline.waiting * 1.1;
      baseline = { at: now, waiting };
    }
    this.#backlog = { since: now, waiting, baseline };
    const busy = load();
    if (busy >= BUSY_LOAD && !stuck) return;
    if (this.#throttles > 0) this.#set(Math.min(this.#max, this.concurrency + 1));
    else if (busy < IDLE_LOAD) this.#set(Math.min(this.#max, this.concurrency * 2));
    else if (growing || stuck) this.#set(Math.min(this.#max, Math.ceil(this.concurrency * 1.5)));
  }

  #set(concurrency: number): void {
    if (concurrency === this.limit.concurrency) return;
    this.limit.concurrency = concurrency;
    this.#onChange?.(concurrency);
  }
}
