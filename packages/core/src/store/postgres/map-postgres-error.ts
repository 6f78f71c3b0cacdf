import { CoreError, isCoreError } from '../../errors.js';

const FIX_UNREACHABLE =
  'Check the --store / ROOTWARDEN_STORE_URL URL (host, port, database, user), that PostgreSQL is running and accepts this client, or drop --store to use the local SQLite history.';

// SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const UNAVAILABLE_CODES = new Set([
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '53100', // disk_full
  '42501', // insufficient_privilege
  '25006', // read_only_sql_transaction (a standby)
]);
const BUSY_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled (statement_timeout)
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

export function postgresCode(error: unknown): string {
  return String((error as { code?: unknown })?.code ?? '');
}

/**
 * Maps a node-postgres failure to a CoreError, once, by its SQLSTATE or socket code (never by message):
 * users see which database and what to do, never a stack trace. `location` never holds a password.
 */
export function mapPostgresError(error: unknown, location: string): CoreError {
  if (isCoreError(error)) return error;
  const code = postgresCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  const details = { store: location, sqlState: code || undefined };
  if (
    UNAVAILABLE_CODES.has(code) ||
    NETWORK_CODES.has(code) ||
    code.startsWith('08') ||
    // node-postgres rejects queries on a pool it has ended, and connection timeouts, without a code.
    (code === '' && /connection|terminated|timeout/i.test((error as Error)?.name ?? ''))
  ) {
    return new CoreError('STORE_UNAVAILABLE', `Cannot use the PostgreSQL store ${location} (${reason}).`, {
      fix: FIX_UNREACHABLE,
      details,
      cause: error,
    });
  }
  if (BUSY_CODES.has(code)) {
    return new CoreError('STORE_BUSY', `The PostgreSQL store ${location} was busy (${reason}).`, {
      fix: 'Retry when the other rootwarden process has finished.',
      details,
      cause: error,
    });
  }
  if (code.startsWith('23') || code.startsWith('22')) {
    return new CoreError('INVALID_INPUT', `The database refused the write: ${reason}.`, {
      details,
      cause: error,
    });
  }
  if (code === '42P01' || code === '42703') {
    return new CoreError(
      'STORE_CORRUPT',
      `The PostgreSQL store ${location} lacks a table or column rootwarden needs (${reason}).`,
      {
        fix: 'The schema was changed outside rootwarden. Point --store at a database (or schema) of its own.',
        details,
        cause: error,
      },
    );
  }
  return new CoreError('INTERNAL', `Unexpected database error on ${location}: ${reason}`, {
    details,
    cause: error,
  });
}
