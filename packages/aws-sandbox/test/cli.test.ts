import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, built, startServer } from './server-process.js';

const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 15_000 });

if (!built)
  console.warn(
    '[aws-sandbox] skipping server command tests: run `pnpm build` first (dist/cli.js is missing)',
  );

describe.skipIf(!built)('server command', () => {
  it('rejects bad flags with exit 2 and a clear message', () => {
    const unknown = run(['--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('Usage: rootwarden-sandbox');
    const port = run(['--port', 'abc']);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port must be a number between 0 and 65535 (got "abc")');
    const rate = run(['--fault-rate', '2']);
    expect(rate.status).toBe(2);
    const scenario = run(['--scenario', 'nope']);
    expect(scenario.status).toBe(2);
    expect(scenario.stderr).toContain('unknown scenario "nope"');
    const quota = run(['--quota', 'ListAccounts']);
    expect(quota.status).toBe(2);
    const help = run(['--', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--latency-ms');
  });

  it('serves, prints export lines, applies options and stops cleanly on SIGTERM and SIGINT', async () => {
    const server = await startServer([
      '--',
      '--scenario',
      'exposed',
      '--port',
      '0',
      '--latency-ms',
      '1',
      '--jitter-ms',
      '1',
      '--quota',
      'organizations:ListAccounts=100:200',
    ]);
    try {
      expect(server.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.env).toMatchObject({
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXPOMGMT0',
      });
      expect(server.env.AWS_SECRET_ACCESS_KEY).toContain('NOT-A-REAL-SECRET');
      const quotas = (await (await fetch(`${server.env.AWS_ENDPOINT_URL}/_sandbox/quotas`)).json()) as {
        rules: Record<string, unknown>;
      };
      expect(quotas.rules['organizations:ListAccounts']).toEqual({ rate: 100, burst: 200 });
      const latency = await (await fetch(`${server.env.AWS_ENDPOINT_URL}/_sandbox/latency`)).json();
      expect(latency).toMatchObject({ fixedMs: 1, jitterMs: 1 });
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(server.stderr()).toContain('stopped');
    const again = await startServer(['--port', '0']);
    expect(await again.stop('SIGINT')).toBe(0);
  });
});
