import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { CoreError, isCoreError } from '../../errors.js';

const FIX_MOVE_ASIDE =
  'Move the file aside (rootwarden then creates a new, empty history) or point ROOTWARDEN_HOME at another directory.';

/** What a file system or SQLite failure means, for the message (the code itself is shown too). */
const CAUSES: Record<string, string> = {
  SQLITE_FULL: 'the disk is full',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a part of the path exists and is not a directory',
  EISDIR: 'the database path is a directory',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the database cannot be opened',
  SQLITE_PERM: 'permission denied',
  SQLITE_IOERR: 'an input/output error',
};

/**
 * What a file system error code (`EROFS`, `ENOTDIR`, `EACCES`…) means in words; undefined for codes
 * that are not about a file the user can fix (and for SQLite's own codes).
 */
export function fileSystemCause(code: string | undefined): string | undefined {
  return code?.startsWith('E') ? CAUSES[code] : undefined;
}

function causeOf(code: string): string | undefined {
  return CAUSES[code] ?? CAUSES[code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1')];
}

/**
 * SQLite says SQLITE_CANTOPEN or SQLITE_READONLY without the OS reason: ask the OS whether the
 * directory is writable, which names it (EROFS for a read-only mount, EACCES for permissions).
 */
function probeDirectory(file: string): string | undefined {
  try {
    accessSync(dirname(file), constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
}

/**
 * Maps a better-sqlite3 / file system failure to a CoreError, once, by its code (never by message):
 * users see what is wrong with which file, its code (SQLITE_FULL, EROFS, EACCES…) and what to do,
 * never a stack trace.
 */
export function mapSqliteError(error: unknown, file: string): CoreError {
  if (isCoreError(error)) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const reason = error instanceof Error ? error.message : String(error);
  const details = { file, sqliteCode: code || undefined };
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new CoreError(
      'STORE_CORRUPT',
      `${file} is not a readable rootwarden database (${code}: ${reason}).`,
      { fix: FIX_MOVE_ASIDE, details, cause: error },
    );
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED')) {
    return new CoreError(
      'STORE_BUSY',
      `${file} stayed locked by another rootwarden process longer than the busy timeout (${code}).`,
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
    code === 'EDQUOT' ||
    code === 'EISDIR'
  ) {
    const osCode = code.startsWith('SQLITE_') && code !== 'SQLITE_FULL' ? probeDirectory(file) : undefined;
    const shown = osCode ?? code;
    const cause = causeOf(shown) ?? reason;
    return new CoreError(
      'STORE_UNAVAILABLE',
      `Cannot open or write the rootwarden database ${file}: ${cause} (${osCode ? `${osCode}, ${code}` : code}: ${reason}).`,
      {
        fix: 'Make ROOTWARDEN_HOME a writable directory with free space (default ~/.rootwarden), or skip saving with `rootwarden audit --no-save`.',
        details: { ...details, ...(osCode ? { osCode } : {}) },
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
  return new CoreError('INTERNAL', `Unexpected database error on ${file}: ${code || 'no code'}: ${reason}`, {
    details,
    cause: error,
  });
}
