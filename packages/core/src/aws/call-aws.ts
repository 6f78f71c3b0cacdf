import { setTimeout as sleep } from 'node:timers/promises';
import { CoreError } from '../errors.js';
import { mayRetry, type RetryKind, retryDelayMs } from '../rules/retry-delay.js';
import { isThrottle, isTransient, mapAwsError } from './map-aws-error.js';
import type { Pacer } from './pacer.js';

export interface CallOptions {
  /** The AWS operation, for error messages and events. */
  operation: string;
  accountId?: string;
  signal?: AbortSignal | undefined;
  /** Told about every throttling answer, retried or not, so concurrency can adapt. */
  onThrottle?: ((operation: string) => void) | undefined;
  /**
   * Told about every answer that was not a throttle (success or another failure), so concurrency can
   * tell a throttling episode from a few throttles among many answers.
   */
  onAnswer?: ((operation: string) => void) | undefined;
  /** Retries after the first attempt, for every kind of failure (default: rules/retry-delay.ts). */
  retries?: number;
  /** Waits for the operation's client-side rate budget before each attempt. */
  pacer?: Pacer | undefined;
}

/**
 * Runs one AWS call with retries on throttling, 5xx and network failures: exponential backoff with full
 * jitter, throttles and transient failures counted and delayed apart (rules/retry-delay.ts), giving up
 * at once on anything else. Always rejects with a CoreError.
 */
export async function callAws<T>(call: () => Promise<T>, options: CallOptions): Promise<T> {
  const retried: Record<RetryKind, number> = { throttle: 0, transient: 0 };
  for (;;) {
    try {
      await options.pacer?.take(options.operation, options.signal);
      const result = await call();
      options.onAnswer?.(options.operation);
      return result;
    } catch (error) {
      // Once the caller has cancelled, whatever surfaces (the SDK's abort error, the sleep's, a string
      // reason) means one thing.
      if (options.signal?.aborted) throw aborted(options);
      const throttled = isThrottle(error);
      if (throttled) options.onThrottle?.(options.operation);
      else options.onAnswer?.(options.operation);
      const kind: RetryKind = throttled ? 'throttle' : 'transient';
      if (!isTransient(error) || !mayRetry(kind, retried[kind], options.retries))
        throw mapAwsError(error, options);
      retried[kind] += 1;
      try {
        await sleep(
          retryDelayMs(kind, retried[kind], Math.random()),
          undefined,
          options.signal ? { signal: options.signal } : {},
        );
      } catch {
        throw aborted(options);
      }
    }
  }
}

function aborted(options: CallOptions): CoreError {
  return new CoreError('ABORTED', `${options.operation} was cancelled.`, {
    details: {
      operation: options.operation,
      ...(options.accountId ? { accountId: options.accountId } : {}),
    },
  });
}

/** SDK `send` options for an optional signal (the SDK types refuse an explicit `undefined`). */
export function abortable(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
