import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
 * wrapper of ours could fake faithfully.
 */
export function mountSmallFilesystem(bytes: number, readOnly = false): SmallFilesystem | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const path = mkdtempSync(join(tmpdir(), 'rootwarden-small-fs-'));
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
