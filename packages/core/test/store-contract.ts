import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type AuditReport, AuditReportSchema } from '../src/domain/audit.js';
import { NOTIFICATION_SCHEMA_ID, type Notification } from '../src/domain/guard.js';
import { ListAuditsInputSchema } from '../src/domain/history.js';
import { CoreError } from '../src/errors.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import type { Store, StoredPlan } from '../src/store/store.js';
import { accessKey, makeReport, PASSWORD, VIRTUAL_MFA } from './fixtures.js';

/**
 * One store under test: a fresh, empty database per test (the suite's beforeEach/afterEach call
 * `reset` and `cleanup`), opened as many times as a test asks (several processes share one database).
 */
export interface StoreHarness {
  open(options?: { migrations?: Readonly<Record<string, Migration>> }): Promise<Store>;
  /** Runs SQL on the database directly (what "changed outside rootwarden" means). */
  query<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
  /**
   * Whether two stores in one process may write at once. Not SQLite's: better-sqlite3 is synchronous,
   * so a connection waiting for another's write lock blocks the event loop that would release it (the
   * SQLite tests run their concurrent writers as separate processes instead).
   */
  concurrentInProcess: boolean;
  /** Where a child process finds the same database (`openStore` options). */
  location(): { home: string; url?: string };
}

const query = (input: object = {}) => ListAuditsInputSchema.parse(input);

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return (error as CoreError).code;
  }
  throw new Error('expected a CoreError');
}

export const exposedReport = (auditId: string, startedAt: string, organizationId?: string): AuditReport =>
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

/**
 * What every Store must do, whatever database holds it: run by the SQLite and the PostgreSQL tests.
 * A store method added later gets its test here, so a backend that lacks it shows.
 */
export function describeStoreContract(harness: StoreHarness): void {
  describe('schema', () => {
    it('upgrades a database written by an older version, keeping its audits', async () => {
      const old = await harness.open({
        migrations: Object.fromEntries(Object.entries(MIGRATIONS).slice(0, 1)),
      });
      await old.saveAudit(exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'));
      await old.close();
      const store = await harness.open();
      expect((await store.listAudits(query())).map((audit) => audit.auditId)).toEqual([
        '11111111-0000-4000-8000-000000000001',
      ]);
      await store.savePlan(plan('plan-1'));
      expect((await store.getPlan('plan-1'))?.status).toBe('ready');
      const applied = await harness.query<{ name: string }>(
        'select name from kysely_migration order by name',
      );
      expect(applied.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS));
    });

    it('refuses a database written by a newer version', async () => {
      await (await harness.open()).close();
      await harness.query("insert into kysely_migration (name, timestamp) values ('0099_future', 'x')");
      const error = (await harness.open().catch((caught: unknown) => caught)) as CoreError;
      expect(error).toBeInstanceOf(CoreError);
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/newer rootwarden.*0099_future/);
    });

    it("refuses a database that is someone else's", async () => {
      await harness.query('create table customers (id integer primary key)');
      expect(await codeOf(harness.open())).toBe('STORE_CORRUPT');
    });
  });

  describe('audits', () => {
    it('round-trips a report exactly (same values; keys in schema order)', async () => {
      const store = await harness.open();
      const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
      await store.saveAudit(report);
      const loaded = await store.getAudit(report.auditId);
      expect(loaded).toEqual(report);
      expect(JSON.stringify(loaded)).toBe(JSON.stringify(AuditReportSchema.parse(report)));
    });

    it('stores one row per account with status, findings and observed credential metadata', async () => {
      const store = await harness.open();
      const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
      await store.saveAudit(report);
      const rows = await harness.query<{
        account_id: string;
        status: string;
        findings: string;
        root_credentials: string | null;
      }>('select account_id, status, findings, root_credentials from audit_accounts order by position');
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
      const store = await harness.open();
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
      const stored = JSON.stringify([
        await harness.query('select * from audits'),
        await harness.query('select * from audit_accounts'),
      ]);
      expect(stored).not.toContain('FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
      expect(stored).not.toContain('wJalrXUtnFEMI');
      expect(stored).toContain('AKIAAAAAAAAAAAAAAAA1');
    });

    it('lists newest first, by organization, with a limit, and finds ids by prefix', async () => {
      const store = await harness.open();
      await store.saveAudit(
        exposedReport('aaaa1111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z'),
      );
      await store.saveAudit(
        exposedReport('aaaa2222-0000-4000-8000-000000000002', '2026-11-03T10:00:00.000Z'),
      );
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
      const store = await harness.open();
      const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
      await store.saveAudit(report);
      expect(await codeOf(store.saveAudit(report))).toBe('INVALID_INPUT');
    });

    it('saves a large organization in one transaction', async () => {
      const store = await harness.open();
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
      const store = await harness.open();
      const report = exposedReport('11111111-0000-4000-8000-000000000001', '2026-11-01T10:00:00.000Z');
      await store.saveAudit(report);
      await harness.query(
        "update audit_accounts set findings = '{not json' where account_id = '111111111111'",
      );
      await harness.query('update audits set summary = \'{"accounts": "many"}\'');
      const error = (await store.getAudit(report.auditId).catch((caught: unknown) => caught)) as CoreError;
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.message).toContain(report.auditId);
    });

    it('lists the readable audits when one row is damaged, and reports the damaged one', async () => {
      const store = await harness.open();
      const ids = [
        '11111111-0000-4000-8000-000000000001',
        '11111111-0000-4000-8000-000000000002',
        '11111111-0000-4000-8000-000000000003',
      ];
      for (const [index, id] of ids.entries())
        await store.saveAudit(exposedReport(id, `2026-11-0${index + 1}T10:00:00.000Z`));
      await harness.query(`update audits set summary = '{not json' where id = '${ids[1]}'`);
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

  describe('guard: notifications and break-glass windows', () => {
    const notification: Notification = {
      $schema: NOTIFICATION_SCHEMA_ID,
      id: 'notif-1',
      organizationId: 'o-a1b2c3d4e5',
      auditId: null,
      createdAt: '2026-11-01T10:00:00.000Z',
      threshold: 'high',
      events: [],
    };

    it('records a notification once, and gives a delivery to one sender at a time', async () => {
      const store = await harness.open();
      const channels = [{ channel: 'soar', channelType: 'webhook' as const }];
      await store.recordNotification(notification, channels, notification.createdAt);
      // A restart or another replica records the same notification: kept as it is.
      const again = await store.recordNotification(notification, channels, notification.createdAt);
      expect(again.map((delivery) => `${delivery.channel} ${delivery.status}`)).toEqual(['soar pending']);
      expect((await store.getNotification('notif-1'))?.organizationId).toBe('o-a1b2c3d4e5');
      const claim = (owner: string) => ({
        owner,
        now: '2026-11-01T10:00:01.000Z',
        until: '2026-11-01T10:01:00.000Z',
      });
      expect(await store.claimDelivery('notif-1', 'soar', claim('replica-a'))).toBe(true);
      expect(await store.claimDelivery('notif-1', 'soar', claim('replica-b'))).toBe(false);
      await store.updateDelivery('notif-1', 'soar', {
        status: 'delivered',
        attempts: 1,
        lastError: null,
        updatedAt: '2026-11-01T10:00:02.000Z',
        release: true,
      });
      expect((await store.listDeliveries({ status: 'delivered' })).map((d) => d.notificationId)).toEqual([
        'notif-1',
      ]);
    });

    it('counts the delivery log by channel and status', async () => {
      const store = await harness.open();
      expect(await store.countDeliveries()).toEqual([]);
      const channels = [
        { channel: 'soar', channelType: 'webhook' as const },
        { channel: 'ops', channelType: 'slack' as const },
      ];
      for (const id of ['notif-1', 'notif-2', 'notif-3'])
        await store.recordNotification({ ...notification, id }, channels, notification.createdAt);
      const update = (status: 'delivered' | 'failed') => ({
        status,
        attempts: 3,
        lastError: status === 'failed' ? 'HTTP 503' : null,
        updatedAt: '2026-11-01T10:00:02.000Z',
        release: true,
      });
      await store.updateDelivery('notif-1', 'soar', update('delivered'));
      await store.updateDelivery('notif-2', 'soar', update('delivered'));
      await store.updateDelivery('notif-1', 'ops', update('failed'));
      expect(await store.countDeliveries()).toEqual([
        { channel: 'ops', status: 'failed', count: 1 },
        { channel: 'ops', status: 'pending', count: 2 },
        { channel: 'soar', status: 'delivered', count: 2 },
        { channel: 'soar', status: 'pending', count: 1 },
      ]);
    });

    it('closes a break-glass window once', async () => {
      const store = await harness.open();
      await store.openBreakglassWindow({
        id: 'bg-1',
        accountId: '111111111111',
        organizationId: 'o-a1b2c3d4e5',
        ticket: 'INC-1',
        openedAt: '2026-11-01T10:00:00.000Z',
        until: '2026-11-01T12:00:00.000Z',
        openedBy: 'arn:aws:iam::999999999999:role/admin',
        openedByUser: 'alice',
        planId: 'plan-1',
        closedAt: null,
        closedBy: null,
        cleanupPlanId: null,
        cleanupError: null,
      });
      expect((await store.listBreakglassWindows({ open: true })).map((window) => window.id)).toEqual([
        'bg-1',
      ]);
      const closing = { at: '2026-11-01T11:00:00.000Z', by: 'bob' };
      expect(await store.closeBreakglassWindow('bg-1', closing)).toBe(true);
      expect(await store.closeBreakglassWindow('bg-1', closing)).toBe(false);
      expect(await store.listBreakglassWindows({ open: true })).toEqual([]);
    });
  });

  describe('finding exceptions', () => {
    const exception = (id: string, createdAt: string) => ({
      id,
      accountId: '111111111111',
      findingCode: null,
      reason: 'break-glass account',
      owner: 'platform-team',
      expiresAt: '2027-03-31T23:59:59.999Z',
      createdAt,
      createdBy: 'alice',
      source: 'store' as const,
    });

    it('adds, lists, removes (keeping the history) and refuses a duplicate id', async () => {
      const store = await harness.open();
      await store.addException(exception('exc-1', '2026-11-01T10:00:00.000Z'));
      await store.addException(exception('exc-2', '2026-11-02T10:00:00.000Z'));
      expect(await codeOf(store.addException(exception('exc-1', '2026-11-03T10:00:00.000Z')))).toBe(
        'INVALID_INPUT',
      );
      expect((await store.listExceptions()).map((live) => live.id)).toEqual(['exc-1', 'exc-2']);
      const removed = await store.removeException('exc-1', { at: '2026-11-04T10:00:00.000Z', by: 'bob' });
      expect(removed?.id).toBe('exc-1');
      expect(await store.removeException('exc-1', { at: '2026-11-05T10:00:00.000Z', by: 'bob' })).toBe(
        undefined,
      );
      expect((await store.listExceptions()).map((live) => live.id)).toEqual(['exc-2']);
      expect(
        (await store.listExceptionEvents()).map(
          (event) => `${event.action} ${event.exceptionId} ${event.by}`,
        ),
      ).toEqual(['added exc-1 alice', 'added exc-2 alice', 'removed exc-1 bob']);
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
      const store = await harness.open();
      await store.savePlan(plan('plan-1'));
      expect(await store.getPlan('plan-1')).toEqual(plan('plan-1'));
      await store.setPlanStatus('plan-1', 'applying');
      expect((await store.getPlan('plan-1'))?.status).toBe('applying');
      expect(await store.getPlan('plan-2')).toBeUndefined();
      expect(await codeOf(store.setPlanStatus('plan-2', 'applied'))).toBe('PLAN_NOT_FOUND');
      expect(await codeOf(store.savePlan(plan('plan-1')))).toBe('INVALID_INPUT');
    });

    it('numbers journal entries per plan and refuses entries of an unknown plan', async () => {
      const store = await harness.open();
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
      const store = await harness.open();
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
      const store = await harness.open();
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
      const store = await harness.open();
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
      const store = await harness.open();
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

  describe('job leases (API replicas)', () => {
    const at = (second: number) => `2026-11-01T10:00:${String(second).padStart(2, '0')}.000Z`;
    const queued = (id: string) => ({
      id,
      kind: 'audit' as const,
      status: 'queued' as const,
      createdAt: at(0),
      updatedAt: at(0),
      input: {},
      auditId: null,
      error: null,
    });

    it('one runner takes a queued job; another takes it only once the lease ran out', async () => {
      const store = await harness.open();
      await store.createJob(queued('job-1'));
      const first = await store.claimJob('job-1', { owner: 'replica-a', now: at(1), until: at(10) });
      expect(first?.attempt).toBe(1);
      expect(first?.job.status).toBe('running');
      expect(
        await store.claimJob('job-1', { owner: 'replica-b', now: at(5), until: at(15) }),
      ).toBeUndefined();
      expect(await store.renewJobLeases('replica-a', at(20))).toBe(1);
      expect(await store.listExpiredJobs(at(15))).toEqual([]);
      expect(
        await store.claimJob('job-1', { owner: 'replica-b', now: at(15), until: at(25) }),
      ).toBeUndefined();
      const expired = await store.listExpiredJobs(at(21));
      expect(expired.map((item) => [item.job.id, item.attempts])).toEqual([['job-1', 1]]);
      const second = await store.claimJob('job-1', { owner: 'replica-b', now: at(21), until: at(30) });
      expect(second?.attempt).toBe(2);
      // replica-a lost it: it can neither renew nor write the outcome.
      expect(await store.renewJobLeases('replica-a', at(40))).toBe(0);
      expect(
        await codeOf(
          store.updateJob('job-1', { status: 'succeeded', updatedAt: at(22), leaseOwner: 'replica-a' }),
        ),
      ).toBe('RESOURCE_NOT_FOUND');
      const done = await store.updateJob('job-1', {
        status: 'succeeded',
        updatedAt: at(23),
        leaseOwner: 'replica-b',
      });
      expect(done.status).toBe('succeeded');
      expect(
        await store.claimJob('job-1', { owner: 'replica-c', now: at(59), until: at(59) }),
      ).toBeUndefined();
      expect(await store.listExpiredJobs(at(59))).toEqual([]);
    });

    it('ends an expired job once, and never one whose runner renewed', async () => {
      const store = await harness.open();
      await store.createJob(
        { ...queued('apply-1'), kind: 'apply', status: 'running' },
        { owner: 'replica-a', now: at(0), until: at(10) },
      );
      const interrupted = {
        status: 'interrupted' as const,
        error: { code: 'ABORTED', message: 'The replica running it stopped.' },
      };
      expect(await store.endExpiredJob('apply-1', { ...interrupted, updatedAt: at(5) })).toBe(false);
      expect(await store.renewJobLeases('replica-a', at(20))).toBe(1);
      expect(await store.endExpiredJob('apply-1', { ...interrupted, updatedAt: at(15) })).toBe(false);
      expect(await store.endExpiredJob('apply-1', { ...interrupted, updatedAt: at(21) })).toBe(true);
      expect(await store.endExpiredJob('apply-1', { ...interrupted, updatedAt: at(22) })).toBe(false);
      expect(await store.getJob('apply-1')).toMatchObject(interrupted);
    });
  });

  describe('several processes on one database', () => {
    it('two processes saving audits and journal entries concurrently lose nothing', async () => {
      const script = fileURLToPath(new URL('./fixtures/concurrent-writer.mjs', import.meta.url));
      const built = fileURLToPath(new URL('../dist/store/open-store.js', import.meta.url));
      expect(existsSync(built), 'build @rootwarden/core first (pnpm build)').toBe(true);
      const store = await harness.open();
      await store.savePlan(plan('shared-plan'));
      const count = 40;
      const { home, url } = harness.location();
      const run = (worker: string) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [script, home, worker, String(count), 'shared-plan'], {
            stdio: ['ignore', 'ignore', 'pipe'],
            env: { ...process.env, ROOTWARDEN_STORE_URL: url ?? '' },
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

  describe.runIf(harness.concurrentInProcess)('several writers on one database', () => {
    it('interleaved saves and journal appends from two connections lose nothing', async () => {
      const a = await harness.open();
      const b = await harness.open();
      await a.savePlan(plan('shared-plan'));
      const count = 15;
      const writer = async (store: Store, worker: string) => {
        for (let index = 0; index < count; index += 1) {
          await store.saveAudit(
            exposedReport(
              `${worker}0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
              new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
            ),
          );
          await store.appendJournal({
            planId: 'shared-plan',
            actionId: `${worker}-${index}`,
            phase: 'before',
            outcome: 'pending',
            at: '2026-11-01T10:05:00.000Z',
            detail: { worker },
          });
        }
      };
      await Promise.all([writer(a, 'a'), writer(b, 'b')]);
      expect(await a.listAudits(query({ limit: 1_000 }))).toHaveLength(2 * count);
      const journal = await b.listJournal('shared-plan');
      expect(journal.map((entry) => entry.sequence)).toEqual(
        Array.from({ length: 2 * count }, (_, index) => index + 1),
      );
      expect(new Set(journal.map((entry) => entry.actionId)).size).toBe(2 * count);
    });

    it('grants a plan claim to exactly one of several racing claimants', async () => {
      const stores = await Promise.all([harness.open(), harness.open(), harness.open()]);
      await stores[0]?.savePlan(plan('plan-1'));
      const results = await Promise.all(
        stores.map((store, index) =>
          store.claimPlan('plan-1', {
            owner: `run-${index}`,
            now: '2026-11-01T10:00:00.000Z',
            until: '2026-11-01T10:02:00.000Z',
          }),
        ),
      );
      expect(results.filter((result) => result.claimed)).toHaveLength(1);
    });

    it('gives a queued job to exactly one of several racing runners', async () => {
      const stores = await Promise.all([harness.open(), harness.open(), harness.open()]);
      await stores[0]?.createJob({
        id: 'job-1',
        kind: 'audit',
        status: 'queued',
        createdAt: '2026-11-01T10:00:00.000Z',
        updatedAt: '2026-11-01T10:00:00.000Z',
        input: {},
        auditId: null,
        error: null,
      });
      const results = await Promise.all(
        stores.map((store, index) =>
          store.claimJob('job-1', {
            owner: `replica-${index}`,
            now: '2026-11-01T10:00:01.000Z',
            until: '2026-11-01T10:00:31.000Z',
          }),
        ),
      );
      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    });
  });
}
