import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@oclif/test';
import { temporaryDirectory as sharedTemporaryDirectory } from '@rootwarden/test-utils';

const CLI_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(CLI_ROOT, 'bin', 'run.js');

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  error: (Error & { oclif?: { exit?: number } }) | undefined;
}

/** Runs `rootwarden ARGS` in-process through oclif, as the user would type it. */
export async function rootwarden(args: string[]): Promise<CommandResult> {
  const result = await runCommand(args, { root: CLI_ROOT });
  const error = result.error as CommandResult['error'];
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    error,
    exitCode: error ? (error.oclif?.exit ?? 1) : 0,
  };
}

export function temporaryDirectory(prefix = 'rootwarden-cli-'): string {
  return sharedTemporaryDirectory(prefix);
}

/** The environment of a user who eval'd a running sandbox's export lines (shared with the other doors' tests). */
export { sandboxUserEnvironment } from '@rootwarden/test-utils';

/** Replaces what changes from run to run (ids, times, ports, session keys) so output can be snapshotted. */
export function normalize(text: string): string {
  return (
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>')
      .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>')
      // The same date as Markdown escapes it (`2025\-12\-13`).
      .replace(/\b\d{4}\\-\d{2}\\-\d{2}\b/g, '<date>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/\d+\.\d+\.\d+ linux-x64 node-v[\d.]+/g, '<version>')
  );
}

/** A stack trace in user-facing output means an unhandled mistake. */
export const STACK_TRACE = /\n\s+at .+(\.js|\.ts):\d+:\d+/;

/** Runs the real `rootwarden` binary in a child process (exit code and stderr exactly as a user sees them). */
export function rootwardenProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
): { stdout: string; stderr: string; exitCode: number } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.status ?? -1 };
}

/**
 * The same, without blocking this process: needed when the sandbox the child talks to is served
 * from this very process.
 */
export function rootwardenProcessAsync(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...env },
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ stdout, stderr, exitCode: code });
      },
    );
  });
}
