import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountAuditResult, byAccountId } from '@rootwarden/core';

/** Where one account's JSON text is: on disk (position, length), or in memory when the disk failed. */
type Entry = { accountId: string; position: number; length: number } | { accountId: string; text: string };

/**
 * The accounts of a JSON report, kept on disk while the audit runs: the report lists them in
 * account-id order inside one document, so they can only be written once the audit ends, and held in
 * memory they grew a 10,000-account audit by tens of MB. Each result is written as its pretty JSON
 * text to a private temporary file (mode 600 in a fresh `mkdtemp` directory) as it is done, and read
 * back in order at the end; only the positions stay in memory. Nothing secret is in it: it is the
 * report being written. A temporary directory that cannot be made or written (full, read-only) never
 * costs the report: the texts are then kept in memory, as before the spool.
 */
export class JsonAccountSpool {
  readonly #directory: string | undefined;
  #fd: number | undefined;
  readonly #entries: Entry[] = [];
  #end = 0;

  constructor() {
    try {
      this.#directory = mkdtempSync(join(tmpdir(), 'rootwarden-report-'));
      this.#fd = openSync(join(this.#directory, 'accounts.json'), 'w+', 0o600);
    } catch {
      this.#fd = undefined;
    }
  }

  add(result: AccountAuditResult): void {
    const text = JSON.stringify(result, null, 2);
    if (this.#fd !== undefined) {
      const bytes = Buffer.from(text);
      try {
        writeSync(this.#fd, bytes, 0, bytes.length, this.#end);
        this.#entries.push({ accountId: result.accountId, position: this.#end, length: bytes.length });
        this.#end += bytes.length;
        return;
      } catch {
        // From here on in memory; what is on disk is still read back.
      }
    }
    this.#entries.push({ accountId: result.accountId, text });
  }

  /** Each result's JSON text, in account-id order (the order of a whole report's `accounts`). */
  *texts(): Generator<string> {
    for (const entry of [...this.#entries].sort(byAccountId)) {
      if ('text' in entry) {
        yield entry.text;
        continue;
      }
      const bytes = Buffer.alloc(entry.length);
      readSync(this.#fd as number, bytes, 0, entry.length, entry.position);
      yield bytes.toString('utf8');
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#directory !== undefined) rmSync(this.#directory, { recursive: true, force: true });
  }
}
