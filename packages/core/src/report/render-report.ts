import { z } from 'zod';
import { AUDIT_REPORT_SCHEMA_ID, type AuditReport, AuditReportSchema } from '../domain/audit.js';
import type { AuditDiff } from '../domain/audit-diff.js';
import { csvChunks } from './csv.js';
import { htmlChunks, jsonReportSha256 } from './html.js';
import { prettyJsonChunks, prettyJsonTextChunks, withNewline } from './json-chunks.js';
import { markdownChunks } from './markdown.js';
import { ocsfChunks } from './ocsf.js';
import { sarifChunks } from './sarif.js';

export const REPORT_FORMATS = ['json', 'csv', 'markdown', 'sarif', 'html', 'ocsf'] as const;
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  sarif: 'application/sarif+json',
  html: 'text/html; charset=utf-8',
  ocsf: 'application/json',
};

/** What some formats add beyond the report itself. */
export interface ReportExtras {
  /** HTML: drift since the previous audit of the organization, when there is one. */
  diff?: AuditDiff | undefined;
  /** Markdown and HTML: false when the report was not saved (`--no-save`): they then cite no audit id. */
  saved?: boolean | undefined;
}

const ACCOUNTS = '\u0000accounts\u0000';

/**
 * An audit report in one of the file formats shared by the CLI (`--format`) and the API
 * (`?format=`), in pieces: write them to a stream so a 10,000-account report is never one string.
 */
export function reportChunks(
  report: AuditReport,
  format: ReportFormat,
  toolVersion = '0.0.0',
  extras: ReportExtras = {},
): Iterable<string> {
  switch (format) {
    case 'json':
      return jsonChunks(report);
    case 'html':
      return htmlChunks(report, {
        toolVersion,
        jsonSha256: jsonReportSha256(jsonChunks(report)),
        diff: extras.diff,
        saved: extras.saved,
      });
    case 'ocsf':
      return ocsfChunks(report, toolVersion);
    case 'csv':
      return csvChunks(report);
    case 'markdown':
      return markdownChunks(report, extras.saved !== false);
    case 'sarif':
      return sarifChunks(report, toolVersion);
  }
}

function jsonChunks(report: AuditReport): Iterable<string> {
  return withNewline(prettyJsonChunks(jsonHead(report), ACCOUNTS, report.accounts));
}

/** The report's JSON with the accounts last, whatever order the report's keys came in. */
function jsonHead(report: AuditReport): Record<string, unknown> {
  const { accounts: _accounts, ...rest } = report;
  return { $schema: AUDIT_REPORT_SCHEMA_ID, ...rest, accounts: ACCOUNTS };
}

/**
 * The JSON report of a streamed audit (`report.accounts` empty) whose accounts the caller kept as
 * text, `JSON.stringify(result, null, 2)` each, in account-id order: the same bytes as `reportChunks`
 * of the whole report, without holding the results.
 */
export function jsonReportChunks(report: AuditReport, accountTexts: Iterable<string>): Iterable<string> {
  return withNewline(prettyJsonTextChunks(jsonHead(report), ACCOUNTS, accountTexts));
}

/** The whole report as one string (small reports, HTTP bodies, tests). */
export function renderReport(
  report: AuditReport,
  format: ReportFormat,
  toolVersion = '0.0.0',
  extras: ReportExtras = {},
): string {
  return [...reportChunks(report, format, toolVersion, extras)].join('');
}

/** The published JSON Schema (draft 2020-12) of the JSON report, generated from the zod schema. */
export function auditReportJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AuditReportSchema.extend({ $schema: z.string().optional() }), {
    target: 'draft-2020-12',
  });
  return {
    ...schema,
    $id: AUDIT_REPORT_SCHEMA_ID,
    title: 'rootwarden audit report',
    description: 'The JSON report of `rootwarden audit --format json` (version 1).',
  };
}
