import type { Store } from '../store.js';
import type { SqliteStoreOptions } from './sqlite-store.js';

/**
 * Opens the SQLite store. Kysely and better-sqlite3 (about 260 modules, ~16 MB at start-up) load only
 * then: a command that keeps no history (`audit --no-save`, `org status`…) starts faster and smaller.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const sqlite = await import('./sqlite-store.js');
  return sqlite.openSqliteStore(options);
}
