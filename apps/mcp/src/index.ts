/**
 * @rootwarden/mcp — the rootwarden MCP server: `createServer({ engine })` for embedding and tests,
 * `rootwarden-mcp` (stdio or Streamable HTTP) for assistants.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export { AuditResultSchema, DEFAULT_INLINE_ACCOUNT_LIMIT } from './audit-result.js';
export { ERROR_META_KEY, type ErrorKind, errorKind, type McpToolErrorCode } from './errors.js';
export {
  generateToken,
  type HttpServerOptions,
  MCP_PATH,
  type RunningHttpServer,
  startHttpServer,
} from './http.js';
export { createStderrLogger, type Logger, silentLogger } from './logger.js';
export { LATEST_AUDIT_URI } from './resources.js';
export { createServer, type ServerOptions } from './server.js';

// `node dist/index.js` starts the server too (the MCP Inspector's documented invocation); importing
// this module never does.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await import('./main.js');
}
