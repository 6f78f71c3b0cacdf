import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { generateToken, type RunningHttpServer, startHttpServer } from '../src/http.js';
import { MAIN, type SandboxFixture, startSandbox, temporaryHome, textOf } from './helpers.js';

let fixture: SandboxFixture;
let server: RunningHttpServer;
const token = generateToken();

beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'blog' });
  server = await startHttpServer({ engine: fixture.engine(), token, port: 0 });
});
afterAll(async () => {
  await server.close();
  await fixture.close();
});

async function connectHttp(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'rootwarden-http-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A raw POST, to see the status and headers a client would get. */
function post(url: string, headers: Record<string, string>, body: unknown) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    },
  );
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

describe('Streamable HTTP', () => {
  it('serves on a loopback address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('works with the bearer token: tools, an audit with progress over SSE, resources', async () => {
    const client = await connectHttp(server.url, { Authorization: `Bearer ${token}` });
    try {
      expect((await client.listTools()).tools).toHaveLength(10);
      const progress: Progress[] = [];
      const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} }, undefined, {
        onprogress: (update) => progress.push(update),
      });
      const audit = AuditResultSchema.parse(result.structuredContent);
      expect(audit.summary.exposed).toBe(1);
      expect(progress.at(-1)).toMatchObject({ progress: 7, total: 7 });
      const resource = await client.readResource({ uri: audit.reportUri });
      expect(JSON.parse((resource.contents[0] as { text: string }).text).auditId).toBe(audit.auditId);
    } finally {
      await client.close();
    }
  });

  it('keeps sessions apart: two clients at once', async () => {
    const [first, second] = await Promise.all([
      connectHttp(server.url, { Authorization: `Bearer ${token}` }),
      connectHttp(server.url, { Authorization: `Bearer ${token}` }),
    ]);
    try {
      const [a, b] = await Promise.all([
        first.callTool({ name: 'get-org-status', arguments: {} }),
        second.callTool({ name: 'list-accounts', arguments: {} }),
      ]);
      expect(textOf(a)).toContain('Organization o-8j81brsjuj');
      expect(textOf(b)).toContain('7 account(s)');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('refuses a client without a token, or with a wrong one', async () => {
    await expect(connectHttp(server.url, {})).rejects.toThrow(/401|Unauthorized/);
    await expect(connectHttp(server.url, { Authorization: `Bearer ${generateToken()}` })).rejects.toThrow(
      /401|Unauthorized/,
    );
    await expect(connectHttp(server.url, { Authorization: token })).rejects.toThrow(/401|Unauthorized/);
    const raw = await post(server.url, {}, INITIALIZE);
    expect(raw.status).toBe(401);
    expect(raw.headers['www-authenticate']).toBe('Bearer realm="rootwarden-mcp"');
    expect(JSON.parse(raw.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Unauthorized: send Authorization: Bearer <token>.' },
      id: null,
    });
  });

  it('refuses a foreign Host or Origin (DNS rebinding), even with the token', async () => {
    const auth = { authorization: `Bearer ${token}`, accept: 'application/json, text/event-stream' };
    expect((await post(server.url, { ...auth, host: 'evil.example:80' }, INITIALIZE)).status).toBe(403);
    expect((await post(server.url, { ...auth, origin: 'https://evil.example' }, INITIALIZE)).status).toBe(
      403,
    );
    expect((await post(server.url.replace('/mcp', '/other'), auth, INITIALIZE)).status).toBe(404);
    expect((await post(server.url, { ...auth, 'mcp-session-id': 'made-up' }, INITIALIZE)).status).toBe(404);
  });

  it('refuses to listen on a non-loopback address or with a short token', async () => {
    await expect(startHttpServer({ engine: fixture.engine(), token, host: '0.0.0.0' })).rejects.toThrow(
      '--host must be a loopback address',
    );
    await expect(startHttpServer({ engine: fixture.engine(), token: 'short' })).rejects.toThrow(
      'at least 16 characters',
    );
  });
});

describe('rootwarden-mcp --http', () => {
  const home = temporaryHome();
  afterAll(() => home.remove());

  /** Starts the built binary and reads its first stderr lines (where the URL and the token are printed). */
  async function startBinary(env: Record<string, string>) {
    const child = spawn(process.execPath, [MAIN, '--http', '--port', '0', '--sandbox', 'blog'], {
      env: { ...process.env, ROOTWARDEN_HOME: home.home, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes('Bearer token')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    const url = /Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr)?.[1] ?? '';
    const stop = async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    };
    return { url, stderr: () => stderr, stdout: () => stdout, stop };
  }

  it('prints a generated token clearly and accepts it', async () => {
    const server = await startBinary({});
    try {
      expect(server.stderr()).toMatch(
        /^rootwarden-mcp \d+\.\d+\.\d+: Streamable HTTP on http:\/\/127\.0\.0\.1:\d+\/mcp \(read-only, against the offline sandbox \(blog\)\)\n/,
      );
      const printed = /set ROOTWARDEN_MCP_TOKEN to choose it\): (\S+)/.exec(server.stderr())?.[1] ?? '';
      expect(printed).toMatch(/^rwt_[A-Za-z0-9_-]{43}$/);
      await expect(connectHttp(server.url, {})).rejects.toThrow(/401|Unauthorized/);
      const client = await connectHttp(server.url, { Authorization: `Bearer ${printed}` });
      expect(textOf(await client.callTool({ name: 'get-org-status', arguments: {} }))).toContain(
        'o-8j81brsjuj',
      );
      await client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.stdout()).toBe('');
  });

  it('takes the token from ROOTWARDEN_MCP_TOKEN without printing it', async () => {
    const chosen = 'a-token-the-user-chose-0123456789';
    const server = await startBinary({ ROOTWARDEN_MCP_TOKEN: chosen });
    try {
      expect(server.stderr()).toContain('Bearer token: the one in ROOTWARDEN_MCP_TOKEN.');
      expect(server.stderr()).not.toContain(chosen);
      const client = await connectHttp(server.url, { Authorization: `Bearer ${chosen}` });
      expect((await client.listTools()).tools).toHaveLength(10);
      await client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
