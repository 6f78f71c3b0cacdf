import { exitCodeFor } from '@rootwarden/cli';
import {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  ERROR_CLASSIFICATION,
  type ErrorFault,
  isCallerMistake,
} from '@rootwarden/core';
import { type ErrorKind, errorKind } from '@rootwarden/mcp';
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_STATUS } from '../src/errors.js';

/**
 * What each door says about an error, and the meanings the three may share: a caller's mistake is exit
 * 2, a 4xx and an MCP input/not-found error alike; a state to change or wait out is exit 1, a 409 and
 * an MCP conflict/setup; the server's own trouble is exit 1, a 5xx, and setup/transient/failure.
 */
const COHERENT: ReadonlyArray<{
  exit: number;
  statuses: number[];
  kinds: ErrorKind[];
  faults: ErrorFault[];
}> = [
  { exit: 2, statuses: [400, 422], kinds: ['input'], faults: ['client'] },
  { exit: 2, statuses: [404, 422], kinds: ['not-found'], faults: ['not-found'] },
  { exit: 1, statuses: [409], kinds: ['conflict'], faults: ['conflict'] },
  { exit: 1, statuses: [409], kinds: ['setup'], faults: ['setup'] },
  { exit: 1, statuses: [502], kinds: ['setup'], faults: ['denied'] },
  { exit: 1, statuses: [503], kinds: ['setup'], faults: ['config'] },
  { exit: 1, statuses: [503], kinds: ['transient'], faults: ['transient'] },
  { exit: 1, statuses: [502], kinds: ['failure'], faults: ['aws'] },
  { exit: 1, statuses: [500], kinds: ['failure'], faults: ['internal'] },
];

describe('the CLI, the HTTP API and the MCP server classify every CoreError code alike', () => {
  it('core classifies every code, and nothing else', () => {
    expect(Object.keys(ERROR_CLASSIFICATION).sort()).toEqual([...CORE_ERROR_CODES].sort());
  });

  it.each([...CORE_ERROR_CODES])('%s', (code: CoreErrorCode) => {
    const said = {
      exit: exitCodeFor(code),
      status: CORE_ERROR_STATUS[code],
      kind: errorKind(code),
      fault: ERROR_CLASSIFICATION[code].fault,
    };
    const meaning = COHERENT.find(
      (row) =>
        row.exit === said.exit &&
        row.statuses.includes(said.status) &&
        row.kinds.includes(said.kind) &&
        row.faults.includes(said.fault),
    );
    expect(meaning, `the doors disagree on ${code}: ${JSON.stringify(said)}`).toBeDefined();
    expect(said.exit === 2).toBe(isCallerMistake(code));
  });
});
