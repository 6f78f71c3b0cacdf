import pLimit, { type LimitFunction } from 'p-limit';

export interface AdaptiveConcurrencyOptions {
  /** The ceiling (the user's --concurrency). */
  max: number;
  min?: number;
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

/** Weight of the newest answer in the throttle-share average: about the last 50 answers count. */
const SHARE_WEIGHT = 0.02;

/**
 * Additive-increase / multiplicative-decrease concurrency, the way TCP and the AWS SDK's adaptive
 * retry mode back off: halve on a throttling episode, then grow by one after each round of
 * successes until the ceiling is reached again. `limit` runs tasks within the current bound.
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
  #lastDecrease = Number.NEGATIVE_INFINITY;
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
    // rejectOnClear: tasks dropped by clearQueue() (on abort) settle instead of hanging their awaiters.
    this.limit = pLimit({ concurrency: this.#max, rejectOnClear: true });
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
    this.#successes += 1;
    if (this.#successes >= this.concurrency) {
      this.#successes = 0;
      this.#set(this.concurrency + 1);
    }
  }

  #set(concurrency: number): void {
    if (concurrency === this.limit.concurrency) return;
    this.limit.concurrency = concurrency;
    this.#onChange?.(concurrency);
  }
}
