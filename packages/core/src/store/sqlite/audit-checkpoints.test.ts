import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessKey, makeReport, PASSWORD } from '../../../test/fixtures.js';
import { partialReport } from '../../workflows/audit-checkpoints.js';
import { databasePath } from '../home.js';
import type { AuditCheckpointHeader, Store } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';

// Issue 16 point 6: a running audit's finished accounts are on disk as they finish, so a process that
// dies keeps them.

let home: string;
let store: Store;
beforeEach(async () => {
  home = join(mkdtempSync(join(tmpdir(), 'rootwarden-checkpoint-')), 'home');
  store = await openSqliteStore({ home });
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  rmSync(join(home, '..'), { recursive: true, force: true });
});

const AUDIT_ID = '22222222-0000-4000-8000-000000000001';
const report = makeReport({
  auditId: AUDIT_ID,
  startedAt: '2026-11-30T10:00:00.000Z',
  accounts: [
    {
      accountId: '111111111111',
      credentials: { loginProfile: PASSWORD, accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1')] },
    },
    { accountId: '222222222222', credentials: {} },
    { accountId: '333333333333', status: 'unknown' },
  ],
});
const header: AuditCheckpointHeader = {
  auditId: AUDIT_ID,
  organizationId: report.organizationId,
  managementAccountId: report.managementAccountId,
  caller: report.caller,
  startedAt: report.startedAt,
  selection: report.selection,
  settings: report.settings,
  listed: null,
};

describe('audit checkpoints', () => {
  it('accumulate batches in finishing order, update the header, and keep the latest result per account', async () => {
    const [first, second, ...rest] = report.accounts;
    if (!first || !second) throw new Error('fixture needs two accounts');
    await store.checkpointAudit(header, []);
    expect(await store.getAuditCheckpoint(AUDIT_ID)).toEqual({ header, results: [] });
    await store.checkpointAudit(header, [second]);
    await store.checkpointAudit({ ...header, listed: report.accounts.length }, [first, ...rest, second]);
    const checkpoint = await store.getAuditCheckpoint(AUDIT_ID);
    expect(checkpoint?.header.listed).toBe(report.accounts.length);
    expect(checkpoint?.results.map((result) => result.accountId)).toEqual([
      second.accountId,
      first.accountId,
      ...rest.map((result) => result.accountId),
    ]);
    expect(await store.getAuditCheckpoint('22222222-0000-4000-8000-000000000099')).toBeUndefined();
  });

  it('never writes a field the report schema does not define (no stray credential)', async () => {
    const [first] = report.accounts;
    if (!first) throw new Error('fixture needs an account');
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-checkpoint';
    await store.checkpointAudit({ ...header, secretAccessKey: secret } as AuditCheckpointHeader, [
      { ...first, sessionToken: secret } as typeof first,
    ]);
    await store.close();
    for (const file of [databasePath(home), `${databasePath(home)}-wal`]) {
      let text = '';
      try {
        text = readFileSync(file, 'latin1');
      } catch {
        continue;
      }
      expect(text).not.toContain(secret);
    }
  });

  it('a partial report is built from it, incomplete; deleting drops the checkpoint', async () => {
    await store.checkpointAudit({ ...header, listed: 10 }, report.accounts.slice(0, 2));
    const checkpoint = await store.getAuditCheckpoint(AUDIT_ID);
    if (!checkpoint) throw new Error('no checkpoint');
    const partial = partialReport(checkpoint, new Date('2026-11-30T10:05:00.000Z'));
    expect(partial).toMatchObject({
      auditId: AUDIT_ID,
      complete: false,
      finishedAt: '2026-11-30T10:05:00.000Z',
    });
    expect(partial.accounts).toHaveLength(2);
    expect(partial.summary.accounts).toBe(2);
    await store.saveAudit(partial);
    await store.deleteAuditCheckpoint(AUDIT_ID);
    await store.deleteAuditCheckpoint(AUDIT_ID);
    expect(await store.getAuditCheckpoint(AUDIT_ID)).toBeUndefined();
    expect((await store.getAudit(AUDIT_ID))?.complete).toBe(false);
  });
});
