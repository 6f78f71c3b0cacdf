import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import { AUDIT_REPORT_SCHEMA_VERSION } from '../domain/audit.js';
import type { EngineEvent } from '../domain/events.js';
import { summarizeResults } from '../rules/summarize.js';
import type { AuditCheckpoint, AuditCheckpointHeader, Store } from '../store/store.js';

/** How long finished accounts wait to be written together: one transaction per batch, not per account. */
const FLUSH_EVERY_MS = 250;

/**
 * Writes a running audit's finished accounts to the store as they finish (batched), so a process that
 * dies mid-audit keeps them (`recoverAudit` turns them into a partial report). Best effort: a failed
 * write never fails the audit, whose report is saved whole at the end anyway.
 */
export class AuditCheckpointer {
  readonly #store: Pick<Store, 'checkpointAudit'>;
  #header: AuditCheckpointHeader | undefined;
  #pending: AccountAuditResult[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failures = 0;

  constructor(store: Pick<Store, 'checkpointAudit'>) {
    this.#store = store;
  }

  /** Writes that failed (the audit went on). */
  get failures(): number {
    return this.#failures;
  }

  /** The audit passed its preflight: what a partial report needs besides the accounts. */
  start(header: Omit<AuditCheckpointHeader, 'listed'>): void {
    this.#header = { ...header, listed: null };
    this.#schedule();
  }

  onEvent(event: EngineEvent): void {
    if (event.type === 'account-done') this.#pending.push(event.result);
    else if (event.type === 'inventory-done' && this.#header) this.#header.listed = event.total;
    else return;
    this.#schedule();
  }

  /** Writes what is pending and waits for every write. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#write();
    await this.#chain;
  }

  #schedule(): void {
    if (this.#timer || !this.#header) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, FLUSH_EVERY_MS);
  }

  #write(): void {
    if (!this.#header) return;
    const header = { ...this.#header };
    const batch = this.#pending.splice(0);
    this.#chain = this.#chain
      .then(() => this.#store.checkpointAudit(header, batch))
      .catch(() => {
        this.#failures += 1;
        // Put them back: the next write may succeed (a busy database).
        this.#pending.unshift(...batch);
      });
  }
}

/** The partial report of an audit whose process died: its checkpointed accounts, `complete: false`. */
export function partialReport(checkpoint: AuditCheckpoint, finishedAt: Date): AuditReport {
  const { header } = checkpoint;
  const accounts = [...checkpoint.results].sort((a, b) => a.accountId.localeCompare(b.accountId));
  return {
    schemaVersion: AUDIT_REPORT_SCHEMA_VERSION,
    auditId: header.auditId,
    organizationId: header.organizationId,
    managementAccountId: header.managementAccountId,
    caller: header.caller,
    startedAt: header.startedAt,
    finishedAt: finishedAt.toISOString(),
    complete: false,
    selection: header.selection,
    settings: header.settings,
    summary: summarizeResults(accounts),
    accounts,
  };
}
