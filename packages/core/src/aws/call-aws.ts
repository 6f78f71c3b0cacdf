import pRetry from 'p-retry';
import { CoreError } from '../errors.js';
import { isThrottle, isTransient, mapAwsError } from './map-aws-error.js';
import type { Pacer } from './pacer.js';

export interface CallOptions {
  /** The AWS operation, for error messages and events. */
  operation: string;
  accountId?: string;
  signal?: AbortSignal | undefined;
  /** Told about every throttling answer, retried or not, so concurrency can adapt. */
  onThrottle?: ((operation: string) => void) | undefined;
  /** Retries after the first attempt (default 8: about 40 s of backoff at most). */
  retries?: number;
  /** Waits for the operation's client-side rate budget before each attempt. */
  pacer?: Pacer | undefined;
}

/**
 * Runs one AWS call with retries on throttling, 5xx and network failures: exponential backoff with
 * jitter (p-retry), giving up at once on anything else. Always rejects with a CoreError.
 */
export async function callAws<T>(call: () => Promise<T>, options: CallOptions): Promise<T> {
  try {
    const attempt = options.pacer
      ? async () => {
          await options.pacer?.take(options.operation, options.signal);
          return call();
        }
      : call;
    return await pRetry(attempt, {
      retries: options.retries ?? 8,
      factor: 2,
      minTimeout: 100,
      maxTimeout: 8_000,
      randomize: true,
      ...(options.signal ? { signal: options.signal } : {}),
      shouldRetry: ({ error }) => isTransient(error) && !options.signal?.aborted,
      onFailedAttempt: ({ error }) => {
        if (isThrottle(error)) options.onThrottle?.(options.operation);
      },
    });
  } catch (error) {
    // Once the caller has cancelled, whatever surfaces (the SDK's abort error, p-retry's rethrown
    // reason, a string reason) means one thing.
    if (options.signal?.aborted) {
      throw new CoreError('ABORTED', `${options.operation} was cancelled.`, {
        details: {
          operation: options.operation,
          ...(options.accountId ? { accountId: options.accountId } : {}),
        },
      });
    }
    throw mapAwsError(error, options);
  }
}

/** SDK `send` options for an optional signal (the SDK types refuse an explicit `undefined`). */
export function abortable(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
