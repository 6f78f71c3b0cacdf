import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessKey, makeReport, PASSWORD } from '../test/fixtures.js';
import type { AuditReport } from './domain/audit.js';
import { createEngine, type Engine, type EngineOptions } from './engine.js';
import { CoreError } from './errors.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';

let root: string;
let home: string;
let engines: Engine[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rootwarden-engine-'));
  home = join(root, 'home');
  engines = [];
});
afterEach(async () => {
  for (const engine of engines) await engine.close();
  rmSync(root, { recursive: true, force: true });
});

function engine(options: EngineOptions = {}): Engine {
  const created = createEngine({ home, ...options });
  engines.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<CoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}

const OLD = 'aaaa0001-0000-4000-8000-000000000001';
const MID = 'aaaa0002-0000-4000-8000-000000000002';
const NEW = 'bbbb0003-0000-4000-8000-000000000003';
const OTHER_ORG = 'cccc0004-0000-4000-8000-000000000004';

async function seed(reports: AuditReport[]): Promise<void> {
  const store = await openSqliteStore({ home });
  for (const report of reports) await store.saveAudit(report);
  await store.close();
}

const history = (): AuditReport[] => [
  makeReport({
    auditId: OLD,
    startedAt: '2026-11-01T10:00:00.000Z',
    accounts: [{ accountId: '111111111111', credentials: {} }],
  }),
  makeReport({
    auditId: OTHER_ORG,
    organizationId: 'o-zzzzzzzzzz',
    startedAt: '2026-11-01T12:00:00.000Z',
    accounts: [],
  }),
  makeReport({
    auditId: MID,
    startedAt: '2026-11-02T10:00:00.000Z',
    accounts: [{ accountId: '111111111111', credentials: { loginProfile: PASSWORD } }],
  }),
  makeReport({
    auditId: NEW,
    startedAt: '2026-11-03T10:00:00.000Z',
    accounts: [
      {
        accountId: '111111111111',
        credentials: { loginProfile: PASSWORD, accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1')] },
      },
    ],
  }),
];

describe('engine history', () => {
  it('opens the database only when a method needs it', async () => {
    const idle = engine();
    await idle.close();
    expect(existsSync(home)).toBe(false);
    expect(await engine().listAudits()).toEqual([]);
    expect(existsSync(join(home, 'rootwarden.db'))).toBe(true);
  });

  it('uses ROOTWARDEN_HOME when no home is given', async () => {
    const previous = process.env.ROOTWARDEN_HOME;
    process.env.ROOTWARDEN_HOME = join(root, 'from-env');
    try {
      const fromEnv = createEngine();
      engines.push(fromEnv);
      await fromEnv.listAudits();
      expect(existsSync(join(root, 'from-env', 'rootwarden.db'))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.ROOTWARDEN_HOME;
      else process.env.ROOTWARDEN_HOME = previous;
    }
  });

  it('lists, filters and gets audits by id or unique prefix', async () => {
    await seed(history());
    const subject = engine();
    expect((await subject.listAudits()).map((audit) => audit.auditId)).toEqual([NEW, MID, OTHER_ORG, OLD]);
    expect(
      (await subject.listAudits({ organizationId: 'o-zzzzzzzzzz' })).map((audit) => audit.auditId),
    ).toEqual([OTHER_ORG]);
    expect((await subject.listAudits({ limit: 1 })).map((audit) => audit.auditId)).toEqual([NEW]);
    expect((await subject.getAudit(MID)).auditId).toBe(MID);
    expect((await subject.getAudit('BBBB0003')).auditId).toBe(NEW);
  });

  it('gives clear errors for unknown, malformed and ambiguous ids', async () => {
    await seed(history());
    const subject = engine();
    const unknown = await failure(subject.getAudit('dddd0000-0000-4000-8000-000000000000'));
    expect(unknown.code).toBe('AUDIT_NOT_FOUND');
    expect(unknown.fix).toContain('rootwarden audits list');
    const malformed = await failure(subject.getAudit('not-an-id!'));
    expect(malformed.code).toBe('INVALID_INPUT');
    expect(malformed.message).toMatch(/^id: must be an audit id/);
    const ambiguous = await failure(subject.getAudit('aaaa'));
    expect(ambiguous.code).toBe('INVALID_INPUT');
    expect(ambiguous.message).toMatch(/matches several saved audits/);
    expect((await failure(subject.listAudits({ organizationId: 'org' }))).code).toBe('INVALID_INPUT');
  });

  it('diffs the last two audits of the organization audited last by default', async () => {
    await seed(history());
    const diff = await engine().diffAudits();
    expect([diff.before.auditId, diff.after.auditId]).toEqual([MID, NEW]);
    expect(diff.drift).toBe(true);
    expect(diff.accounts[0]?.credentials).toEqual([
      { kind: 'access-key', id: 'AKIAAAAAAAAAAAAAAAA1', change: 'appeared', from: null, to: 'Active' },
    ]);
  });

  it('diffs one audit against its organization’s latest, or two given audits', async () => {
    await seed(history());
    const subject = engine();
    const againstLatest = await subject.diffAudits('aaaa0001');
    expect([againstLatest.before.auditId, againstLatest.after.auditId]).toEqual([OLD, NEW]);
    const given = await subject.diffAudits(OLD, MID);
    expect(given.summary.statusChanges).toBe(1);
    expect((await failure(subject.diffAudits(NEW))).message).toMatch(/latest saved audit/);
    const otherOrg = await failure(subject.diffAudits(OLD, OTHER_ORG));
    expect(otherOrg.code).toBe('INVALID_INPUT');
    expect(otherOrg.message).toMatch(/same organization/);
    expect((await failure(subject.diffAudits(OLD, 'eeee0000'))).code).toBe('AUDIT_NOT_FOUND');
    expect((await failure(subject.diffAudits(undefined, NEW))).code).toBe('INVALID_INPUT');
  });

  it('needs two audits of one organization to diff', async () => {
    const subject = engine();
    expect((await failure(subject.diffAudits())).message).toMatch(/No saved audits yet/);
    await seed(history().slice(0, 2));
    const second = engine();
    const error = await failure(second.diffAudits());
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/Only one saved audit of organization o-zzzzzzzzzz/);
  });

  it('keeps no history with store: false', async () => {
    const subject = engine({ store: false });
    expect((await failure(subject.listAudits())).code).toBe('STORE_UNAVAILABLE');
    expect(existsSync(home)).toBe(false);
  });

  it('reports an unusable home or database file clearly', async () => {
    writeFileSync(join(root, 'a-file'), 'x');
    const unwritable = engine({ home: join(root, 'a-file', 'home') });
    expect((await failure(unwritable.listAudits())).code).toBe('STORE_UNAVAILABLE');
    mkdirSync(home);
    writeFileSync(join(home, 'rootwarden.db'), 'garbage'.repeat(1000));
    expect((await failure(engine().getAudit(OLD))).code).toBe('STORE_CORRUPT');
  });
});

describe('engine.audit and the history', () => {
  // The SDK's transport seam answers every call with AccessDenied: enough to see whether the engine
  // touched the store before (or instead of) AWS, without the sandbox.
  function deniedAws(calls: { count: number }): EngineOptions {
    const body =
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error><RequestId>r-1</RequestId></ErrorResponse>';
    return {
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      requestHandler: {
        handle: async () => {
          calls.count += 1;
          return {
            response: {
              statusCode: 403,
              reason: 'Forbidden',
              headers: { 'content-type': 'text/xml' },
              body: Readable.from([Buffer.from(body)]),
            },
          };
        },
      } as unknown as NonNullable<EngineOptions['requestHandler']>,
    };
  }

  it('opens the database before any AWS call, so an unusable one fails fast', async () => {
    writeFileSync(join(root, 'a-file'), 'x');
    const calls = { count: 0 };
    const subject = engine({ ...deniedAws(calls), home: join(root, 'a-file', 'home') });
    expect((await failure(subject.audit())).code).toBe('STORE_UNAVAILABLE');
    expect(calls.count).toBe(0);
  });

  it('never touches the database with save: false', async () => {
    writeFileSync(join(root, 'a-file'), 'x');
    const calls = { count: 0 };
    const subject = engine({ ...deniedAws(calls), home: join(root, 'a-file', 'home') });
    const error = await failure(subject.audit({}, { save: false }));
    expect(error.code).not.toMatch(/^STORE_/);
    expect(calls.count).toBeGreaterThan(0);
  });
});
