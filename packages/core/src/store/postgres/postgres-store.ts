import { Kysely, type Migration, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { CoreError } from '../../errors.js';
import { KyselyStore, type StoreBackend } from '../kysely-store.js';
import { createMigrationProvider, MIGRATIONS, storeCompatibility } from '../migrations.js';
import type { StoreDatabase } from '../schema.js';
import type { Store } from '../store.js';
import { describeStoreUrl } from '../store-url.js';
import { mapPostgresError, postgresCode } from './map-postgres-error.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database?…` (libpq-style parameters node-postgres understands). */
  url: string;
  /** Clock for bookkeeping columns (`saved_at`, `updated_at`). */
  now?: () => Date;
  /** Connections kept open (default 10). */
  maxConnections?: number;
  /** Migrations to run (tests use a prefix of the list to build an old database). */
  migrations?: Readonly<Record<string, Migration>>;
}

/** A fixed key for `pg_advisory_lock`: replicas starting at once migrate one after the other. */
const MIGRATION_LOCK_KEY = 0x726f6f74; // "root"

const INT8_OID = 20;

/**
 * A pool whose bigint columns (epoch milliseconds, counts) read as numbers: node-postgres returns int8
 * as a string because it can exceed 2^53 (https://node-postgres.com/features/types), which ours never do.
 * Set per pool, never on the process-wide `pg.types`.
 */
function createPool(url: string, max = 10): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
}

function postgresBackend(location: string): StoreBackend {
  return {
    location,
    mapError: (error) => mapPostgresError(error, location),
    // unique_violation, foreign_key_violation (https://www.postgresql.org/docs/current/errcodes-appendix.html)
    isUniqueViolation: (error) => postgresCode(error) === '23505',
    isForeignKeyViolation: (error) => postgresCode(error) === '23503',
    lockRowsInTransactions: true,
    tieBreak: 'id',
    // 65,535 bind parameters per statement (the protocol's Int16 count); 9 columns per account row.
    maxRowsPerInsert: 1_000,
  };
}

async function checkCompatible(db: Kysely<StoreDatabase>, location: string, known: readonly string[]) {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  const names = new Set(tables.rows.map((row) => row.name));
  const found = await storeCompatibility(db, names, known);
  if (found.kind === 'foreign') {
    throw new CoreError(
      'STORE_CORRUPT',
      `${location} is a PostgreSQL database, but its schema is not rootwarden's (it has tables ${[...names].slice(0, 5).join(', ')}).`,
      {
        fix: 'Give rootwarden a database of its own, or a schema of its own (add `?options=-c%20search_path%3Drootwarden` to the URL after `create schema rootwarden`).',
        details: { store: location },
      },
    );
  }
  if (found.kind === 'newer') {
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `${location} was written by a newer rootwarden (database migration ${found.unknownMigrations.join(', ')} is unknown to this version).`,
      {
        fix: 'Upgrade every rootwarden that uses this database to the same version.',
        details: { store: location, unknownMigrations: found.unknownMigrations },
      },
    );
  }
}

/**
 * Opens the PostgreSQL store, creating and migrating its tables when needed (the same Kysely migrations
 * as SQLite). Several processes (API replicas, CLI runs in CI) share it: migrations run under an advisory
 * lock, read-then-write transactions lock their rows.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const location = describeStoreUrl(options.url);
  const now = options.now ?? (() => new Date());
  const migrations = options.migrations ?? MIGRATIONS;
  const pool = createPool(options.url, options.maxConnections);
  // An idle client that loses its server emits 'error' on the pool; without a listener Node exits.
  pool.on('error', () => undefined);
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
      try {
        await checkCompatible(connection, location, Object.keys(migrations));
        const { error } = await new Migrator({
          db: connection,
          provider: createMigrationProvider(migrations),
        }).migrateToLatest();
        if (error) throw error;
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
      }
    });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw mapPostgresError(error, location);
  }
  return new KyselyStore(db, postgresBackend(location), now);
}
