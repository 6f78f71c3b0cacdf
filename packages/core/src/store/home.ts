import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

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

/** Where `--sandbox` organizations are kept, one file per scenario (`rootwarden sandbox reset` empties it). */
export function sandboxStateDirectory(home: string): string {
  return join(home, 'sandbox');
}

/** The file extension of a kept sandbox organization. */
export const SANDBOX_STATE_EXTENSION = '.state';

/**
 * The file keeping the organization of `--sandbox SCENARIO`: named after the scenario (`blog.state`,
 * `generated-500-7.state`); a scenario file also gets a digest of its absolute path, so two `org.json`
 * in different folders are two organizations.
 */
export function sandboxStatePath(home: string, scenario: string): string {
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'scenario';
  const isFile = scenario.endsWith('.json') || scenario.trim().startsWith('{');
  const name = isFile
    ? `${slug(basename(scenario, '.json'))}-${createHash('sha256')
        .update(scenario.trim().startsWith('{') ? scenario : resolve(scenario))
        .digest('hex')
        .slice(0, 12)}`
    : slug(scenario);
  return join(sandboxStateDirectory(home), `${name}${SANDBOX_STATE_EXTENSION}`);
}
