import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

describe('rootwarden sandbox', () => {
  it('serves a scenario, prints export lines that point rootwarden at it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--scenario', 'exposed', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('AWS_SECRET_ACCESS_KEY')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)));
    });
    const env = Object.fromEntries(
      [...stdout.matchAll(/export (\w+)='([^']*)'/g)].map((match) => [match[1], match[2]]),
    );
    expect(Object.keys(env).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect(stdout).toContain('unset AWS_SESSION_TOKEN');

    const status = await rootwardenProcessAsync(['org', 'status', '--json'], {
      ...env,
      AWS_PROFILE: undefined,
      ROOTWARDEN_HOME: temporaryDirectory(),
    });
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).organization.id).toBe('o-exp0sed000');

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });
});
