/**
 * @rootwarden/api — the rootwarden HTTP API (Hono). `createApp` builds it without listening; the
 * `rootwarden-api` binary (`main`) serves it.
 */

export { type CreateAppOptions, createApp, DEFAULT_BODY_LIMIT_BYTES, type RootwardenApi } from './app.js';
export { AuditJobs, type AuditJobView, type StreamEvent } from './audit-jobs.js';
export {
  type Caller,
  createAuthenticator,
  formatTokenSpec,
  generateToken,
  hashToken,
  parseTokenSpecs,
  SCOPES,
  type Scope,
  scopeAllows,
  type TokenConfig,
  TokenConfigSchema,
} from './auth.js';
export { API_ERROR_STATUS, type ApiErrorCode, CORE_ERROR_STATUS, renderError } from './errors.js';
export { createLogger, type Logger, REDACTED_PATHS } from './logger.js';
export { type MainIo, main, type RunningServer, serveApi } from './main.js';
export { API_VERSION } from './version.js';
