import { inspect } from 'node:util';
import { AssumeRootCommand } from '@aws-sdk/client-sts';
import { type RootTask, taskPolicyArn } from '../domain/common.js';
import { CoreError } from '../errors.js';
import { abortable, callAws } from './call-aws.js';
import type { AwsRuntime, StaticCredentials } from './runtime.js';

/** AssumeRoot sessions last at most 900 s (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html). */
const MAX_SESSION_SECONDS = 900;

/**
 * A task-scoped root session for one member account. The credentials live in a private field:
 * JSON.stringify, util.inspect and template strings show only the account, task and expiry.
 */
export class RootSession {
  readonly accountId: string;
  readonly task: RootTask;
  readonly expiresAt: Date;
  readonly #credentials: StaticCredentials;

  constructor(accountId: string, task: RootTask, credentials: StaticCredentials, expiresAt: Date) {
    this.accountId = accountId;
    this.task = task;
    this.#credentials = credentials;
    this.expiresAt = expiresAt;
  }

  /** The secret material, for building an SDK client or for what the user explicitly asked (exec, credential-process). */
  revealCredentials(): StaticCredentials {
    return { ...this.#credentials };
  }

  /** True when fewer than `marginMs` remain. */
  isExpiring(now: Date, marginMs = 30_000): boolean {
    return this.expiresAt.getTime() - now.getTime() < marginMs;
  }

  toJSON(): { accountId: string; task: RootTask; expiresAt: string } {
    return { accountId: this.accountId, task: this.task, expiresAt: this.expiresAt.toISOString() };
  }

  toString(): string {
    return `RootSession(${this.accountId}, ${this.task}, expires ${this.expiresAt.toISOString()})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface AssumeRootOptions {
  accountId: string;
  task: RootTask;
  durationSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
  onThrottle?: ((operation: string) => void) | undefined;
  onAnswer?: ((operation: string) => void) | undefined;
}

/** sts:AssumeRoot for one member account with the task policy of `task`. */
export async function assumeRootSession(
  runtime: AwsRuntime,
  options: AssumeRootOptions,
): Promise<RootSession> {
  const { accountId, task } = options;
  const output = await callAws(
    () =>
      runtime.sts.send(
        new AssumeRootCommand({
          TargetPrincipal: accountId,
          TaskPolicyArn: { arn: taskPolicyArn(task, runtime.partition) },
          DurationSeconds: options.durationSeconds ?? MAX_SESSION_SECONDS,
        }),
        abortable(options.signal),
      ),
    {
      operation: 'AssumeRoot',
      accountId,
      signal: options.signal,
      onThrottle: options.onThrottle,
      onAnswer: options.onAnswer,
    },
  );
  const credentials = output.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new CoreError('INTERNAL', `AssumeRoot for account ${accountId} returned no credentials.`, {
      details: { accountId, task },
    });
  }
  const expiresAt =
    credentials.Expiration ?? new Date(Date.now() + (options.durationSeconds ?? MAX_SESSION_SECONDS) * 1000);
  return new RootSession(
    accountId,
    task,
    {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: expiresAt,
    },
    expiresAt,
  );
}
