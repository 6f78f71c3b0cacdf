import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountAuditResult } from '@rootwarden/core';

/**
 * The accounts of a JSON report, kept on disk while the audit runs: the report lists them in
 * account-id order inside one document, so they can only be written once the audit ends, and held in
 * memory they grew a 10,000-account audit by tens of MB. Each result is written as its pretty JSON
 * text to a private temporary file (mode 600 in a fresh `mkdtemp` directory) as it is done, and read
 * back in order at the end; only the positions stay in memory. Nothing secret is in it: it is the
 * report being written.
 */
export class JsonAccountSpool {
  readonly #directory: string;
  readonly #fd: number;
  readonly #entries: { accountId: string; position: number; length: number }[] = [];
  #end = 0;

  constructor() {
    this.#directory = mkdtempSync(join(tmpdir(), 'rootwarden-report-'));
    this.#fd = openSync(join(this.#directory, 'accounts.json'), 'w+', 0o600);
  }

  add(result: AccountAuditResult): void {
    const bytes = Buffer.from(JSON.stringify(result, null, 2));
    writeSync(this.#fd, bytes, 0, bytes.length, this.#end);
    this.#entries.push({ accountId: result.accountId, position: this.#end, length: bytes.length });
    this.#end += bytes.length;
  }

  /** Each result's JSON text, in account-id order (the order of a whole report's `accounts`). */
  *texts(): Generator<string> {
    const ordered = [...this.#entries].sort((a, b) =>
      a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
    );
    for (const { position, length } of ordered) {
      const bytes = Buffer.alloc(length);
      readSync(this.#fd, bytes, 0, length, position);
      yield bytes.toString('utf8');
    }
  }

  close(): void {
    closeSync(this.#fd);
    rmSync(this.#directory, { recursive: true, force: true });
  }
}
