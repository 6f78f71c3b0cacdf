import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { scheduleStoreContract } from '../../../test/schedule-store-contract.js';
import type { Store } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';

let home: string;
let stores: Store[];

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'rootwarden-schedules-')), 'home');
  stores = [];
});
afterEach(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  rmSync(join(home, '..'), { recursive: true, force: true });
});

describe('SQLite store: schedules', () => {
  scheduleStoreContract(async () => {
    const store = await openSqliteStore({ home });
    stores.push(store);
    return store;
  });
});
