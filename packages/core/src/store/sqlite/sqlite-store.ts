import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
import { createMigrationProvider, MIGRATIONS } from '../migrations.js';
import type { StoreDatabase } from '../schema.js';
import type { Store } from '../store.js';
import { mapSqliteError } from './map-sqlite-error.js';

/** How long a write waits for another process's write lock before STORE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

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
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class StoreDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
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

export function sqliteBackend(file: string): StoreBackend {
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

/** Creates the database file 0600 before SQLite does (SQLite would use the umask, often 0644). */
function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
}

async function checkCompatible(db: Kysely<StoreDatabase>, file: string, known: readonly string[]) {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const names = new Set(tables.rows.map((row) => row.name));
  if (names.size === 0) return;
  if (!names.has('kysely_migration')) {
    throw new CoreError(
      'STORE_CORRUPT',
      `${file} is an SQLite database, but not rootwarden's (it has tables ${[...names].slice(0, 5).join(', ')}).`,
      { fix: 'Point ROOTWARDEN_HOME at a directory of its own.', details: { file } },
    );
  }
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const unknown = applied.rows.map((row) => row.name).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `${file} was written by a newer rootwarden (database migration ${unknown.join(', ')} is unknown to this version).`,
      {
        fix: 'Upgrade rootwarden, or point ROOTWARDEN_HOME at another directory.',
        details: { file, unknownMigrations: unknown },
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
    await mkdir(options.home, { recursive: true, mode: 0o700 });
    createPrivateFile(file);
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
