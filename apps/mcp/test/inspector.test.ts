import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, type RunningHttpServer, startHttpServer } from '../src/http.js';
import { MAIN, type SandboxFixture, startSandbox, temporaryHome } from './helpers.js';

/**
 * CI smoke test with a third-party MCP client: the MCP Inspector CLI, pinned (an unpinned npx resolves
 * 0.15.0, which exits 0 on tool errors). It is run through `npx -y`, not installed as a devDependency:
 * 2.12.0 declares engines node >=22.19 (its CLI mode works on Node 20, with EBADENGINE warnings).
 * When it cannot be installed (no registry), the tests are skipped, saying why.
 */
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function inspector(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['-y', INSPECTOR, '--cli', ...args],
      {
        encoding: 'utf8',
        timeout: 240_000,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const home = temporaryHome();
/** The server as a host would start it: `node dist/index.js --sandbox blog`, history in a temp dir. */
const stdioServer = [
  '-e',
  `ROOTWARDEN_HOME=${home.home}`,
  'node',
  MAIN.replace(/main\.js$/, 'index.js'),
  '--sandbox',
  'blog',
];

let unavailable: string | undefined;
beforeAll(async () => {
  const probe = await inspector(['--version']);
  if (probe.code !== 0)
    unavailable = `${INSPECTOR} could not be installed or run: ${probe.stderr.trim().split('\n').slice(-3).join(' ')}`;
}, 300_000);
afterAll(() => home.remove());

describe('MCP Inspector CLI (third-party client)', () => {
  it('tools/list succeeds, with no schema-portability error (--strict)', async (context) => {
    if (unavailable) context.skip(unavailable);
    const run = await inspector([...stdioServer, '--method', 'tools/list', '--strict']);
    expect(run.code, run.stderr).toBe(0);
    const names = (JSON.parse(run.stdout) as { tools: Array<{ name: string }> }).tools.map(
      (tool) => tool.name,
    );
    expect(names).toEqual([
      'get-org-status',
      'list-accounts',
      'check-policies',
      'audit-root-credentials',
      'get-audit',
      'diff-audits',
      'list-exceptions',
      'list-schedules',
      'list-breakglass',
      'plan-privileged-task',
    ]);
  });

  it('tools/call audit-root-credentials succeeds against --sandbox blog', async (context) => {
    if (unavailable) context.skip(unavailable);
    const run = await inspector([
      ...stdioServer,
      '--method',
      'tools/call',
      '--tool-name',
      'audit-root-credentials',
      '--tool-arg',
      'recentDays=90',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { isError?: boolean; structuredContent: { summary: object } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.summary).toMatchObject({ accounts: 7, clean: 5, exposed: 1, skipped: 1 });
  });

  it('exits 5 on a domain failure (a tool result with isError)', async (context) => {
    if (unavailable) context.skip(unavailable);
    const run = await inspector([
      ...stdioServer,
      '--method',
      'tools/call',
      '--tool-name',
      'audit-root-credentials',
      '--tool-arg',
      'accounts=["999999999999"]',
    ]);
    expect(run.code).toBe(5);
    expect(run.stdout + run.stderr).toContain('ACCOUNT_NOT_IN_ORG');
  });

  describe('over Streamable HTTP', () => {
    let fixture: SandboxFixture;
    let server: RunningHttpServer;
    const token = generateToken();
    beforeAll(async () => {
      fixture = await startSandbox({ scenario: 'blog' });
      server = await startHttpServer({ engine: fixture.engine(), token });
    });
    afterAll(async () => {
      await server.close();
      await fixture.close();
    });

    it('calls a tool with the bearer token', async (context) => {
      if (unavailable) context.skip(unavailable);
      const run = await inspector([
        server.url,
        '--header',
        `Authorization: Bearer ${token}`,
        '--method',
        'tools/call',
        '--tool-name',
        'list-accounts',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).structuredContent.summary).toEqual({
        total: 7,
        auditable: 6,
        skipped: 1,
      });
    });
  });
});
