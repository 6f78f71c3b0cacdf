import type { CoreErrorCode } from '@rootwarden/core';

/** Exit codes of every rootwarden command (README, "Exit codes"). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  FINDINGS: 3,
  /** `audits diff --fail-on-drift` found drift (same code as findings: "look at this"). */
  DRIFT: 3,
  PARTIAL: 4,
} as const;

/** The one table mapping CoreError codes to exit codes: the user's mistakes are usage errors (2). */
const USAGE_CODES: ReadonlySet<CoreErrorCode> = new Set([
  'INVALID_INPUT',
  'PLAN_NOT_FOUND',
  'AUDIT_NOT_FOUND',
  'EXCEPTION_NOT_FOUND',
]);

export function exitCodeFor(code: CoreErrorCode): number {
  return USAGE_CODES.has(code) ? EXIT.USAGE : EXIT.ERROR;
}
