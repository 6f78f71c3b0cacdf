import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createEngine } from '@rootwarden/core';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { connectInMemory, errorOf, MAIN, MCP_ROOT, temporaryHome, textOf } from './helpers.js';

const home = temporaryHome();
afterAll(() => home.remove());

const LOG_LINE = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z rootwarden-mcp (info|error) /;

/** The built `rootwarden-mcp`, spawned by the SDK's stdio client as an MCP host would. */
async function spawnServer(args: string[], entry = MAIN) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry, ...args],
    env: { ...(process.env as Record<string, string>), ROOTWARDEN_HOME: home.home },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'rootwarden-stdio-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

async function inMemoryTools(allowMutations: boolean) {
  const engine = createEngine({ store: false });
  const { client, close } = await connectInMemory({ engine, allowMutations });
  try {
    return (await client.listTools()).tools;
  } finally {
    await close();
    await engine.close();
  }
}

describe('rootwarden-mcp over stdio', () => {
  it('serves the same tools as in-process, audits the sandbox, logs only on stderr', async () => {
    const server = await spawnServer(['--sandbox', 'blog']);
    try {
      expect((await server.client.listTools()).tools).toEqual(await inMemoryTools(false));
      expect(server.client.getServerVersion()).toMatchObject({ name: 'rootwarden' });
      expect(server.client.getInstructions()).toContain('This server is read-only');

      const audit = await server.client.callTool({ name: 'audit-root-credentials', arguments: {} });
      const report = AuditResultSchema.parse(audit.structuredContent);
      expect(report.summary).toMatchObject({ accounts: 7, exposed: 1 });
      const latest = await server.client.readResource({ uri: 'rootwarden://audits/latest' });
      expect(JSON.parse((latest.contents[0] as { text: string }).text).auditId).toBe(report.auditId);

      const unknownAccount = await server.client.callTool({
        name: 'audit-root-credentials',
        arguments: { accounts: ['999999999999'] },
      });
      expect(errorOf(unknownAccount)).toMatchObject({ code: 'ACCOUNT_NOT_IN_ORG', field: 'accounts' });
      const invalid = errorOf(await server.client.callTool({ name: 'get-audit', arguments: { id: 12 } }));
      expect(invalid).toMatchObject({ code: 'INVALID_INPUT', kind: 'input', field: 'id' });
      expect(invalid.message).toContain('id: Invalid input: expected string, received number');
    } finally {
      await server.close();
    }
    const lines = server.stderr().trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /rootwarden-mcp info rootwarden-mcp \d+\.\d+\.\d+ on stdio, read-only, against the offline sandbox \(blog\)$/,
    );
    expect(lines).toContainEqual(expect.stringMatching(/info tool audit-root-credentials ok \(\d+ ms\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/info tool audit-root-credentials failed: ACCOUNT_NOT_IN_ORG/),
    );
    for (const line of lines) expect(line).toMatch(LOG_LINE);
  });

  it('offers apply-plan with --allow-mutations', async () => {
    const server = await spawnServer(['--sandbox', '--allow-mutations']);
    try {
      const { tools } = await server.client.listTools();
      expect(tools).toEqual(await inMemoryTools(true));
      expect(tools.map((tool) => tool.name)).toContain('apply-plan');
    } finally {
      await server.close();
    }
  });

  it('also runs as `node dist/index.js` (the MCP Inspector’s documented command)', async () => {
    const server = await spawnServer(['--sandbox', 'blog'], join(MCP_ROOT, 'dist', 'index.js'));
    try {
      const status = await server.client.callTool({ name: 'get-org-status', arguments: {} });
      expect(textOf(status)).toContain('Organization o-8j81brsjuj');
    } finally {
      await server.close();
    }
  });

  it('stops with exit code 0 when the client closes stdin', async () => {
    const child = spawn(process.execPath, [MAIN, '--sandbox'], {
      env: { ...process.env, ROOTWARDEN_HOME: home.home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    await new Promise((resolve) => child.stderr.once('data', resolve));
    child.stdin.end();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('rootwarden-mcp info stopped');
  });
});

describe('rootwarden-mcp arguments', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30_000, input: '' });

  it('prints help on stderr, never stdout', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: rootwarden-mcp [options]');
    expect(result.stderr).toContain('--allow-mutations');
  });

  it.each([
    [['--port', '4000'], '--port needs --http.'],
    [['--http', '--port', 'x'], '--port must be a port number (0–65535), not "x".'],
    [['--sandbox', '--profile', 'prod'], '--profile: cannot be combined with --sandbox'],
    [
      ['--sandbox', '--endpoint-url', 'http://127.0.0.1:1'],
      '--endpoint-url: cannot be combined with --sandbox',
    ],
    [['--endpoint-url', 'localhost:4577'], '--endpoint-url: must be an http(s) URL'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with exit code 2', (args, message) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});
