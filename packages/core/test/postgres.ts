import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests may use: `ROOTWARDEN_TEST_PG_URL` (CI's `.ci/run` starts one and sets it).
 * Without it the PostgreSQL tests are skipped, saying why; CI fails if it could not start the server.
 */
export const TEST_POSTGRES_URL = process.env.ROOTWARDEN_TEST_PG_URL || undefined;
export const POSTGRES_SKIP_REASON =
  'ROOTWARDEN_TEST_PG_URL is not set: PostgreSQL store tests skipped (bash .ci/run starts a server and runs them)';

if (!TEST_POSTGRES_URL) console.warn(POSTGRES_SKIP_REASON);

/** A fresh, empty database on the test server; `drop()` removes it (and ends its sessions). */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_POSTGRES_URL) throw new Error(POSTGRES_SKIP_REASON);
  const name = `rootwarden_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs SQL on a database directly (what "changed outside rootwarden" means in tests). */
export async function queryDatabase<Row = Record<string, unknown>>(
  url: string,
  text: string,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}
