import { Readable } from 'node:stream';
import type { WireRequest, WireResponse } from './protocol/wire.js';
import { uriEncode } from './sigv4.js';

/** The parts of the AWS SDK v3 `HttpRequest` the sandbox reads (structurally compatible, no @smithy import). */
export interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * An AWS SDK v3 `HttpHandler` that serves requests in-process (`new STSClient({ requestHandler })`):
 * same SigV4 checks, quotas, latency and faults as over HTTP, no socket.
 */
export interface SandboxRequestHandler {
  readonly metadata: { handlerProtocol: string };
  handle(
    request: SdkHttpRequest,
    options?: { abortSignal?: { aborted: boolean } | undefined; requestTimeout?: number },
  ): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<unknown>)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError('unsupported request body type');
}

function rawQuery(query: SdkHttpRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === null) parts.push(uriEncode(key));
    else if (Array.isArray(value)) for (const v of value) parts.push(`${uriEncode(key)}=${uriEncode(v)}`);
    else parts.push(`${uriEncode(key)}=${uriEncode(value)}`);
  }
  return parts.join('&');
}

export function createRequestHandler(
  serve: (req: WireRequest) => Promise<WireResponse>,
): SandboxRequestHandler {
  return {
    metadata: { handlerProtocol: 'h1' },
    async handle(request, options) {
      const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      if (options?.abortSignal?.aborted) throw abortError();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      if (!headers.host)
        headers.host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
      const wire: WireRequest = {
        method: request.method,
        path: request.path || '/',
        rawQuery: rawQuery(request.query),
        headers,
        body: await readBody(request.body),
        scheme: request.protocol === 'http:' ? 'http' : 'https',
        loopback: true,
      };
      const response = await serve(wire);
      if (options?.abortSignal?.aborted) throw abortError();
      // Mirrors what the SDK's node handler reports for a reset socket, so retry strategies classify it as transient.
      if (response.drop) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
      return {
        response: {
          statusCode: response.status,
          headers: { ...response.headers, 'content-length': String(body.length) },
          body: Readable.from(body.length > 0 ? [body] : []),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}
