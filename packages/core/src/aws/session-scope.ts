import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RootTask } from '../domain/common.js';
import { isCoreError } from '../errors.js';
import { callAws } from './call-aws.js';
import { assumeRootSession, type RootSession } from './root-session.js';
import type { AwsRuntime } from './runtime.js';

export interface SessionScopeOptions {
  accountId: string;
  task: RootTask;
  durationSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
  onThrottle?: ((operation: string) => void) | undefined;
  onAnswer?: ((operation: string) => void) | undefined;
  now?: () => Date;
}

/**
 * The clients of one root session. They are the engine's shared root-session clients: they sign with
 * this session only inside `SessionScope.call`.
 */
export interface SessionClients {
  readonly session: RootSession;
  readonly iam: IAMClient;
  s3(region?: string): Promise<S3Client>;
  sqs(region?: string): Promise<SQSClient>;
}

/** How many times one call may re-assume an expired session before giving up. */
const MAX_REFRESHES_PER_CALL = 2;

/**
 * One member account and one task: assumes the root session lazily, hands out clients bound to it,
 * and re-assumes it when it has expired — before a call when the local clock says so, or when AWS
 * answers ExpiredToken (root sessions last at most 15 minutes and cannot be refreshed).
 */
export class SessionScope {
  readonly #runtime: AwsRuntime;
  readonly #options: SessionScopeOptions;
  #current: Promise<SessionClients> | undefined;
  #assumeCount = 0;

  constructor(runtime: AwsRuntime, options: SessionScopeOptions) {
    this.#runtime = runtime;
    this.#options = options;
  }

  get accountId(): string {
    return this.#options.accountId;
  }

  /** AssumeRoot calls made so far (1 unless the session expired). */
  get assumeCount(): number {
    return this.#assumeCount;
  }

  /** The current session's clients, assuming (again) when there is none or it has expired. */
  async clients(): Promise<SessionClients> {
    if (this.#current === undefined) {
      this.#current = this.#assume();
      return this.#current;
    }
    // A failed AssumeRoot rejects here for every caller: one account, one attempt, one error.
    const current = await this.#current;
    const now = this.#options.now?.() ?? new Date();
    if (current.session.expiresAt.getTime() > now.getTime()) return current;
    this.#replace(current);
    // Not checked again: a session that is born expired is AWS's to refuse, not ours to loop on.
    return this.#current as Promise<SessionClients>;
  }

  /**
   * Runs one AWS call inside the session with the engine's retries; an ExpiredToken answer
   * re-assumes the session and runs the call again.
   */
  async call<T>(operation: string, run: (clients: SessionClients) => Promise<T>): Promise<T> {
    for (let refreshes = 0; ; refreshes += 1) {
      const clients = await this.clients();
      try {
        return await callAws(() => this.#runtime.withSession(clients.session, () => run(clients)), {
          operation,
          accountId: this.#options.accountId,
          signal: this.#options.signal,
          onThrottle: this.#options.onThrottle,
          onAnswer: this.#options.onAnswer,
        });
      } catch (error) {
        if (
          isCoreError(error) &&
          error.code === 'CREDENTIALS_EXPIRED' &&
          refreshes < MAX_REFRESHES_PER_CALL
        ) {
          this.#replace(clients);
          continue;
        }
        throw error;
      }
    }
  }

  /** Drops `stale` for a fresh session; parallel calls that saw the same stale session share one AssumeRoot. */
  #replace(stale: SessionClients): void {
    const current = this.#current;
    this.#current =
      current === undefined
        ? this.#assume()
        : current.then((clients) => (clients === stale ? this.#assume() : clients));
  }

  async #assume(): Promise<SessionClients> {
    this.#assumeCount += 1;
    const session = await assumeRootSession(this.#runtime, {
      accountId: this.#options.accountId,
      task: this.#options.task,
      durationSeconds: this.#options.durationSeconds,
      signal: this.#options.signal,
      onThrottle: this.#options.onThrottle,
      onAnswer: this.#options.onAnswer,
    });
    const runtime = this.#runtime;
    return {
      session,
      get iam() {
        return runtime.sessionIam();
      },
      s3: (region) => runtime.sessionS3(region),
      sqs: (region) => runtime.sessionSqs(region),
    };
  }
}
