import type { RootFeature } from '../aws/identity-and-features.js';
import type { RootTask } from '../domain/common.js';
import { CoreError } from '../errors.js';

/**
 * The organization feature a task needs before AssumeRoot can succeed. The IAM credential tasks need
 * RootCredentialsManagement and the S3/SQS unlocks RootSessions (seed-walkthrough §3). Password
 * recovery is ambiguous in AWS's own words: the IAM User Guide says privileged root actions
 * (RootSessions) must be enabled for member accounts to recover root credentials
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html), the launch blog
 * lists recovery under credentials management
 * (https://aws.amazon.com/blogs/security/secure-root-user-access-for-member-accounts-in-aws-organizations/).
 */
export type FeatureNeed = RootFeature | 'password-recovery';

/** What each root task needs (see FeatureNeed). */
export function featureNeedOf(task: RootTask): FeatureNeed {
  if (task === 'unlock-s3' || task === 'unlock-sqs') return 'RootSessions';
  if (task === 'create-password') return 'password-recovery';
  return 'RootCredentialsManagement';
}

export interface FeatureVerdict {
  /** Set when no reading of AWS's documentation lets the task run: refuse before any AssumeRoot. */
  refusal?: CoreError;
  /** Set when one reading lets it run and the other does not: go on, AWS's answer decides. */
  warning?: string;
}

const ENABLE_FIX =
  'Run `rootwarden org enable` from the management account (it enables RootCredentialsManagement and RootSessions).';

/** Whether the enabled features allow the task: refuse only on certainty, warn on a guess. */
export function featureVerdict(need: FeatureNeed, enabled: readonly RootFeature[]): FeatureVerdict {
  const rcm = enabled.includes('RootCredentialsManagement');
  const sessions = enabled.includes('RootSessions');
  if (need === 'RootCredentialsManagement' && !rcm) {
    return {
      refusal: new CoreError(
        'ROOT_ACCESS_NOT_ENABLED',
        'Root credentials management is not enabled for the organization; AssumeRoot answers "Service not enabled for AWS Organizations.".',
        { fix: ENABLE_FIX, details: { feature: 'RootCredentialsManagement' } },
      ),
    };
  }
  if (need === 'RootSessions' && !sessions) {
    return {
      refusal: new CoreError(
        'ROOT_SESSIONS_NOT_ENABLED',
        'Root sessions (privileged root actions) are not enabled for the organization, and the S3 and SQS unlock tasks need them; AssumeRoot answers "Root sessions feature is not enabled for your AWS Organization.".',
        { fix: ENABLE_FIX, details: { feature: 'RootSessions' } },
      ),
    };
  }
  if (need === 'password-recovery') {
    if (!rcm && !sessions) {
      return {
        refusal: new CoreError(
          'ROOT_ACCESS_NOT_ENABLED',
          'Neither root credentials management nor privileged root actions are enabled for the organization; password recovery needs them.',
          { fix: ENABLE_FIX, details: { feature: 'RootCredentialsManagement' } },
        ),
      };
    }
    if (!sessions) {
      return {
        warning:
          'Privileged root actions (RootSessions) are off. AWS documents password recovery both under root credentials management and as needing privileged root actions (IAM User Guide, id_root-enable-root-access.html); if AWS refuses the task, run `rootwarden org enable` from the management account.',
      };
    }
    if (!rcm) {
      return {
        warning:
          'Root credentials management (RootCredentialsManagement) is off; AWS lists password recovery under it (AWS Security Blog, 2024-11). If AWS refuses the task, run `rootwarden org enable` from the management account.',
      };
    }
  }
  return {};
}
