import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the system's temporary directory (tests never write `~/.rootwarden`). */
export function temporaryDirectory(prefix = 'rootwarden-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

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
  const directory = temporaryDirectory('rootwarden-mknod-');
  try {
    return makeCharacterDevice(join(directory, 'probe'), 1, 3);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
})();

/** A small tmpfs mounted in a fresh temporary directory, for "disk full" and "read-only disk" tests. */
export interface SmallFilesystem {
  path: string;
  /** Remounts it read-only (EROFS for every write from now on). */
  makeReadOnly(): void;
  /** Unmounts (lazily: works even while a file is still open) and removes the directory. */
  remove(): void;
}

/**
 * Mounts a tmpfs of `bytes` (Linux, root or CAP_SYS_ADMIN only; undefined elsewhere, so the test is
 * skipped and says why). A real file system answers ENOSPC and EROFS as the kernel does, which no
 * wrapper of ours could fake faithfully. We run as root, so chmod alone would deny nothing.
 */
export function mountSmallFilesystem(bytes: number, readOnly = false): SmallFilesystem | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const path = temporaryDirectory('rootwarden-small-fs-');
  const options = `size=${bytes},mode=0755${readOnly ? ',ro' : ''}`;
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' });
  if (mounted.status !== 0) {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  return {
    path,
    makeReadOnly() {
      const result = spawnSync('mount', ['-o', 'remount,ro', path], { stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`could not remount ${path} read-only`);
    },
    remove() {
      spawnSync('umount', ['-l', path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Whether this machine lets tests mount a tmpfs (checked once, with a mount that is removed at once). */
export const CAN_MOUNT = (() => {
  const probe = mountSmallFilesystem(64 * 1024);
  probe?.remove();
  return probe !== undefined;
})();
