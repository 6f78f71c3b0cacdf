import { openSqliteStore } from './sqlite/open-sqlite-store.js';
import type { Store } from './store.js';
import { parseStoreUrl } from './store-url.js';

export interface OpenStoreOptions {
  /** A `postgres://` URL: the shared PostgreSQL store. Unset: the SQLite file in `home`. */
  url?: string | undefined;
  /** The rootwarden home directory (SQLite's `rootwarden.db`). */
  home: string;
  now?: () => Date;
}

/** Opens the store a door was pointed at: PostgreSQL when given a URL, else the embedded SQLite file. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const now = options.now ?? (() => new Date());
  if (options.url) {
    // Loaded only when asked for: `pg` is not worth its start-up time for the SQLite default.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({ url: parseStoreUrl(options.url), now });
  }
  return openSqliteStore({ home: options.home, now });
}
