import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type Logger, silentLogger } from './logger.js';
import { createServer, type ServerOptions } from './server.js';

export const MCP_PATH = '/mcp';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MIN_TOKEN_LENGTH = 16;

export interface HttpServerOptions extends ServerOptions {
  /** The bearer token every request must carry (`Authorization: Bearer …`); at least 16 characters. */
  token: string;
  /** Default 0: a free port. */
  port?: number;
  /** A loopback address only (127.0.0.1, ::1, localhost). Default 127.0.0.1. */
  host?: string;
}

export interface RunningHttpServer {
  /** `http://127.0.0.1:PORT/mcp` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export { generateToken } from '@rootwarden/core';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('Request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw Object.assign(new Error('Parse error: the body is not JSON'), { status: 400, rpcCode: -32700 });
  }
}

/**
 * `rootwarden-mcp --http`: MCP over Streamable HTTP on a loopback address, every request authenticated
 * with the bearer token. One MCP server (and session) per client; all share the engine.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host))
    throw new Error(`--host must be a loopback address (127.0.0.1, ::1, localhost), not ${host}.`);
  if (options.token.length < MIN_TOKEN_LENGTH)
    throw new Error(`The bearer token must have at least ${MIN_TOKEN_LENGTH} characters.`);
  const expected = digest(`Bearer ${options.token}`);
  const log: Logger = options.logger ?? silentLogger;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  let port = 0;

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization;
    return typeof header === 'string' && timingSafeEqual(digest(header), expected);
  };
  // DNS rebinding: a web page may reach a loopback port under its own host name; only loopback names pass.
  const trustedHost = (req: IncomingMessage): boolean => {
    const hostHeader = req.headers.host ?? '';
    const origin = req.headers.origin;
    const names = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    return (
      names.includes(hostHeader) &&
      (origin === undefined || names.some((name) => origin === `http://${name}`))
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!trustedHost(req))
      return sendJsonRpcError(res, 403, -32000, 'Forbidden: host or origin is not loopback.');
    if (path !== MCP_PATH)
      return sendJsonRpcError(res, 404, -32000, `Not found: the MCP endpoint is ${MCP_PATH}.`);
    if (!authorized(req)) {
      log.info(`http ${req.method} ${path}: 401 (missing or wrong bearer token)`);
      return sendJsonRpcError(res, 401, -32000, 'Unauthorized: send Authorization: Bearer <token>.', {
        'www-authenticate': 'Bearer realm="rootwarden-mcp"',
      });
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (existing) return existing.transport.handleRequest(req, res, body);
      if (sessionId !== undefined)
        return sendJsonRpcError(res, 404, -32001, 'Session not found: initialize again.');
      if (!isInitializeRequest(body))
        return sendJsonRpcError(res, 400, -32000, 'Bad request: the first request must be initialize.');
      const server = createServer(options);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server });
          log.info(`http session ${id.slice(0, 8)} opened`);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId && sessions.delete(transport.sessionId))
          log.info(`http session ${transport.sessionId.slice(0, 8)} closed`);
      };
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing)
        return sendJsonRpcError(res, sessionId ? 404 : 400, -32000, 'Missing or unknown mcp-session-id.');
      return existing.transport.handleRequest(req, res);
    }
    res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: { status?: number; rpcCode?: number; message?: string }) => {
      if (!res.headersSent)
        sendJsonRpcError(
          res,
          error.status ?? 500,
          error.rpcCode ?? -32603,
          error.message ?? 'Internal error',
        );
      else res.end();
      if (!error.status) log.error(`http: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}${MCP_PATH}`,
    port,
    async close() {
      await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
