import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a character device node `path` (mknod, root or CAP_MKNOD only): (1,3) behaves like /dev/null,
 * (1,7) like /dev/full (every write fails with ENOSPC). Made in a temporary directory, so no test ever
 * touches the machine's own /dev. False where the node cannot be made (the test is then skipped).
 */
export function makeCharacterDevice(path: string, major: number, minor: number): boolean {
  return spawnSync('mknod', [path, 'c', String(major), String(minor)], { stdio: 'ignore' }).status === 0;
}

export function makeFifo(path: string): boolean {
  return spawnSync('mkfifo', [path], { stdio: 'ignore' }).status === 0;
}

/** Whether this machine lets tests make device nodes (checked once, in a temporary directory). */
export const CAN_MKNOD = (() => {
  const directory = mkdtempSync(join(tmpdir(), 'rootwarden-mknod-'));
  try {
    return makeCharacterDevice(join(directory, 'probe'), 1, 3);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
})();

export interface SmallFilesystem {
  path: string;
  /** Unmounts (lazily: works even while a file is still open) and removes the directory. */
  remove(): void;
}

/**
 * A tmpfs of `bytes` mounted in a fresh temporary directory (Linux, root or CAP_SYS_ADMIN; undefined
 * elsewhere): the kernel answers ENOSPC and EROFS itself, which no wrapper could fake faithfully.
 */
export function mountSmallFilesystem(bytes: number, readOnly = false): SmallFilesystem | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const path = mkdtempSync(join(tmpdir(), 'rootwarden-small-fs-'));
  const options = `size=${bytes},mode=0755${readOnly ? ',ro' : ''}`;
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' }).status !== 0) {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  return {
    path,
    remove() {
      spawnSync('umount', ['-l', path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export const CAN_MOUNT = (() => {
  const probe = mountSmallFilesystem(64 * 1024);
  probe?.remove();
  return probe !== undefined;
})();
