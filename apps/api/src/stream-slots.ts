import { ApiError } from './errors.js';

export interface StreamSlotsOptions {
  /** Event streams open at once, all tokens together (default 256). */
  maxStreams?: number | undefined;
  /** Event streams open at once per token (default 32). */
  maxStreamsPerToken?: number | undefined;
}

const DEFAULT_MAX_STREAMS = 256;
const DEFAULT_MAX_STREAMS_PER_TOKEN = 32;

/**
 * Caps on open event streams: each holds a connection, a keep-alive timer and a place in a job's
 * follower set for as long as the audit runs, so one client (or all of them) cannot open them without
 * bound. Beyond a cap the answer is 429 TOO_MANY_STREAMS with Retry-After.
 */
export class StreamSlots {
  readonly #max: number;
  readonly #maxPerToken: number;
  readonly #perToken = new Map<string, number>();
  #open = 0;

  constructor(options: StreamSlotsOptions = {}) {
    this.#max = Math.max(1, options.maxStreams ?? DEFAULT_MAX_STREAMS);
    this.#maxPerToken = Math.max(1, options.maxStreamsPerToken ?? DEFAULT_MAX_STREAMS_PER_TOKEN);
  }

  get open(): number {
    return this.#open;
  }

  /** Takes a slot for `token` or throws TOO_MANY_STREAMS; the returned function gives it back (once). */
  acquire(token: string): () => void {
    const mine = this.#perToken.get(token) ?? 0;
    if (mine >= this.#maxPerToken)
      throw new ApiError(
        'TOO_MANY_STREAMS',
        `Token ${token} already has ${mine} event streams open (at most ${this.#maxPerToken}).`,
        { fix: 'Close streams you no longer read, or poll GET /v1/audits/{id} instead.' },
      );
    if (this.#open >= this.#max)
      throw new ApiError(
        'TOO_MANY_STREAMS',
        `The server already has ${this.#open} event streams open (at most ${this.#max}).`,
        { fix: 'Try again later, or poll GET /v1/audits/{id} instead.' },
      );
    this.#open += 1;
    this.#perToken.set(token, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open -= 1;
      const left = (this.#perToken.get(token) ?? 1) - 1;
      if (left > 0) this.#perToken.set(token, left);
      else this.#perToken.delete(token);
    };
  }
}
