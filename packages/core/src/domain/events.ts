import type { AccountAuditResult, AccountStatus } from './audit.js';

/**
 * Progress events the engine emits while it works. Adapters turn them into a progress bar, SSE or
 * MCP progress notifications. They never carry credentials.
 */
export type EngineEvent =
  | { type: 'inventory-page'; listed: number }
  | { type: 'inventory-done'; total: number }
  /**
   * An account is finished (audited, failed or skipped): for progress bars, emitted at once. An
   * `unknown` account carries why: the same code and message as its result (a refusal the
   * organization's policies explain names the policy, target and statement).
   */
  | {
      type: 'account-audited';
      accountId: string;
      status: AccountStatus;
      done: number;
      total: number | null;
      error?: { code: string; message: string };
    }
  /**
   * The account's full result, for streamed outputs (jsonl, SSE). It follows `account-audited`
   * once OU names are known (the OU walk runs alongside the audit and may end last).
   */
  | { type: 'account-done'; result: AccountAuditResult; done: number; total: number | null }
  | { type: 'throttled'; operation: string; concurrency: number }
  | { type: 'concurrency-changed'; concurrency: number }
  /** apply / restore-policy: one action of the plan has its outcome. */
  | {
      type: 'action-done';
      actionId: string;
      outcome: 'done' | 'already-done' | 'failed' | 'skipped';
      done: number;
      total: number;
    };

export type EngineEventListener = (event: EngineEvent) => void;
