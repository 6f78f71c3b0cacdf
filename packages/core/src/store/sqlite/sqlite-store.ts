import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type Migration,
  Migrator,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import { CoreError } from '../../errors.js';
import { databasePath } from '../home.js';
import { KyselyStore, type StoreBackend } from '../kysely-store.js';
import { createMigrationProvider, MIGRATIONS, storeCompatibility } from '../migrations.js';
import type { StoreDatabase } from '../schema.js';
import type { Store } from '../store.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from './busy-timeout.js';
import { mapSqliteError } from './map-sqlite-error.js';

export interface SqliteStoreOptions {
  /** Directory of `rootwarden.db`; created (0700) when missing. */
  home: string;
  /** How long a write waits for another process's lock, in milliseconds. */
  busyTimeoutMs?: number;
  /** Clock for bookkeeping columns (`saved_at`, `updated_at`). */
  now?: () => Date;
  /** Migrations to run (tests use a prefix of the list to build an old database). */
  migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Transactions take the write lock when they start (`BEGIN IMMEDIATE`): a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between, without
 * waiting for busy_timeout (https://sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions).
 */
class ImmediateTransactionDriver extends SqliteDriver {
  readonly #sqlite: Database.Database;
  constructor(config: SqliteDialectConfig & { database: Database.Database }) {
    super(config);
    this.#sqlite = config.database;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  /**
   * After SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY on a write, SQLite may already have rolled the
   * transaction back by itself (https://sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
   * A ROLLBACK then fails ("no transaction is active") and Kysely would throw that failure instead of
   * the real cause: roll back only a transaction that is still open.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

class StoreDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: Database.Database };
  constructor(config: SqliteDialectConfig & { database: Database.Database }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.#config);
  }
}

/** SQLite error codes better-sqlite3 reports for constraint failures (https://sqlite.org/rescode.html). */
function sqliteCode(error: unknown): string {
  return String((error as { code?: unknown })?.code ?? '');
}

function sqliteBackend(file: string): StoreBackend {
  return {
    location: file,
    mapError: (error) => mapSqliteError(error, file),
    isUniqueViolation: (error) =>
      sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
      sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE',
    isForeignKeyViolation: (error) => sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
    lockRowsInTransactions: false,
    tieBreak: 'rowid',
    // SQLite allows 32,766 bound parameters per statement (https://sqlite.org/limits.html#max_variable_number).
    maxRowsPerInsert: 500,
  };
}

/**
 * Creates the database file when it is missing: 0600 (SQLite would use the umask, often 0644), already
 * an SQLite file in WAL mode, built under a temporary name and linked into place (link fails when
 * another process created it first). So `rootwarden.db` is never an empty file of ours, and an empty
 * one is a damaged history (a full disk, a truncated copy), never silently started afresh.
 */
function createDatabaseFile(file: string): void {
  try {
    statSync(file);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const temporary = `${file}.${process.pid}.new`;
  try {
    closeSync(openSync(temporary, 'w', 0o600));
    const fresh = new Database(temporary);
    try {
      fresh.pragma('journal_mode = WAL');
    } finally {
      fresh.close();
    }
    linkSync(temporary, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}-wal`, { force: true });
    rmSync(`${temporary}-shm`, { force: true });
  }
}

const FIX_MOVE_ASIDE_ADVICE =
  'Move the file aside (rootwarden then starts a new, empty history; restore the old one from a backup if you have it) or point ROOTWARDEN_HOME at another directory.';

/**
 * Creates the home directory (0700). A recursive mkdir reports ENOENT for any failure below an
 * existing directory (a read-only mount, no permission): ask the nearest existing ancestor for the
 * real cause (EROFS, EACCES, ENOTDIR), so the user is told what to fix.
 */
async function createHome(home: string): Promise<void> {
  try {
    await mkdir(home, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    let ancestor = dirname(home);
    while (ancestor !== dirname(ancestor) && !existsSync(ancestor)) ancestor = dirname(ancestor);
    let code = 'ENOENT';
    try {
      if (!statSync(ancestor).isDirectory()) code = 'ENOTDIR';
      else accessSync(ancestor, constants.W_OK);
    } catch (probe) {
      code = String((probe as { code?: string }).code ?? code);
    }
    throw Object.assign(new Error(`cannot create ${home} (${code} at ${ancestor})`), { code });
  }
}

/** Every SQLite database file starts with these 16 bytes (https://sqlite.org/fileformat.html#the_database_header). */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * SQLite takes an empty or very short file for a new database and would write a fresh history over it:
 * a file without the SQLite header is refused instead.
 */
function assertSqliteFile(file: string): void {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const descriptor = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(descriptor, header, 0, header.length, 0);
  } finally {
    closeSync(descriptor);
  }
  if (read === header.length && header.equals(SQLITE_MAGIC)) return;
  throw new CoreError(
    'STORE_CORRUPT',
    read === 0
      ? `${file} is not a readable rootwarden database: it is empty (0 bytes), as a full disk or an interrupted copy leaves files.`
      : `${file} is not a readable rootwarden database: it does not start with the SQLite header.`,
    { fix: `${FIX_MOVE_ASIDE_ADVICE} Audits still run with \`--no-save\`.`, details: { file } },
  );
}

async function checkCompatible(db: Kysely<StoreDatabase>, file: string, known: readonly string[]) {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const names = new Set(tables.rows.map((row) => row.name));
  const found = await storeCompatibility(db, names, known);
  if (found.kind === 'foreign') {
    throw new CoreError(
      'STORE_CORRUPT',
      `${file} is an SQLite database, but not rootwarden's (it has tables ${[...names].slice(0, 5).join(', ')}).`,
      { fix: 'Point ROOTWARDEN_HOME at a directory of its own.', details: { file } },
    );
  }
  if (found.kind === 'newer') {
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `${file} was written by a newer rootwarden (database migration ${found.unknownMigrations.join(', ')} is unknown to this version).`,
      {
        fix: 'Upgrade rootwarden, or point ROOTWARDEN_HOME at another directory.',
        details: { file, unknownMigrations: found.unknownMigrations },
      },
    );
  }
}

/**
 * Opens (creating and migrating when needed) the SQLite store at `<home>/rootwarden.db`: WAL mode and a
 * busy timeout, so several rootwarden processes (a CLI audit and the API, two schedulers) share it.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const file = databasePath(options.home);
  const now = options.now ?? (() => new Date());
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const migrations = options.migrations ?? MIGRATIONS;
  let sqlite: Database.Database | undefined;
  let db: Kysely<StoreDatabase> | undefined;
  try {
    await createHome(options.home);
    createDatabaseFile(file);
    assertSqliteFile(file);
    sqlite = new Database(file, { timeout: busyTimeoutMs });
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // WAL: readers never block the writer and the writer never blocks readers (https://sqlite.org/wal.html).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<StoreDatabase>({ dialect: new StoreDialect({ database: sqlite }) });
    await checkCompatible(db, file, Object.keys(migrations));
    const { error } = await new Migrator({
      db,
      provider: createMigrationProvider(migrations),
    }).migrateToLatest();
    if (error) throw error;
  } catch (error) {
    if (db) await db.destroy().catch(() => undefined);
    else sqlite?.close();
    throw mapSqliteError(error, file);
  }
  return new KyselyStore(db, sqliteBackend(file), now);
}
