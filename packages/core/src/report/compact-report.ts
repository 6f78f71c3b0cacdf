import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import { byAccountId } from '../domain/common.js';
import { CSV_HEADER, csvLine } from './csv.js';
import { markdownFindings, markdownFromParts, markdownHead, markdownRow } from './markdown.js';

/** The formats whose report is one line (or row) per account, sorted by account id. */
export const COMPACT_REPORT_FORMATS = ['csv', 'markdown'] as const;
export type CompactReportFormat = (typeof COMPACT_REPORT_FORMATS)[number];

interface CompactAccount {
  accountId: string;
  row: string;
  findings: string | undefined;
}

/**
 * A csv or markdown report built from results as they stream in: each result is rendered at once
 * into its own small strings and dropped, so a 10,000-account audit never holds 10,000 full results
 * for its report. The bytes equal `reportChunks` of the whole report.
 */
export class CompactReport {
  readonly #format: CompactReportFormat;
  readonly #accounts: CompactAccount[] = [];

  constructor(format: CompactReportFormat) {
    this.#format = format;
  }

  add(result: AccountAuditResult): void {
    this.#accounts.push(
      this.#format === 'csv'
        ? { accountId: result.accountId, row: csvLine(result), findings: undefined }
        : { accountId: result.accountId, row: markdownRow(result), findings: markdownFindings(result) },
    );
  }

  /** The report in chunks, accounts sorted by id like `AuditReport.accounts` (`saved`: see markdownHead). */
  *chunks(header: Omit<AuditReport, 'accounts'>, saved = true): Generator<string> {
    const accounts = this.#accounts.sort(byAccountId);
    if (this.#format === 'csv') {
      yield CSV_HEADER;
      for (const account of accounts) yield account.row;
      return;
    }
    yield* markdownFromParts(markdownHead(header, saved), accounts);
  }
}
