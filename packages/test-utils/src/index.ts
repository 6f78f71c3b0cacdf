export {
  CAN_MKNOD,
  CAN_MOUNT,
  makeCharacterDevice,
  makeFifo,
  mountSmallFilesystem,
  type SmallFilesystem,
  temporaryDirectory,
} from './file-system.js';
export {
  POLICY_WARNING_ACCOUNT,
  POLICY_WARNING_TEXT,
  policyWarningScenario,
} from './policy-warning-scenario.js';
export { type SandboxLike, sandboxUserEnvironment, whenSandboxAnswers } from './sandbox-user.js';
