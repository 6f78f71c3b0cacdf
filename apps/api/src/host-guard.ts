import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context.js';
import { ApiError } from './errors.js';

/** The names a loopback-bound API answers to. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export interface HostGuardOptions {
  /**
   * Host names (no port) the API answers to; `'any'` turns the Host check off (a server behind a proxy
   * that checks it). Default: the loopback names.
   */
  allowedHosts?: readonly string[] | 'any' | undefined;
  /** Browser origins allowed besides the API's own (the CORS origins). */
  corsOrigins?: readonly string[] | undefined;
}

/** `example.com:8080` → `{ hostname: 'example.com', port: '8080' }`; undefined when it is no host. */
function parseHost(value: string): { hostname: string; port: string } | undefined {
  if (!/^[A-Za-z0-9.\-[\]:]{1,300}$/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    // Anything beyond host[:port] (a path, credentials) makes it no Host header.
    if (url.pathname !== '/' || url.username || url.password || url.search) return undefined;
    return { hostname: url.hostname.toLowerCase(), port: url.port };
  } catch {
    return undefined;
  }
}

/** The lowercase name an allowed host is compared by (`::1` and `[::1]` are one name). */
function normalizeHostName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/**
 * DNS rebinding and cross-site requests: a web page can make a browser reach a loopback port under the
 * page's own host name (rebinding the name to 127.0.0.1), so the Host header must be one of the API's
 * names; and a browser request from another site carries its Origin, which must be the API's own or a
 * configured CORS origin. Clients that are not browsers send no Origin. The MCP HTTP server does the same
 * (apps/mcp/src/http.ts); see https://developer.mozilla.org/docs/Web/Security/Attacks/DNS_rebinding.
 */
export function createHostGuard(options: HostGuardOptions): MiddlewareHandler<ApiEnv> {
  const anyHost = options.allowedHosts === 'any';
  const names: readonly string[] =
    options.allowedHosts === 'any' ? [] : (options.allowedHosts ?? LOOPBACK_HOST_NAMES);
  const allowed = new Set<string>(names.map((name) => normalizeHostName(name)));
  const corsOrigins = new Set(options.corsOrigins ?? []);
  return async function hostGuard(c, next) {
    // app.request() in tests builds a Request without a Host header: its URL says where it went.
    const hostHeader = c.req.header('host') ?? new URL(c.req.url).host;
    const host = parseHost(hostHeader);
    if (!host || (!anyHost && !allowed.has(host.hostname)))
      throw new ApiError('HOST_NOT_ALLOWED', 'This API does not answer to that Host name.', {
        field: 'Host',
        location: 'header',
        fix: anyHost
          ? 'Send a valid Host header.'
          : `Call it as ${[...allowed].join(', ')}; an operator adds names with --allowed-host.`,
      });
    const origin = c.req.header('origin');
    if (
      origin !== undefined &&
      !corsOrigins.has(origin) &&
      !isSameOrigin(origin, hostHeader, allowed, anyHost)
    )
      throw new ApiError('ORIGIN_NOT_ALLOWED', 'Browser requests from this origin are not allowed.', {
        field: 'Origin',
        location: 'header',
        fix: 'An operator allows a browser origin with --cors-origin.',
      });
    await next();
  };
}

/** The page was served by this API: same host and port, or another of its names on the same port. */
function isSameOrigin(origin: string, hostHeader: string, allowed: Set<string>, anyHost: boolean): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file:) and garbage
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = parseHost(hostHeader);
  if (!host) return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const originPort = url.port || defaultPort;
  const hostPort = host.port || defaultPort;
  if (originPort !== hostPort) return false;
  const name = url.hostname.toLowerCase();
  return name === host.hostname || (!anyHost && allowed.has(name));
}
