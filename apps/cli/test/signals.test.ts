import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, temporaryDirectory } from './helpers.js';

/** Starts a long audit (3,000 accounts take well over 10 s at the ListAccounts quota) with a fresh history. */
function startLongAudit() {
  const home = temporaryDirectory();
  const child = spawn(
    process.execPath,
    [BIN, 'audit', '--sandbox', 'generated:3000', '--format', 'json', '--fail-on', 'never'],
    { env: { ...process.env, ROOTWARDEN_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
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
  // The history is opened after the signal handlers are installed and before any AWS call: once it
  // exists the audit is running (startup takes long on a loaded machine). Then let it audit some accounts.
  const started = (async () => {
    while (!existsSync(join(home, 'rootwarden.db')) && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 3000));
  })();
  return { child, output, exited, started, home };
}

// CI cancellation, `timeout` and Kubernetes send SIGTERM; a closed terminal sends SIGHUP.
describe.each(['SIGTERM', 'SIGHUP'] as const)('%s', (signal) => {
  it('finishes like Ctrl-C: a partial report marked incomplete, saved, exit 4', async () => {
    const run = startLongAudit();
    await run.started;
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
  }, 120_000);
});
