import type { ExceptionEvent, FindingException } from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

export function renderExceptions(exceptions: readonly FindingException[], now: Date): string {
  if (exceptions.length === 0) return 'No exceptions. Add one with `rootwarden exceptions add`.';
  return renderTable(
    ['ID', 'ACCOUNT', 'FINDING', 'OWNER', 'EXPIRES', 'REASON'],
    exceptions.map((exception) => [
      exception.id.slice(0, 8),
      exception.accountId,
      exception.findingCode ?? 'all findings',
      exception.owner,
      Date.parse(exception.expiresAt) <= now.getTime()
        ? colors.yellow(`${exception.expiresAt.slice(0, 10)} (expired)`)
        : exception.expiresAt.slice(0, 10),
      exception.reason,
    ]),
  );
}

export function renderExceptionEvents(events: readonly ExceptionEvent[]): string {
  if (events.length === 0) return 'No exceptions were ever added.';
  return renderTable(
    ['AT', 'ACTION', 'BY', 'ID', 'ACCOUNT', 'FINDING', 'OWNER', 'EXPIRES'],
    events.map((event) => [
      event.at,
      event.action,
      event.by,
      event.exceptionId.slice(0, 8),
      event.exception.accountId,
      event.exception.findingCode ?? 'all findings',
      event.exception.owner,
      event.exception.expiresAt.slice(0, 10),
    ]),
  );
}
