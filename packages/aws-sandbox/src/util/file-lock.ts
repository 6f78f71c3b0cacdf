import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** How long a lock may sit without an owner file before it counts as abandoned (a crash right after mkdir). */
const OWNERLESS_STALE_MS = 5_000;

export class FileLockTimeoutError extends Error {
  constructor(
    readonly path: string,
    readonly owner: string,
  ) {
    super(`the sandbox state is locked by ${owner} (${path}); try again when it has finished`);
    this.name = 'FileLockTimeoutError';
  }
}

interface Owner {
  pid: number;
  host: string;
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(`${path}/owner.json`, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose owner died (same host, no such process) or that never got an owner file. */
function isAbandoned(path: string): boolean {
  const owner = readOwner(path);
  if (owner) return owner.host === hostname() && !isAlive(owner.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > OWNERLESS_STALE_MS;
  } catch {
    return false; // gone meanwhile: the next mkdir decides
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An exclusive lock between processes on one machine: a directory made with mkdir (atomic on every
 * local file system), holding the owner's pid. A lock whose process died is taken over, so a killed
 * command never blocks the next one. Returns the (synchronous) release.
 */
export async function acquireFileLock(path: string, timeoutMs = 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    let made = false;
    try {
      mkdirSync(path);
      made = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (made) {
      try {
        writeFileSync(`${path}/owner.json`, JSON.stringify({ pid: process.pid, host: hostname() }));
      } catch (error) {
        rmSync(path, { recursive: true, force: true }); // a full disk: give the lock back, then fail
        throw error;
      }
      return () => rmSync(path, { recursive: true, force: true });
    }
    if (isAbandoned(path)) {
      // Renamed away first: of two processes taking over the same abandoned lock, only one succeeds.
      const aside = `${path}.abandoned-${process.pid}-${attempt}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // someone else took it over; compete again
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const owner = readOwner(path);
      throw new FileLockTimeoutError(path, owner ? `process ${owner.pid}` : 'another process');
    }
    await sleep(Math.min(10 * 2 ** Math.min(attempt, 4), 100));
  }
}
