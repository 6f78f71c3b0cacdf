import type { TaskPolicyName } from './state/credentials.js';

/**
 * The five AWS-managed root-task policies (aws-facts.md §2). Each is a Deny/NotAction fence: only the
 * listed actions stay open, and for the IAM ones only on the root user itself (NotResource
 * arn:aws:iam::*:root). IAMDeleteRootUserCredentials no longer leaves iam:DeleteVirtualMFADevice open
 * (IAM User Guide, "AWS managed policies for IAM", change log entry of 2025-01-07:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html#security-iam-awsmanpol-updates):
 * the task can only deactivate MFA devices.
 */
export const TASK_POLICY_PREFIX = 'arn:aws:iam::aws:policy/root-task/';

interface TaskPolicy {
  actions: ReadonlySet<string>;
  /** Actions the second statement restricts to the root user resource. */
  rootResourceOnly: ReadonlySet<string>;
  /**
   * RootCredentialsManagement gates the IAM tasks; RootSessions the S3/SQS unlocks (seed section 3).
   * IAMCreateRootUserPassword's gate is a scenario option (`organization.passwordRecoveryFeature`).
   */
  feature: 'RootCredentialsManagement' | 'RootSessions';
}

const iam = (names: string[]) => names.map((n) => `iam:${n}`);
const audit = iam([
  'ListAccessKeys',
  'ListSigningCertificates',
  'GetLoginProfile',
  'ListMFADevices',
  'GetUser',
  'GetAccessKeyLastUsed',
]);
const del = iam([
  'DeleteAccessKey',
  'DeleteSigningCertificate',
  'DeleteLoginProfile',
  'DeactivateMFADevice',
  'ListAccessKeys',
  'ListSigningCertificates',
  'GetLoginProfile',
  'ListMFADevices',
  'GetUser',
  'GetAccessKeyLastUsed',
]);

export const TASK_POLICIES: Readonly<Record<TaskPolicyName, TaskPolicy>> = {
  IAMAuditRootUserCredentials: {
    actions: new Set([...audit, 'iam:GetAccountSummary']),
    rootResourceOnly: new Set(audit),
    feature: 'RootCredentialsManagement',
  },
  IAMCreateRootUserPassword: {
    actions: new Set(iam(['CreateLoginProfile', 'GetLoginProfile'])),
    rootResourceOnly: new Set(iam(['CreateLoginProfile', 'GetLoginProfile'])),
    feature: 'RootCredentialsManagement',
  },
  IAMDeleteRootUserCredentials: {
    actions: new Set(del),
    rootResourceOnly: new Set(del),
    feature: 'RootCredentialsManagement',
  },
  S3UnlockBucketPolicy: {
    actions: new Set([
      's3:DeleteBucketPolicy',
      's3:PutBucketPolicy',
      's3:GetBucketPolicy',
      's3:ListAllMyBuckets',
    ]),
    rootResourceOnly: new Set(),
    feature: 'RootSessions',
  },
  SQSUnlockQueuePolicy: {
    actions: new Set([
      'sqs:SetQueueAttributes',
      'sqs:GetQueueAttributes',
      'sqs:ListQueues',
      'sqs:GetQueueUrl',
    ]),
    rootResourceOnly: new Set(),
    feature: 'RootSessions',
  },
};

export const TASK_POLICY_NAMES = Object.keys(TASK_POLICIES) as TaskPolicyName[];

/** The task policy an ARN names; AWS managed policies live in the caller's partition (`arn:PARTITION:iam::aws:policy/…`). */
export function taskPolicyFromArn(arn: string, partition = 'aws'): TaskPolicyName | undefined {
  const prefix = TASK_POLICY_PREFIX.replace('arn:aws:', `arn:${partition}:`);
  if (!arn.startsWith(prefix)) return undefined;
  const name = arn.slice(prefix.length);
  return name in TASK_POLICIES ? (name as TaskPolicyName) : undefined;
}

const ROOT_ARN = /^arn:aws[a-z-]*:iam::\d{12}:root$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:[^:]*:(\d{12}):/;

/** Whether the task policy leaves `action` on `resource` open for a root session of `accountId`. */
export function taskPolicyAllows(
  task: TaskPolicyName,
  action: string,
  resource: string | undefined,
  accountId: string,
): boolean {
  const policy = TASK_POLICIES[task];
  if (!policy.actions.has(action)) return false;
  if (policy.rootResourceOnly.has(action) && !(resource && ROOT_ARN.test(resource))) return false;
  // SQSUnlockQueuePolicy denies GetQueueAttributes on queues of other accounts (aws:ResourceAccount).
  if (task === 'SQSUnlockQueuePolicy' && action === 'sqs:GetQueueAttributes' && resource) {
    const owner = SQS_ARN.exec(resource)?.[1];
    if (owner && owner !== accountId) return false;
  }
  return true;
}
