import { once } from 'node:events';
import { constants, openSync, statSync, unlinkSync } from 'node:fs';
import { access, type FileHandle, lstat, open, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Errors } from '@oclif/core';
import { CoreError } from '@rootwarden/core';

/**
 * Where a report goes:
 * - `stdout`: the process's standard output;
 * - `direct`: opened and written in place (character devices such as /dev/null, FIFOs, /dev/stdout and
 *   other /proc/self/fd links): replacing them would destroy a device node or a pipe;
 * - `atomic`: a regular file (new, or existing — then its mode and owner are kept), written to a
 *   temporary file beside it and renamed over it, so a reader never sees half a report. A symlink to a
 *   regular file is written through: its target is replaced, the link stays.
 */
export type OutputTarget =
  | { kind: 'stdout' }
  | { kind: 'direct'; path: string; shown: string }
  | {
      kind: 'atomic';
      path: string;
      shown: string;
      existing?: { mode: number; uid: number; gid: number };
    };

const STDOUT: OutputTarget = { kind: 'stdout' };

/** Links whose target is one of this process's open descriptors (`/dev/stdout` → `/proc/self/fd/1`). */
const DESCRIPTOR_LINK = /^\/(proc\/[^/]+\/fd|dev\/fd)\//;
const OWN_STDOUT_LINK = /^\/(proc\/(self|\d+)\/fd|dev\/fd)\/1$/;
const MAX_LINK_HOPS = 40;

function ownsDescriptorLink(hop: string): boolean {
  const pid = /^\/proc\/(\d+)\//.exec(hop)?.[1];
  return pid === undefined || Number(pid) === process.pid;
}

/** The chain of paths a symlink goes through (the last one is not a link, or the walk stopped). */
async function linkChain(path: string): Promise<string[]> {
  const chain = [path];
  let current = path;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop += 1) {
    const info = await lstat(current).catch(() => undefined);
    if (!info?.isSymbolicLink()) break;
    const target = await readlink(current).catch(() => undefined);
    if (target === undefined) break;
    current = isAbsolute(target) ? target : resolve(dirname(current), target);
    chain.push(current);
  }
  return chain;
}

/**
 * Decides, before any work, how --output will be written, and refuses what cannot be (a clear usage
 * error beats a lost audit): a directory, a dangling symlink, a read-only file, an unwritable directory.
 */
export async function resolveOutputTarget(path: string | undefined): Promise<OutputTarget> {
  if (path === undefined) return STDOUT;
  const file = resolve(path);
  const fail = (why: string, fix = 'Choose a file in an existing, writable directory.') =>
    new CoreError('INVALID_INPUT', `Cannot write --output ${path}: ${why}.`, {
      fix,
      details: { field: 'output' },
    });
  const link = await lstat(file).catch(() => undefined);
  const info = await stat(file).catch(() => undefined);
  if (link?.isSymbolicLink() && !info)
    throw fail('it is a symlink to a missing file', 'Point the link at an existing file, or remove it.');
  if (info?.isDirectory()) throw fail('it is a directory');
  const chain = link?.isSymbolicLink() ? await linkChain(file) : [file];
  // --output /dev/stdout (or /dev/fd/1) is our stdout, whatever it is: a socket cannot be reopened by path.
  if (chain.some((hop) => OWN_STDOUT_LINK.test(hop) && ownsDescriptorLink(hop))) return STDOUT;
  if (info && !info.isFile()) return { kind: 'direct', path: file, shown: path };
  if (chain.some((hop) => DESCRIPTOR_LINK.test(hop))) return { kind: 'direct', path: file, shown: path };

  // A regular file (or a new one): written through any symlink, so the link itself stays.
  const target = chain.at(-1) as string;
  const directory = dirname(target);
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw fail(`directory ${directory} does not exist or is not writable`);
  }
  if (!info) return { kind: 'atomic', path: target, shown: path };
  // Root passes access(W_OK) on any file: the mode bits say whether the owner meant it to be written.
  const readOnly =
    (info.mode & 0o222) === 0 ||
    (await access(target, constants.W_OK).then(
      () => false,
      () => true,
    ));
  if (readOnly)
    throw fail(
      `the file is read-only (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`,
      'Make it writable (chmod u+w) or choose another file.',
    );
  return {
    kind: 'atomic',
    path: target,
    shown: path,
    existing: { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid },
  };
}

/** What an errno means to a user. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENXIO: 'no such device or address',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  EPIPE: 'the reader closed the pipe',
};

/** A report that could not be written: a clear message and exit 1, never a stack trace. */
export class OutputWriteError extends Errors.CLIError {
  readonly errno: string;
  constructor(where: string, cause: unknown) {
    const errno = String((cause as { code?: unknown })?.code ?? 'EIO');
    const why = WRITE_ERRORS[errno] ?? (cause instanceof Error ? cause.message : String(cause));
    super(`Cannot write ${where === 'stdout' ? 'to stdout' : `the report to ${where}`}: ${why} (${errno}).`, {
      exit: 1,
      suggestions: [
        where === 'stdout'
          ? 'Free space on the device stdout goes to, or write the report elsewhere with --output FILE.'
          : 'Free space or fix permissions there, or choose another --output.',
      ],
    });
    this.errno = errno;
  }
}

/** Whether `error` is a failed write of the report (for the adapters' error tables). */
export function isOutputWriteError(error: unknown): error is OutputWriteError {
  return error instanceof OutputWriteError;
}

/**
 * One report being written. `write` never throws: the first failure is kept, later writes are dropped,
 * and `commit` reports it (so a streamed format can write from event callbacks).
 */
export interface OutputSink {
  write(chunk: string): void;
  /** Resolves when the buffered chunks are handed over (backpressure for large reports). */
  drained(): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Direct targets this process is still opening (a FIFO's open for writing waits for a reader). */
const pendingDirectOpens = new Set<string>();

/**
 * Lets the process exit now. Opening a FIFO for writing blocks a libuv worker thread until a reader
 * comes, and Node's exit waits for that thread: a second Ctrl-C would hang. A non-blocking read end of
 * our own completes the pending open (nothing is written: no JavaScript runs after the exit).
 */
export function releasePendingOutputOpens(): void {
  for (const path of pendingDirectOpens) {
    try {
      if (statSync(path).isFIFO()) openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      // Gone or not openable: nothing waits on it.
    }
  }
}

/** Opens a sink on `target` (for an atomic target, a temporary file beside it). */
export async function openOutput(target: OutputTarget): Promise<OutputSink> {
  if (target.kind === 'stdout') return stdoutSink(process.stdout);
  if (target.kind === 'direct') {
    pendingDirectOpens.add(target.path);
    const handle = await open(target.path, 'w')
      .catch((error) => {
        throw new OutputWriteError(target.shown, error);
      })
      .finally(() => pendingDirectOpens.delete(target.path));
    const writer = fileWriter(handle);
    return {
      write: writer.write,
      drained: writer.drained,
      async commit() {
        await writer.finish();
        if (writer.failure() !== undefined) throw new OutputWriteError(target.shown, writer.failure());
      },
      async discard() {
        await writer.finish();
      },
    };
  }
  return atomicSink(target);
}

/** Writes all chunks to `target`: the whole report, or a clear error and nothing half-written. */
export async function writeOutput(chunks: Iterable<string>, target: OutputTarget): Promise<void> {
  const sink = await openOutput(target);
  try {
    for (const chunk of chunks) {
      sink.write(chunk);
      await sink.drained();
    }
    await sink.commit();
  } catch (error) {
    await sink.discard();
    throw error;
  }
}

/** Bytes queued for a file before `drained()` makes the producer wait. */
const HIGH_WATER_MARK = 1024 * 1024;

/**
 * Writes chunks to an open file in order (a promise chain, no stream: a FileHandle stream keeps the
 * handle from closing), keeping the first failure. `finish` waits for every write, then closes.
 */
function fileWriter(handle: FileHandle, beforeClose?: () => Promise<void>) {
  let chain: Promise<void> = Promise.resolve();
  let pending: string[] = [];
  let queued = 0;
  let failure: unknown;
  let readerGone = false;
  let closed = false;
  const writeAll = async (buffer: Buffer) => {
    let offset = 0;
    // A FIFO or a device may take part of a write: go on until all of it is written.
    while (offset < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, offset);
      offset += bytesWritten;
    }
  };
  return {
    write(chunk: string): void {
      if (failure !== undefined || closed) return;
      queued += Buffer.byteLength(chunk, 'utf8');
      pending.push(chunk);
      // A write of the pending chunks is already scheduled: this chunk goes with them.
      if (pending.length > 1) return;
      chain = chain.then(async () => {
        // Everything written since the previous write goes out as one buffer (a streamed report
        // writes thousands of small lines; one write and one buffer each would queue them all).
        const buffer = Buffer.from(pending.join(''), 'utf8');
        pending = [];
        try {
          if (failure === undefined && !readerGone) await writeAll(buffer);
        } catch (error) {
          // A FIFO whose reader stopped reading wants no more: stop quietly, as other Unix tools do.
          if ((error as { code?: string }).code === 'EPIPE') readerGone = true;
          else failure ??= error;
        } finally {
          queued -= buffer.length;
        }
      });
    },
    async drained(): Promise<void> {
      if (queued > HIGH_WATER_MARK) await chain;
    },
    failure: () => failure,
    /** Waits for the queued writes, runs `beforeClose` (when all went well) and closes the file. */
    async finish(): Promise<void> {
      if (closed) return;
      await chain;
      closed = true;
      try {
        if (failure === undefined) await beforeClose?.();
      } catch (error) {
        failure ??= error;
      }
      await handle.close().catch((error: unknown) => {
        failure ??= error;
      });
    },
  };
}

/** stdout: a pipe, a terminal, or (written synchronously) a file or device. */
function stdoutSink(stream: NodeJS.WriteStream): OutputSink {
  let failure: unknown;
  let readerGone = false;
  const fail = (error: unknown) => {
    // A reader that stopped reading (`| head`) wants no more: stop quietly, as other Unix tools do.
    if ((error as { code?: string })?.code === 'EPIPE') readerGone = true;
    else failure ??= error;
  };
  const stopped = () => failure !== undefined || readerGone;
  stream.on('error', fail);
  let blocked = false;
  return {
    write(chunk) {
      if (stopped()) return;
      try {
        // stdout on a file or a device writes synchronously and throws (ENOSPC on /dev/full).
        if (!stream.write(chunk)) blocked = true;
      } catch (error) {
        fail(error);
      }
    },
    async drained() {
      if (!blocked || stopped()) return;
      blocked = false;
      await Promise.race([once(stream, 'drain'), once(stream, 'error')]).catch(() => undefined);
    },
    async commit() {
      // What is still buffered for a pipe is flushed before exit (base-command.ts); a later failure of it
      // is reported by the stdout watcher there.
      stream.off('error', fail);
      if (failure !== undefined) throw new OutputWriteError('stdout', failure);
    },
    async discard() {
      stream.off('error', fail);
    },
  };
}

/** Temporary files of ours not yet renamed: removed if the process exits first (a second Ctrl-C). */
const pendingTemporaryFiles = new Set<string>();
let exitCleanupInstalled = false;
function trackTemporaryFile(path: string): void {
  if (!exitCleanupInstalled) {
    exitCleanupInstalled = true;
    process.once('exit', () => {
      for (const file of pendingTemporaryFiles) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    });
  }
  pendingTemporaryFiles.add(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes `.NAME.PID.tmp` files beside `file` that a rootwarden process killed mid-write (SIGKILL, power
 * loss) left behind: only ours (that exact name pattern, regular files) and only of dead processes.
 */
async function removeStaleTemporaryFiles(file: string): Promise<string[]> {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(file))}\\.(\\d+)\\.tmp$`);
  const directory = dirname(file);
  const names = await readdir(directory).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || (pid !== process.pid && isRunning(pid))) continue;
    const path = join(directory, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

function temporaryPathFor(file: string, pid = process.pid): string {
  return join(dirname(file), `.${basename(file)}.${pid}.tmp`);
}

async function atomicSink(target: Extract<OutputTarget, { kind: 'atomic' }>): Promise<OutputSink> {
  await removeStaleTemporaryFiles(target.path);
  const temporary = temporaryPathFor(target.path);
  let handle: FileHandle | undefined;
  const removeTemporary = async () => {
    await rm(temporary, { force: true }).catch(() => undefined);
    pendingTemporaryFiles.delete(temporary);
  };
  try {
    handle = await open(temporary, 'wx', 0o600);
    trackTemporaryFile(temporary);
    // The report replaces the file: it keeps the file's mode and owner (a new file gets 0644 less umask).
    if (target.existing) {
      if (process.getuid?.() === 0)
        await handle.chown(target.existing.uid, target.existing.gid).catch(() => undefined);
      await handle.chmod(target.existing.mode);
    } else {
      const umask = process.umask();
      await handle.chmod(0o644 & ~umask);
    }
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await removeTemporary();
    throw new OutputWriteError(target.shown, error);
  }
  const file = handle;
  // On disk before the rename makes it the report (a crash never leaves an empty file under the name).
  const writer = fileWriter(file, () => file.sync());
  return {
    write: writer.write,
    drained: writer.drained,
    async commit() {
      await writer.finish();
      try {
        if (writer.failure() !== undefined) throw writer.failure();
        await rename(temporary, target.path);
        pendingTemporaryFiles.delete(temporary);
      } catch (error) {
        await removeTemporary();
        throw new OutputWriteError(target.shown, error);
      }
    },
    async discard() {
      await writer.finish();
      await removeTemporary();
    },
  };
}
