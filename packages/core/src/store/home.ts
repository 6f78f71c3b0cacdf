import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The database file name inside the rootwarden home directory. */
export const DATABASE_FILE = 'rootwarden.db';

/**
 * The rootwarden home directory: `home` when given, else `$ROOTWARDEN_HOME`, else `~/.rootwarden`.
 * Relative paths resolve against the working directory.
 */
export function resolveHome(home?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = home || env.ROOTWARDEN_HOME || join(homedir(), '.rootwarden');
  return resolve(chosen);
}

export function databasePath(home: string): string {
  return join(home, DATABASE_FILE);
}
