import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAN_MOUNT, mountSmallFilesystem, type SmallFilesystem } from '@rootwarden/test-utils';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessKey, makeReport, PASSWORD, VIRTUAL_MFA } from '../../../test/fixtures.js';
import { type AuditReport, AuditReportSchema } from '../../domain/audit.js';
import { ListAuditsInputSchema } from '../../domain/history.js';
import { CoreError } from '../../errors.js';
import { databasePath } from '../home.js';
import type { Store, StoredPlan } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { openSqliteStore } from './sqlite-store.js';

const query = (input: object = {}) => ListAuditsInputSchema.parse(input);

let home: string;
let stores: Store[];

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'rootwarden-store-')), 'home');
  stores = [];
});
afterEach(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  rmSync(join(home, '..'), { recursive: true, force: true });
});

async function open(options: Partial<Parameters<typeof openSqliteStore>[0]> = {}): Promise<Store> {
  const store = await openSqliteStore({ home, ...options });
  stores.push(store);
  return store;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return (error as CoreError).code;
  }
  throw new Error('expected a CoreError');
}

const exposedReport = (auditId: string, startedAt: string, organizationId?: string): AuditReport =>
  makeReport({
    auditId,
    startedAt,
    ...(organizationId ? { organizationId } : {}),
    accounts: [
      {
        accountId: '111111111111',
        credentials: {
          loginProfile: PASSWORD,
          accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1')],
          mfaDevices: [VIRTUAL_MFA],
        },
      },
      { accountId: '222222222222', credentials: {} },
      { accountId: '333333333333', status: 'unknown' },
      { accountId: '999999999999', status: 'skipped' },
    ],
  });

describe('openSqliteStore', () => {
  it('creates a private home and database file, in WAL mode, with every migration applied', async () => {
    await open();
    const file = databasePath(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = raw.prepare('select name from kysely_migration order by name').all() as {
        name: string;
      }[];
      expect(applied.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS));
    } finally {
      raw.close();
    }
  });

  it('upgrades a database written by an older version, keeping its audits', async () => {
    const old = await openSqliteStore({
      home,
      migrations: Object.fromEntries(Object.entries(MIGRATIONS).slice(0, 1)),
    });
    await old.saveAudit(exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'));
    await old.close();
    const store = await open();
    expect((await store.listAudits(query())).map((audit) => audit.auditId)).toEqual([
      '11111111-0000-4000-8000-000000000001',
    ]);
    await store.savePlan(plan('plan-1'));
    expect((await store.getPlan('plan-1'))?.status).toBe('ready');
  });

  it('refuses a database written by a newer version', async () => {
    await (await open()).close();
    stores = [];
    const raw = new Database(databasePath(home));
    raw.prepare("insert into kysely_migration (name, timestamp) values ('0099_future', 'x')").run();
    raw.close();
    const error = await openSqliteStore({ home }).catch((caught: unknown) => caught as CoreError);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('STORE_UNAVAILABLE');
    expect((error as CoreError).message).toMatch(/newer rootwarden.*0099_future/);
  });

  it('says a file that is not a database is corrupt', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(databasePath(home), 'this is not an SQLite database, just some text '.repeat(100));
    const error = (await openSqliteStore({ home }).catch((caught: unknown) => caught)) as CoreError;
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(databasePath(home));
    expect(error.fix).toMatch(/Move the file aside/);
  });

  it.each([
    ['an empty (0-byte) file', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['text', Buffer.from('garbage '.repeat(1000))],
    [
      'an SQLite header followed by garbage',
      Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0xab)]),
    ],
  ])(
    'says %s is a corrupt database, and leaves it as it was (never a fresh history)',
    async (_what, content) => {
      mkdirSync(home, { recursive: true });
      writeFileSync(databasePath(home), content);
      const error = (await openSqliteStore({ home }).catch((caught: unknown) => caught)) as CoreError;
      expect(error).toBeInstanceOf(CoreError);
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.message).toContain(databasePath(home));
      expect(readFileSync(databasePath(home))).toEqual(content);
    },
  );

  it('a new database is never an empty file, even while it is being created', async () => {
    await (await open()).close();
    stores = [];
    expect(statSync(databasePath(home)).size).toBeGreaterThan(0);
    expect(readFileSync(databasePath(home)).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // No temporary file of the creation is left behind.
    expect(readdirSync(home).filter((name) => name.endsWith('.new'))).toEqual([]);
  });

  it("refuses someone else's SQLite database", async () => {
    mkdirSync(home, { recursive: true });
    const raw = new Database(databasePath(home));
    raw.exec('create table customers (id integer primary key)');
    raw.close();
    expect(await codeOf(openSqliteStore({ home }))).toBe('STORE_CORRUPT');
  });

  it('says a home that cannot be created is unavailable', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'a-file'), 'x');
    const error = (await openSqliteStore({ home: join(home, 'a-file', 'sub') }).catch(
      (caught: unknown) => caught,
    )) as CoreError;
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.fix).toMatch(/ROOTWARDEN_HOME/);
  });
});

describe('permissions', () => {
  // root ignores file modes, so this runs only as an ordinary user (CI); the ENOTDIR case above runs everywhere.
  it.skipIf(process.getuid?.() === 0)('says a home without write permission is unavailable', async () => {
    mkdirSync(home, { recursive: true, mode: 0o500 });
    const error = (await openSqliteStore({ home: join(home, 'sub') }).catch(
      (caught: unknown) => caught,
    )) as CoreError;
    expect(error.code).toBe('STORE_UNAVAILABLE');
    chmodSync(home, 0o700);
  });
});

describe('audits', () => {
  it('round-trips a report exactly (same values; keys in schema order)', async () => {
    const store = await open();
    const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
    await store.saveAudit(report);
    const loaded = await store.getAudit(report.auditId);
    expect(loaded).toEqual(report);
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(AuditReportSchema.parse(report)));
  });

  it('stores one row per account with status, findings and observed credential metadata', async () => {
    const store = await open();
    const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
    await store.saveAudit(report);
    await store.close();
    stores = [];
    const raw = new Database(databasePath(home), { readonly: true });
    const rows = raw
      .prepare('select account_id, status, findings, root_credentials from audit_accounts order by position')
      .all() as { account_id: string; status: string; findings: string; root_credentials: string | null }[];
    raw.close();
    expect(rows.map((row) => [row.account_id, row.status])).toEqual([
      ['111111111111', 'exposed'],
      ['222222222222', 'clean'],
      ['333333333333', 'unknown'],
      ['999999999999', 'skipped'],
    ]);
    expect(JSON.parse(rows[0]?.findings ?? '[]').length).toBeGreaterThan(0);
    expect(JSON.parse(rows[0]?.root_credentials ?? 'null').accessKeys[0].accessKeyId).toBe(
      'AKIAAAAAAAAAAAAAAAA1',
    );
    expect(rows[2]?.root_credentials).toBeNull();
  });

  it('never stores a field the report schema does not define (no stray credential)', async () => {
    const store = await open();
    const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
    const leaky = {
      ...report,
      sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
      accounts: report.accounts.map((account) => ({
        ...account,
        credentials: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      })),
    } as AuditReport;
    await store.saveAudit(leaky);
    await store.close();
    stores = [];
    const bytes = ['', '-wal']
      .map((suffix) => `${databasePath(home)}${suffix}`)
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    expect(bytes).not.toContain('FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
    expect(bytes).not.toContain('wJalrXUtnFEMI');
    expect(bytes).toContain('AKIAAAAAAAAAAAAAAAA1');
  });

  it('lists newest first, by organization, with a limit, and finds ids by prefix', async () => {
    const store = await open();
    await store.saveAudit(exposedReport('aaaa1111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'));
    await store.saveAudit(exposedReport('aaaa2222-0000-4000-8000-000000000002', '2026-11-03T10:00:00.000Z'));
    await store.saveAudit(
      exposedReport('bbbb3333-0000-4000-8000-000000000003', '2026-11-02T10:00:00.000Z', 'o-zzzzzzzzzz'),
    );
    expect((await store.listAudits(query())).map((audit) => audit.auditId.slice(0, 8))).toEqual([
      'aaaa2222',
      'bbbb3333',
      'aaaa1111',
    ]);
    expect(
      (await store.listAudits(query({ organizationId: 'o-a1b2c3d4e5', limit: 1 }))).map((audit) =>
        audit.auditId.slice(0, 8),
      ),
    ).toEqual(['aaaa2222']);
    const [entry] = await store.listAudits(query({ limit: 1 }));
    expect(entry).not.toHaveProperty('accounts');
    expect(entry?.summary.exposed).toBe(1);
    expect(await store.findAuditIds('aaaa', 10)).toHaveLength(2);
    expect(await store.findAuditIds('bbbb3333-0000-4000-8000-000000000003', 10)).toEqual([
      'bbbb3333-0000-4000-8000-000000000003',
    ]);
    expect(await store.findAuditIds('cccc', 10)).toEqual([]);
    expect(await store.getAudit('cccc')).toBeUndefined();
  });

  it('refuses to save the same audit twice', async () => {
    const store = await open();
    const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
    await store.saveAudit(report);
    expect(await codeOf(store.saveAudit(report))).toBe('INVALID_INPUT');
  });

  it('saves a large organization in one transaction', async () => {
    const store = await open();
    const accounts = Array.from({ length: 1_234 }, (_, index) => ({
      accountId: String(100_000_000_000 + index),
      credentials: index % 3 === 0 ? { loginProfile: PASSWORD } : {},
    }));
    const report = makeReport({
      auditId: '11111111-0000-4000-8000-000000000001',
      startedAt: '2026-11-01T10:00:00.000Z',
      accounts,
    });
    await store.saveAudit(report);
    expect((await store.getAudit(report.auditId))?.accounts).toHaveLength(1_234);
  });

  it('says a row changed outside rootwarden is corrupt', async () => {
    const store = await open();
    const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
    await store.saveAudit(report);
    const raw = new Database(databasePath(home));
    raw.prepare("update audit_accounts set findings = '{not json' where account_id = '111111111111'").run();
    raw.prepare('update audits set summary = \'{"accounts": "many"}\'').run();
    raw.close();
    const error = (await store.getAudit(report.auditId).catch((caught: unknown) => caught)) as CoreError;
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(report.auditId);
  });

  it('lists the readable audits when one row is damaged, and reports the damaged one', async () => {
    const store = await open();
    const ids = [
      '11111111-0000-4000-8000-000000000001',
      '11111111-0000-4000-8000-000000000002',
      '11111111-0000-4000-8000-000000000003',
    ];
    for (const [index, id] of ids.entries())
      await store.saveAudit(exposedReport(id, `2026-11-0${index + 1}T10:00:00.000Z`));
    const raw = new Database(databasePath(home));
    raw.prepare("update audits set summary = '{not json' where id = ?").run(ids[1]);
    raw.close();
    const unreadable: { auditId: string; code: string }[] = [];
    const listed = await store.listAudits(query(), {
      onUnreadable: ({ auditId, error }) => unreadable.push({ auditId, code: error.code }),
    });
    expect(listed.map((entry) => entry.auditId)).toEqual([ids[2], ids[0]]);
    expect(unreadable).toEqual([{ auditId: ids[1], code: 'STORE_CORRUPT' }]);
    // Without a listener the damaged row is still left out, never an error for the whole list.
    expect(await store.listAudits(query())).toHaveLength(2);
  });
});

function plan(id: string): StoredPlan {
  return {
    id,
    createdAt: '2026-11-01T10:00:00.000Z',
    expiresAt: '2026-11-01T11:00:00.000Z',
    organizationId: 'o-a1b2c3d4e5',
    task: 'delete-root-credentials',
    status: 'ready',
    fingerprint: 'sha256:abc',
    body: { actions: [{ id: 'a1', accountId: '111111111111', kind: 'delete-login-profile' }] },
  };
}

describe('plans and their journal', () => {
  it('saves, reads and updates a plan', async () => {
    const store = await open();
    await store.savePlan(plan('plan-1'));
    expect(await store.getPlan('plan-1')).toEqual(plan('plan-1'));
    await store.setPlanStatus('plan-1', 'applying');
    expect((await store.getPlan('plan-1'))?.status).toBe('applying');
    expect(await store.getPlan('plan-2')).toBeUndefined();
    expect(await codeOf(store.setPlanStatus('plan-2', 'applied'))).toBe('PLAN_NOT_FOUND');
    expect(await codeOf(store.savePlan(plan('plan-1')))).toBe('INVALID_INPUT');
  });

  it('numbers journal entries per plan and refuses entries of an unknown plan', async () => {
    const store = await open();
    await store.savePlan(plan('plan-1'));
    await store.savePlan(plan('plan-2'));
    const at = '2026-11-01T10:05:00.000Z';
    const first = await store.appendJournal({
      planId: 'plan-1',
      actionId: 'a1',
      phase: 'before',
      outcome: 'pending',
      at,
      detail: {},
    });
    await store.appendJournal({
      planId: 'plan-2',
      actionId: 'a1',
      phase: 'before',
      outcome: 'pending',
      at,
      detail: {},
    });
    const second = await store.appendJournal({
      planId: 'plan-1',
      actionId: 'a1',
      phase: 'after',
      outcome: 'already-done',
      at,
      detail: { awsCode: 'NoSuchEntity' },
    });
    expect([first.sequence, second.sequence]).toEqual([1, 2]);
    expect(await store.listJournal('plan-1')).toEqual([first, second]);
    expect(
      await codeOf(
        store.appendJournal({
          planId: 'nope',
          actionId: 'a1',
          phase: 'before',
          outcome: 'pending',
          at,
          detail: {},
        }),
      ),
    ).toBe('PLAN_NOT_FOUND');
  });

  it('one apply claim at a time: renewals, expiry, take-over, release', async () => {
    const store = await open();
    await store.savePlan(plan('plan-1'));
    const at = (minute: number) => `2026-11-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const claim = (owner: string, now: number, extra: { takeOver?: string[] } = {}) =>
      store.claimPlan('plan-1', { owner, now: at(now), until: at(now + 2), ...extra });
    expect(await claim('a', 0)).toEqual({ claimed: true });
    expect(await claim('a', 1)).toEqual({ claimed: true }); // renewal, now until 03
    expect(await claim('b', 2)).toEqual({ claimed: false, owner: 'a', until: at(3) });
    expect(await claim('b', 2, { takeOver: ['a'] })).toEqual({ claimed: true });
    expect(await claim('a', 3)).toEqual({ claimed: false, owner: 'b', until: at(4) });
    expect(await claim('a', 5)).toEqual({ claimed: true }); // b's claim ran out
    await store.releasePlan('plan-1', 'b'); // not b's any more: no effect
    expect(await claim('c', 5)).toMatchObject({ claimed: false, owner: 'a' });
    await store.releasePlan('plan-1', 'a');
    expect(await claim('c', 5)).toEqual({ claimed: true });
    expect(await codeOf(store.claimPlan('nope', { owner: 'a', now: at(0), until: at(1) }))).toBe(
      'PLAN_NOT_FOUND',
    );
  });

  it('refuses to store anything shaped like a credential', async () => {
    const store = await open();
    expect(
      await codeOf(store.savePlan({ ...plan('plan-1'), body: { session: { SessionToken: 'x' } } })),
    ).toBe('INTERNAL');
    await store.savePlan(plan('plan-1'));
    expect(
      await codeOf(
        store.appendJournal({
          planId: 'plan-1',
          actionId: 'a1',
          phase: 'before',
          outcome: 'pending',
          at: '2026-11-01T10:05:00.000Z',
          detail: [{ secretAccessKey: 'x' }],
        }),
      ),
    ).toBe('INTERNAL');
  });
});

describe('API jobs', () => {
  it('creates, updates, lists and interrupts jobs', async () => {
    const store = await open();
    const at = '2026-11-01T10:00:00.000Z';
    const job = (id: string) => ({
      id,
      kind: 'audit' as const,
      status: 'queued' as const,
      createdAt: at,
      updatedAt: at,
      input: { ous: [] },
      auditId: null,
      error: null,
    });
    await store.createJob(job('job-1'));
    await store.createJob(job('job-2'));
    await store.createJob(job('job-3'));
    const report = exposedReport('11111111-0000-4000-8000-000000000001', at);
    await store.saveAudit(report);
    const done = await store.updateJob('job-1', {
      status: 'succeeded',
      auditId: report.auditId,
      updatedAt: '2026-11-01T10:01:00.000Z',
    });
    expect(done).toMatchObject({ status: 'succeeded', auditId: report.auditId, input: { ous: [] } });
    await store.updateJob('job-2', {
      status: 'failed',
      error: { code: 'THROTTLED', message: 'Rate exceeded' },
      updatedAt: '2026-11-01T10:01:00.000Z',
    });
    await store.updateJob('job-3', { status: 'running', updatedAt: '2026-11-01T10:01:00.000Z' });
    expect(await store.interruptUnfinishedJobs('2026-11-01T10:02:00.000Z')).toBe(1);
    expect((await store.getJob('job-3'))?.status).toBe('interrupted');
    expect((await store.getJob('job-2'))?.error).toEqual({ code: 'THROTTLED', message: 'Rate exceeded' });
    expect((await store.listJobs({ status: 'succeeded' })).map((item) => item.id)).toEqual(['job-1']);
    expect(await store.listJobs()).toHaveLength(3);
    expect(await store.getJob('job-4')).toBeUndefined();
    expect(await codeOf(store.updateJob('job-4', { updatedAt: at }))).toBe('RESOURCE_NOT_FOUND');
    expect(await codeOf(store.createJob(job('job-1')))).toBe('INVALID_INPUT');
  });

  it('keeps what a finished job produced, and refuses a result holding a credential', async () => {
    const store = await open();
    const at = '2026-11-01T10:00:00.000Z';
    const base = { kind: 'apply' as const, createdAt: at, updatedAt: at, auditId: null, error: null };
    await store.createJob({ ...base, id: 'apply-1', status: 'running', input: { planId: 'p1' } });
    expect((await store.getJob('apply-1'))?.result).toBeUndefined();
    const result = { planId: 'p1', status: 'applied', actions: [] };
    await store.updateJob('apply-1', { status: 'succeeded', result, updatedAt: at });
    expect((await store.getJob('apply-1'))?.result).toEqual(result);
    expect(await codeOf(store.updateJob('apply-1', { result: { sessionToken: 'x' }, updatedAt: at }))).toBe(
      'INTERNAL',
    );
  });
});

describe('two writers at once', () => {
  it('waits for the other connection’s write lock, and says STORE_BUSY past the busy timeout', async () => {
    const a = await open();
    const b = await open({ busyTimeoutMs: 50 });
    await a.saveAudit(exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'));
    // A third connection holds the write lock (as another process in the middle of a save would).
    const holder = new Database(databasePath(home));
    holder.exec('begin immediate');
    try {
      // WAL: readers are never blocked by a writer.
      expect(await b.listAudits(query())).toHaveLength(1);
      const error = (await b
        .saveAudit(exposedReport('11111111-0000-4000-8000-000000000002', '2026-11-02T10:00:00.000Z'))
        .catch((caught: unknown) => caught)) as CoreError;
      expect(error.code).toBe('STORE_BUSY');
      expect(error.fix).toMatch(/Retry/);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    await b.saveAudit(exposedReport('11111111-0000-4000-8000-000000000002', '2026-11-02T10:00:00.000Z'));
    expect(await a.listAudits(query())).toHaveLength(2);
  });

  it('two processes saving audits and journal entries concurrently lose nothing', async () => {
    const script = fileURLToPath(new URL('../../../test/fixtures/concurrent-writer.mjs', import.meta.url));
    const built = fileURLToPath(new URL('../../../dist/store/sqlite/sqlite-store.js', import.meta.url));
    expect(existsSync(built), 'build @rootwarden/core first (pnpm build)').toBe(true);
    const store = await open();
    await store.savePlan(plan('shared-plan'));
    const count = 40;
    const run = (worker: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [script, home, worker, String(count), 'shared-plan'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run('left'), run('right')]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(await store.listAudits(query({ limit: 1_000 }))).toHaveLength(2 * count);
    const journal = await store.listJournal('shared-plan');
    expect(journal.map((entry) => entry.sequence)).toEqual(
      Array.from({ length: 2 * count }, (_, index) => index + 1),
    );
    expect(new Set(journal.map((entry) => entry.actionId)).size).toBe(2 * count);
  });
});

// A real, small tmpfs: SQLite and the kernel answer a full or read-only disk as they do in production.
describe.skipIf(!CAN_MOUNT)('a full or read-only disk (tmpfs; needs root or CAP_SYS_ADMIN)', () => {
  let disk: SmallFilesystem | undefined;
  afterEach(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    stores = [];
    disk?.remove();
  });

  const bigReport = () =>
    makeReport({
      auditId: '22222222-0000-4000-8000-000000000001',
      startedAt: '2026-11-01T10:00:00.000Z',
      accounts: Array.from({ length: 3_000 }, (_, index) => ({
        accountId: String(100_000_000_000 + index),
        credentials: {
          loginProfile: PASSWORD,
          accessKeys: [accessKey(`AKIA${String(index).padStart(16, '0')}`)],
        },
      })),
    });

  it('a full disk is STORE_UNAVAILABLE naming SQLITE_FULL (not a failed rollback), and the store still works', async () => {
    disk = mountSmallFilesystem(768 * 1024);
    const store = await open({ home: join(disk?.path as string, 'home') });
    const error = (await store.saveAudit(bigReport()).catch((caught: unknown) => caught)) as CoreError;
    expect(error).toBeInstanceOf(CoreError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('SQLITE_FULL');
    expect(error.message).toContain('disk is full');
    expect(error.fix).toContain('--no-save');
    // The failed transaction left nothing half-saved, and the store is still usable.
    expect(await store.listAudits(query())).toEqual([]);
    await store.saveAudit(exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'));
    expect(await store.listAudits(query())).toHaveLength(1);
  });

  it('a home on a read-only disk is STORE_UNAVAILABLE naming EROFS', async () => {
    disk = mountSmallFilesystem(256 * 1024, true);
    const error = (await openSqliteStore({ home: join(disk?.path as string, 'home') }).catch(
      (caught: unknown) => caught,
    )) as CoreError;
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('EROFS');
    expect(error.message).toContain('read-only');
  });

  it('an existing history on a disk remounted read-only: saving says EROFS', async () => {
    disk = mountSmallFilesystem(1024 * 1024);
    const storeHome = join(disk?.path as string, 'home');
    await (await openSqliteStore({ home: storeHome })).close();
    disk?.makeReadOnly();
    const error = await openSqliteStore({ home: storeHome })
      .then(async (store) => {
        stores.push(store);
        return store.saveAudit(
          exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'),
        );
      })
      .then(
        () => undefined,
        (caught: unknown) => caught as CoreError,
      );
    expect(error).toBeInstanceOf(CoreError);
    expect(error?.code).toBe('STORE_UNAVAILABLE');
    expect(error?.message).toContain('EROFS');
  });
});
