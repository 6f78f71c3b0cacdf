import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  POSTGRES_SKIP_REASON,
  queryDatabase,
  TEST_POSTGRES_URL,
} from '../../../test/postgres.js';
import { scheduleStoreContract } from '../../../test/schedule-store-contract.js';
import { codeOf, describeStoreContract } from '../../../test/store-contract.js';
import { CoreError } from '../../errors.js';
import { MIGRATIONS } from '../migrations.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { describeStoreUrl, parseStoreUrl } from '../store-url.js';
import { openPostgresStore } from './postgres-store.js';

describe('store URLs', () => {
  it.each([
    [
      'postgres://rw:s3cret@db.example.com:5432/rootwarden',
      'postgres://rw:***@db.example.com:5432/rootwarden',
    ],
    ['postgresql://db.example.com/rootwarden?sslmode=require', 'postgresql://db.example.com/rootwarden'],
    ['host=db password=s3cret', '(not a URL)'],
  ])('describes %s without its password or parameters', (url, shown) => {
    expect(describeStoreUrl(url)).toBe(shown);
  });

  it.each([
    ['mysql://rw:s3cret@db/rootwarden', /mysql:\/\/rw:\*\*\*@db\/rootwarden is not a PostgreSQL URL/],
    ['host=db password=s3cret', /the value given is not a PostgreSQL URL/],
    ['./history.db', /the value given is not a PostgreSQL URL/],
  ])('refuses %s, naming the fix and never the password', (url, message) => {
    const error = (() => {
      try {
        parseStoreUrl(url);
      } catch (caught) {
        return caught as CoreError;
      }
      throw new Error('expected a CoreError');
    })();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('s3cret');
    expect(error.fix).toMatch(/postgres:\/\//);
  });
});

describe('an unreachable PostgreSQL server', () => {
  it('is STORE_UNAVAILABLE with a fix, without the password', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const error = (await openPostgresStore({ url: 'postgres://rw:s3cret@127.0.0.1:1/rootwarden' }).catch(
      (caught: unknown) => caught,
    )) as CoreError;
    expect(error).toBeInstanceOf(CoreError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('postgres://rw:***@127.0.0.1:1/rootwarden');
    expect(error.message).not.toContain('s3cret');
    expect(error.fix).toMatch(/ROOTWARDEN_STORE_URL/);
  });
});

describe.skipIf(!TEST_POSTGRES_URL)(
  `PostgreSQL store${TEST_POSTGRES_URL ? '' : ` (${POSTGRES_SKIP_REASON})`}`,
  () => {
    let database: { url: string; drop(): Promise<void> };
    let stores: Store[];

    beforeEach(async () => {
      database = await createScratchDatabase();
      stores = [];
    });
    afterEach(async () => {
      for (const store of stores) await store.close().catch(() => undefined);
      await database.drop();
    });

    describeStoreContract({
      async open(options = {}) {
        const store = await openPostgresStore({ url: database.url, ...options });
        stores.push(store);
        return store;
      },
      query: (text) => queryDatabase(database.url, text),
      concurrentInProcess: true,
      location: () => ({ home: '/nonexistent-rootwarden-home', url: database.url }),
    });

    describe('schedules', () => {
      scheduleStoreContract(async () => {
        const store = await openPostgresStore({ url: database.url });
        stores.push(store);
        return store;
      });
    });

    it('is what openStore opens for a postgres:// URL, and says a missing database is unavailable', async () => {
      const store = await openStore({ url: database.url, home: '/nonexistent-rootwarden-home' });
      stores.push(store);
      expect(await store.listAudits({ limit: 1 })).toEqual([]);
      const missing = new URL(database.url);
      missing.pathname = '/rootwarden_no_such_database';
      expect(await codeOf(openStore({ url: missing.toString(), home: '/nonexistent' }))).toBe(
        'STORE_UNAVAILABLE',
      );
    });

    it('replicas starting at once migrate the database once', async () => {
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStore({ url: database.url })),
      );
      stores.push(...opened);
      // Every replica opened (a second run of a migration would have failed its CREATE TABLE), and
      // the database holds each known migration, applied once (names are the table's key).
      const applied = await queryDatabase<{ name: string }>(
        database.url,
        'select name from kysely_migration',
      );
      expect(applied.map((row) => row.name).sort()).toEqual(Object.keys(MIGRATIONS).sort());
      expect(Object.keys(MIGRATIONS).length).toBeGreaterThan(0);
    });
  },
);
