import { type CoreErrorCode, isCallerMistake } from '@rootwarden/core';

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

/** From core's error classification: the caller's mistakes (bad input, not found) are usage errors. */
export function exitCodeFor(code: CoreErrorCode): number {
  return isCallerMistake(code) ? EXIT.USAGE : EXIT.ERROR;
}
