import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdempotencyKeyHeader } from '../src/schemas.js';

const REPO = new URL('../../../', import.meta.url).pathname;
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README curl walkthrough', () => {
  it('makes its Idempotency-Key with Node alone (no uuidgen on minimal machines), and the API accepts it', () => {
    const command = /-H "Idempotency-Key: \$\((.+?)\)"/.exec(README)?.[1];
    expect(command).toMatch(/^node /);
    // PATH holds only the directory of the Node running this test: nothing else is needed.
    const run = spawnSync('/bin/bash', ['-c', command as string], {
      encoding: 'utf8',
      env: { PATH: join(process.execPath, '..') },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(IdempotencyKeyHeader.safeParse(run.stdout.trim()).success).toBe(true);
  });
});
