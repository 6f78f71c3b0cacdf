import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { makeFifo, temporaryDirectory, whenSandboxAnswers } from '@rootwarden/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, sandboxUserEnvironment } from './helpers.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/**
 * Starts an audit of 3,000 accounts against a sandbox served by this test (25 ms per call: it cannot
 * finish before the signal lands). `started` resolves once the sandbox has answered the first
 * AssumeRoot: the signal handlers are installed and the audit is under way — an event, not a delay.
 */
async function startLongAudit(extraArgs: string[] = []) {
  const sandbox = createSandbox({ scenario: 'generated:3000', latencyMs: 25 });
  const server = await sandbox.listen({ port: 0 });
  servers.push(server);
  const env = sandboxUserEnvironment(sandbox, server.url);
  const child = spawn(
    process.execPath,
    [BIN, 'audit', '--format', 'json', '--fail-on', 'never', ...extraArgs],
    {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = whenSandboxAnswers(sandbox, 'AssumeRoot', child);
  return { child, output, exited, started, home: env.ROOTWARDEN_HOME as string };
}

// CI cancellation, `timeout` and Kubernetes send SIGTERM; a closed terminal sends SIGHUP.
describe.each(['SIGTERM', 'SIGHUP'] as const)('%s', (signal) => {
  it('finishes like Ctrl-C: a partial report marked incomplete, saved, exit 4', async () => {
    const run = await startLongAudit();
    expect(await run.started, run.output.stderr).toBe(true);
    run.child.kill(signal);
    const { code } = await run.exited;
    expect(run.output.stderr).toContain(`Interrupted (${signal}): finishing with a partial report`);
    expect(code).toBe(4);
    const report = JSON.parse(run.output.stdout);
    expect(report.complete).toBe(false);
    expect(report.accounts.length).toBeGreaterThan(0);
    const list = spawn(process.execPath, [BIN, 'audits', 'list', '--json'], {
      env: { ...process.env, ROOTWARDEN_HOME: run.home },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let listed = '';
    list.stdout.on('data', (chunk: Buffer) => {
      listed += chunk.toString();
    });
    await new Promise((resolve) => list.once('exit', resolve));
    expect(JSON.parse(listed).audits).toMatchObject([{ auditId: report.auditId, complete: false }]);
  }, 180_000);
});

describe('a second signal', () => {
  it('exits at once with 128 + its number, without the report, even while it waits to open its --output', async () => {
    // The report goes to a FIFO nobody reads yet: the wind-down after the first signal cannot finish
    // (opening a FIFO for writing waits for a reader), so the second signal always lands while the
    // first is still being handled — an event the test controls, not a race with a fast machine.
    const fifo = join(temporaryDirectory(), 'report.fifo');
    if (!makeFifo(fifo)) throw new Error('mkfifo is needed for this test');
    const run = await startLongAudit(['--output', fifo]);
    expect(await run.started, run.output.stderr).toBe(true);
    run.child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (run.output.stderr.includes('Interrupted (SIGTERM)')) resolve();
        else run.child.stderr?.once('data', check);
      };
      check();
    });
    run.child.kill('SIGINT');
    const { code, signal } = await run.exited;
    // It did not wait for a reader of its --output, and left the FIFO the user named as it was (no
    // report file renamed over it).
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(run.output.stdout).toBe('');
    expect(run.output.stderr).not.toContain('Exit 4');
  }, 180_000);
});
