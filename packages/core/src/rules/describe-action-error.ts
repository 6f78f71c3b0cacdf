import { isCoreError } from '../errors.js';

/** What the journal and the apply result say about an action that failed: the reason with its fix, the codes. */
export function describeActionError(error: unknown): { reason: string; awsCode?: string; code: string } {
  if (isCoreError(error)) {
    const awsCode = typeof error.details?.awsCode === 'string' ? error.details.awsCode : undefined;
    // The fix travels with the reason: an action AWS refused says what to change before applying again.
    const fix = error.fix === undefined ? '' : ` Fix: ${error.fix}`;
    return {
      reason: `${error.code}: ${error.message}${fix}`,
      code: error.code,
      ...(awsCode ? { awsCode } : {}),
    };
  }
  return { reason: `INTERNAL: ${error instanceof Error ? error.message : String(error)}`, code: 'INTERNAL' };
}
