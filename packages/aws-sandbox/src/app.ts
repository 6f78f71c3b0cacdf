import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireRequest, WireResponse } from './protocol/wire.js';

/** Bodies above this are answered with the protocol's "too large" error (AWS query/JSON APIs cap well below it). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Past this the connection is cut instead of drained. */
const HARD_LIMIT_BYTES = 64 * 1024 * 1024;

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function toWireRequest(req: IncomingMessage, body: Buffer, tooLarge: boolean): WireRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers,
    body,
    ...(tooLarge ? { bodyTooLarge: true } : {}),
    scheme: 'http',
    loopback: isLoopback(req.socket.remoteAddress),
  };
}

function send(res: ServerResponse, response: WireResponse, closeAfter: boolean): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  const headers: Record<string, string | number> = { ...response.headers, 'content-length': body.length };
  if (closeAfter) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(body);
}

/** A plain node:http server in front of the sandbox: no framework, small per-request work. */
export function createHttpServer(serve: (req: WireRequest) => Promise<WireResponse>): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_LIMIT_BYTES) {
        req.socket.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const wire = toWireRequest(req, tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge);
      serve(wire).then(
        (response) => {
          if (response.drop) {
            req.socket.destroy();
            return;
          }
          send(res, response, tooLarge);
        },
        (error: unknown) => {
          console.error('[aws-sandbox] unhandled error', error);
          send(
            res,
            {
              status: 500,
              headers: { 'content-type': 'application/json' },
              body: '{"__type":"InternalFailure"}',
            },
            false,
          );
        },
      );
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(server: Server, port: number, host: string): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const printableHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${printableHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
