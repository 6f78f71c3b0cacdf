import { CoreError, isCoreError } from '../../errors.js';

const FIX_MOVE_ASIDE =
  'Move the file aside (rootwarden then creates a new, empty history) or point ROOTWARDEN_HOME at another directory.';

/**
 * Maps a better-sqlite3 / file system failure to a CoreError, once, by its code (never by message):
 * users see what is wrong with which file and what to do, never a stack trace.
 */
export function mapSqliteError(error: unknown, file: string): CoreError {
  if (isCoreError(error)) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const reason = error instanceof Error ? error.message : String(error);
  const details = { file, sqliteCode: code || undefined };
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new CoreError('STORE_CORRUPT', `${file} is not a readable rootwarden database (${reason}).`, {
      fix: FIX_MOVE_ASIDE,
      details,
      cause: error,
    });
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED')) {
    return new CoreError(
      'STORE_BUSY',
      `${file} stayed locked by another rootwarden process longer than the busy timeout.`,
      { fix: 'Retry when the other rootwarden command has finished.', details, cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_FULL' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'ENOTDIR' ||
    code === 'EEXIST' ||
    code === 'EROFS' ||
    code === 'ENOSPC' ||
    code === 'EISDIR'
  ) {
    return new CoreError(
      'STORE_UNAVAILABLE',
      `Cannot open or write the rootwarden database ${file} (${reason}).`,
      {
        fix: 'Make ROOTWARDEN_HOME a writable directory (default ~/.rootwarden), or skip saving with `rootwarden audit --no-save`.',
        details,
        cause: error,
      },
    );
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new CoreError('INVALID_INPUT', `The database refused the write: ${reason}.`, {
      details,
      cause: error,
    });
  }
  return new CoreError('INTERNAL', `Unexpected database error on ${file}: ${reason}`, {
    details,
    cause: error,
  });
}
