import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Scenario } from '../scenarios/schema.js';
import { acquireFileLock, FileLockTimeoutError } from '../util/file-lock.js';
import type { World } from './world.js';

/** Bumped when `World` changes shape: an older file is then replaced by a fresh world (it is a sandbox). */
const FORMAT = 'rootwarden-sandbox-world/1';

/**
 * After the last write of a burst, the state is written and the lock released this much later: a run
 * of mutations (an apply) costs one write, and other processes wait at most this long after it.
 */
const FLUSH_DELAY_MS = 50;

interface SavedWorld {
  format: string;
  scenarioDigest: string;
  world: World;
}

/** The hooks the request dispatcher calls (see dispatch.ts). */
export interface WorldPersistence {
  /** Before any request: adopt what another process saved since (no lock: files are replaced atomically). */
  refresh(): void;
  /** Before a request that changes the world: holds the lock with the newest saved world loaded. */
  beginMutation(): Promise<void>;
  endMutation(): void;
}

/** What a world file changes on its sandbox. */
export interface WorldHolder {
  world: World;
  /** A world freshly built from the scenario (relative dates resolved now). */
  buildWorld(): World;
}

/** A change of the world is any call but a read; STS calls only issue sessions, which live in memory. */
export function isWorldMutation(service: string, operation: string): boolean {
  return service !== 'sts' && !/^(Get|List|Describe|Head)/.test(operation);
}

function scenarioDigest(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

/** Identifies one version of the file: it is only ever replaced by rename, which changes the inode. */
function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

/**
 * One organization kept across processes: the sandbox's world in a file, read when it changed, written
 * after changes (atomically: a temporary file renamed over it) under a lock, so concurrent commands on
 * the same file neither lose an update nor read half a file. Dates are resolved once, when the file is
 * created, so an unchanged sandbox answers the same dates every time.
 */
export class WorldFile implements WorldPersistence {
  /** The version of the file the world in memory comes from ('unread': none yet, so the first look reads it). */
  private stamp = 'unread';
  private release: (() => void) | undefined;
  private acquiring: Promise<void> | undefined;
  private inFlight = 0;
  private dirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly digest: string;
  /**
   * Set when the file could not be read, locked or written (a full or read-only disk, a file in the
   * way): the sandbox then goes on in memory, as without a state file. Keeping state is a convenience;
   * it never costs a command its result.
   */
  failure: Error | undefined;

  private constructor(
    readonly path: string,
    scenario: Scenario,
    private readonly holder: WorldHolder,
  ) {
    this.digest = scenarioDigest(scenario);
  }

  /** Loads the saved world, or saves a new one built from the scenario (a changed scenario starts afresh). */
  static async open(path: string, scenario: Scenario, holder: WorldHolder): Promise<WorldFile> {
    const file = new WorldFile(path, scenario, holder);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      file.fail(error);
      return file;
    }
    await file.beginMutation();
    file.inFlight -= 1; // only a world built afresh is dirty: opening an existing file writes nothing
    file.flush();
    return file;
  }

  refresh(): void {
    if (this.failure || this.release || this.inFlight > 0) return;
    if (stampOf(this.path) !== this.stamp) this.load();
  }

  async beginMutation(): Promise<void> {
    this.inFlight += 1;
    clearTimeout(this.flushTimer);
    if (this.release || this.failure) return;
    try {
      this.acquiring ??= this.acquire().finally(() => {
        this.acquiring = undefined;
      });
      await this.acquiring;
    } catch (error) {
      // Busy for too long: this request fails (ServiceUnavailable), the next one tries again.
      if (error instanceof FileLockTimeoutError) {
        this.inFlight -= 1;
        throw error;
      }
      this.fail(error);
    }
  }

  endMutation(): void {
    this.inFlight -= 1;
    this.dirty = true;
    if (this.inFlight === 0) {
      clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
      this.flushTimer.unref();
    }
  }

  /** Writes what changed and releases the lock (synchronous: no request can interleave). */
  flush(force = false): void {
    clearTimeout(this.flushTimer);
    if (!this.release || (this.inFlight > 0 && !force)) return;
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      if (this.dirty) {
        const saved: SavedWorld = { format: FORMAT, scenarioDigest: this.digest, world: this.holder.world };
        writeFileSync(temporary, serialize(saved));
        renameSync(temporary, this.path);
        this.stamp = stampOf(this.path);
        this.dirty = false;
      }
    } catch (error) {
      rmSync(temporary, { force: true });
      this.fail(error);
    } finally {
      this.releaseLock();
    }
  }

  private releaseLock(): void {
    try {
      this.release?.();
    } catch {
      // a lock directory that cannot be removed is taken over once this process has exited
    }
    this.release = undefined;
  }

  /** Goes on in memory from here (see `failure`). */
  private fail(error: unknown): void {
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.releaseLock();
  }

  /** Saves and lets go (the sandbox is closing). */
  async close(): Promise<void> {
    await this.acquiring?.catch(() => undefined);
    this.flush(true);
  }

  private async acquire(): Promise<void> {
    this.release = await acquireFileLock(`${this.path}.lock`);
    if (stampOf(this.path) !== this.stamp) this.load();
  }

  /** Adopts the saved world; a missing, foreign or unreadable file gives a fresh world from the scenario. */
  private load(): void {
    this.stamp = stampOf(this.path);
    const saved = readSavedWorld(this.path);
    if (saved && saved.format === FORMAT && saved.scenarioDigest === this.digest) {
      this.holder.world = saved.world;
      this.dirty = false;
      return;
    }
    this.holder.world = this.holder.buildWorld();
    this.dirty = true;
  }
}

function readSavedWorld(path: string): SavedWorld | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  try {
    return deserialize(bytes) as SavedWorld;
  } catch {
    return undefined; // not ours, or cut short by a full disk: start afresh
  }
}

/** Forgets a saved sandbox (waiting for a command that is changing it). True when there was one. */
export async function removeWorldFile(path: string): Promise<boolean> {
  let existed = false;
  try {
    statSync(path);
    existed = true;
  } catch {
    // nothing saved; still take the lock so a writer in progress does not recreate it half-way
  }
  mkdirSync(dirname(path), { recursive: true });
  const release = await acquireFileLock(`${path}.lock`);
  try {
    rmSync(path, { force: true });
  } finally {
    release();
  }
  return existed;
}
