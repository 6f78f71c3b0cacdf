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
import { CAN_MOUNT, mountSmallFilesystem, type SmallFilesystem } from '@rootwarden/test-utils';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessKey, makeReport, PASSWORD } from '../../../test/fixtures.js';
import { codeOf, describeStoreContract, exposedReport } from '../../../test/store-contract.js';
import type { AuditReport } from '../../domain/audit.js';
import { ListAuditsInputSchema } from '../../domain/history.js';
import { CoreError } from '../../errors.js';
import { databasePath } from '../home.js';
import { MIGRATIONS } from '../migrations.js';
import type { Store } from '../store.js';
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

describe('files', () => {
  it('never writes a credential-shaped field to the database file or its WAL', async () => {
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
});

describeStoreContract({
  open: (options = {}) => open(options),
  async query<Row>(text: string): Promise<Row[]> {
    mkdirSync(home, { recursive: true });
    const raw = new Database(databasePath(home));
    try {
      const statement = raw.prepare(text);
      if (statement.reader) return statement.all() as Row[];
      statement.run();
      return [];
    } finally {
      raw.close();
    }
  },
  concurrentInProcess: false,
  location: () => ({ home }),
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
