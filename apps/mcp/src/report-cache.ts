import type { AuditReport } from '@rootwarden/core';

/**
 * Audit reports this server produced, newest last, so the resource links it hands out resolve even
 * when the engine keeps no history (`store: false`). The saved history stays the source of truth.
 */
export interface ReportCache {
  add(report: AuditReport): void;
  get(auditId: string): AuditReport | undefined;
  latest(): AuditReport | undefined;
  list(): AuditReport[];
}

export function createReportCache(capacity = 5): ReportCache {
  const reports: AuditReport[] = [];
  return {
    add(report) {
      const index = reports.findIndex((entry) => entry.auditId === report.auditId);
      if (index >= 0) reports.splice(index, 1);
      reports.push(report);
      if (reports.length > capacity) reports.shift();
    },
    get: (auditId) => reports.find((entry) => entry.auditId === auditId),
    latest: () => reports.at(-1),
    list: () => [...reports].reverse(),
  };
}
