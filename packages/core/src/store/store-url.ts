import { CoreError } from '../errors.js';

/** The URL schemes of a PostgreSQL store (those libpq and node-postgres accept). */
const POSTGRES_SCHEMES = new Set(['postgres:', 'postgresql:']);

export function isPostgresUrl(value: string): boolean {
  try {
    return POSTGRES_SCHEMES.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Checks a `--store` / `ROOTWARDEN_STORE_URL` value: a `postgres://` (or `postgresql://`) URL. The
 * message never repeats a password the value may hold.
 */
export function parseStoreUrl(value: string, field = 'store'): string {
  if (isPostgresUrl(value)) return value;
  throw new CoreError(
    'INVALID_INPUT',
    `${field}: ${isUrl(value) ? `${describeStoreUrl(value)} is` : 'the value given is'} not a PostgreSQL URL.`,
    {
      fix: 'Give postgres://USER:PASSWORD@HOST:PORT/DATABASE (ROOTWARDEN_STORE_URL or --store), or leave it unset to keep history in the local SQLite file (ROOTWARDEN_HOME).',
      details: { field },
    },
  );
}

/** The URL without its password (for messages and logs). */
export function describeStoreUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    // Not a URL (perhaps `host=… password=…`): never repeat it.
    return '(not a URL)';
  }
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
