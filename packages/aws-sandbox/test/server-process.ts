import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/sandbox.js', import.meta.url));
const DIST_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const built = existsSync(DIST_CLI);

export interface ServerProcess {
  child: ChildProcess;
  env: Record<string, string>;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the built server command and waits for its export lines. */
export function startServer(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    };
    child.on('exit', early);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes('unset AWS_PROFILE')) return;
      clearTimeout(timer);
      child.off('exit', early);
      const env: Record<string, string> = {};
      for (const m of stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1] as string] = m[2] as string;
      resolve({
        child,
        env,
        stderr: () => stderr,
        stop: async (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}
