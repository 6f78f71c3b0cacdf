import { z } from 'zod';
import { AUDIT_REPORT_SCHEMA_ID, type AuditReport, AuditReportSchema } from '../domain/audit.js';
import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';

export const REPORT_FORMATS = ['json', 'csv', 'markdown', 'sarif'] as const;
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  sarif: 'application/sarif+json',
};

/** Renders an audit report in one of the file formats shared by the CLI (`--format`) and the API (`?format=`). */
export function renderReport(report: AuditReport, format: ReportFormat, toolVersion = '0.0.0'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ $schema: AUDIT_REPORT_SCHEMA_ID, ...report }, null, 2)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'sarif':
      return renderSarif(report, toolVersion);
  }
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
