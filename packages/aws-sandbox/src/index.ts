export {
  type AccountInfo,
  type DateInput,
  type PrincipalInfo,
  type RootCredentialState,
  type SandboxAdmin,
  SandboxAdminError,
  type ScenarioSummary,
  type SessionInfo,
} from './admin.js';
export { ADMIN_PREFIX, ADMIN_ROUTES } from './admin-http.js';
export type { ListeningServer } from './app.js';
export type { CallLogEntry } from './call-log.js';
export {
  connectSandbox,
  DEFAULT_SCENARIO,
  type SandboxConnection,
  type SandboxConnectOptions,
} from './connect.js';
export type { FaultKind, FaultRule, LatencyConfig } from './faults.js';
export type { WireRequest, WireResponse } from './protocol/wire.js';
export { DEFAULT_QUOTAS, type QuotaOverrides, type QuotaRule } from './quotas.js';
export type { SandboxRequestHandler, SdkHttpRequest, SdkHttpResponse } from './request-handler.js';
export {
  createSandbox,
  openSavedSandbox,
  type Sandbox,
  type SandboxCredentials,
  type SandboxOptions,
} from './sandbox.js';
export { type GenerateOptions, generateScenario } from './scenarios/generated.js';
export { builtInScenarioNames, loadScenario } from './scenarios/load.js';
export { type Scenario, ScenarioError, type ScenarioInput, ScenarioSchema } from './scenarios/schema.js';
export { runSandboxServer } from './server-command.js';
export { ROOT_SESSIONS_NOT_ENABLED, SERVICE_NOT_ENABLED } from './services/sts/index.js';
export { signRequest } from './sigv4.js';
export type { IssuedSecret, IssuedSecretKind, TaskPolicyName } from './state/credentials.js';
export type { RootFeature } from './state/world.js';
export { removeWorldFile } from './state/world-file.js';
export { TASK_POLICY_NAMES, TASK_POLICY_PREFIX } from './task-policies.js';
