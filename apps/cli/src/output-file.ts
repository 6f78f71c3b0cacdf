import { once } from 'node:events';
import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CoreError } from '@rootwarden/core';

/** Checks, before any work, that --output can be written: a clear usage error beats a lost audit. */
export async function assertWritable(path: string): Promise<string> {
  const file = resolve(path);
  const directory = dirname(file);
  const fail = (why: string) =>
    new CoreError('INVALID_INPUT', `Cannot write --output ${path}: ${why}.`, {
      fix: 'Choose a file in an existing, writable directory.',
      details: { field: 'output' },
    });
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw fail('it is a directory');
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw fail(`directory ${directory} does not exist or is not writable`);
  }
  if (info) await access(file, constants.W_OK).catch(() => Promise.reject(fail('the file is not writable')));
  return file;
}

function temporaryPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
}

/** Writes chunks to a stream, waiting whenever its buffer is full (a large report never piles up in memory). */
async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
}

/** Writes rendered output to `file` (atomically: all or nothing) or, without a file, to stdout. */
export async function writeOutput(chunks: Iterable<string>, file: string | undefined): Promise<void> {
  if (!file) return writeChunks(process.stdout, chunks);
  const sink = openAtomicStream(file);
  try {
    await writeChunks(sink.stream, chunks);
    await sink.commit();
  } catch (error) {
    await sink.discard();
    throw error;
  }
}

/** A stream to a temporary file that becomes `file` on commit (for --format jsonl --output). */
export function openAtomicStream(file: string): {
  stream: WriteStream;
  commit(): Promise<void>;
  discard(): Promise<void>;
} {
  const temporary = temporaryPath(file);
  const stream = createWriteStream(temporary, { mode: 0o644 });
  const closed = () =>
    new Promise<void>((done, fail) => stream.end((error?: Error | null) => (error ? fail(error) : done())));
  return {
    stream,
    async commit() {
      await closed();
      await rename(temporary, file);
    },
    async discard() {
      await closed().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}
