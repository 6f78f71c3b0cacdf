import { ROOT_TASKS, type RootTask } from '../domain/common.js';
import type { DeletableCredential, PlanAction, PlanActionKind } from '../domain/plan.js';
import type {
  OrganizationObservation,
  PolicyObservation,
  RootCredentialsObservation,
} from '../domain/plan-observation.js';
import type { RootCredentials } from '../domain/root-credentials.js';

/** The root task whose session performs each kind of action (null: an organization-level call). */
export const ACTION_TASK: Record<PlanActionKind, RootTask | null> = {
  'delete-login-profile': 'delete-credentials',
  'delete-access-key': 'delete-credentials',
  'delete-signing-certificate': 'delete-credentials',
  'deactivate-mfa-device': 'delete-credentials',
  'create-login-profile': 'create-password',
  'delete-bucket-policy': 'unlock-s3',
  'remove-queue-policy': 'unlock-sqs',
  'enable-trusted-access': null,
  'enable-root-credentials-management': null,
  'enable-root-sessions': null,
};

function action(
  accountId: string | null,
  kind: PlanActionKind,
  target: string,
  description: string,
): PlanAction {
  const task = ACTION_TASK[kind];
  return {
    actionId: `${accountId ?? 'organization'}:${kind}:${target}`,
    accountId,
    kind,
    target,
    taskPolicy: task === null ? null : ROOT_TASKS[task],
    description,
  };
}

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : 'never');

/**
 * The delete actions for one account, in the order apply runs them: access keys (the most
 * dangerous credential) first, MFA last, so a failure part-way never leaves a password without its
 * MFA device. Only the kinds in `kinds`.
 */
export function deleteCredentialActions(
  accountId: string,
  credentials: RootCredentials,
  kinds: readonly DeletableCredential[],
): PlanAction[] {
  const actions: PlanAction[] = [];
  if (kinds.includes('access-keys')) {
    for (const key of credentials.accessKeys)
      actions.push(
        action(
          accountId,
          'delete-access-key',
          key.accessKeyId,
          `Delete root access key ${key.accessKeyId} (${key.status}, created ${day(key.createDate)}, last used ${day(key.lastUsedDate)})`,
        ),
      );
  }
  if (kinds.includes('signing-certificates')) {
    for (const certificate of credentials.signingCertificates)
      actions.push(
        action(
          accountId,
          'delete-signing-certificate',
          certificate.certificateId,
          `Delete root signing certificate ${certificate.certificateId} (${certificate.status}, uploaded ${day(certificate.uploadDate)})`,
        ),
      );
  }
  if (kinds.includes('password') && credentials.loginProfile) {
    actions.push(
      action(
        accountId,
        'delete-login-profile',
        'password',
        `Delete the root password (created ${day(credentials.loginProfile.createDate)}, last used ${day(credentials.passwordLastUsed)})`,
      ),
    );
  }
  if (kinds.includes('mfa')) {
    for (const device of credentials.mfaDevices)
      actions.push(
        action(
          accountId,
          'deactivate-mfa-device',
          device.serialNumber,
          `Deactivate root MFA device ${device.serialNumber} (${device.kind}, enabled ${day(device.enableDate)})`,
        ),
      );
  }
  return actions;
}

/** Notes for the reviewer of a delete plan for one account. */
export function deleteCredentialNotes(
  accountId: string,
  credentials: RootCredentials,
  kinds: readonly DeletableCredential[],
): string[] {
  const notes: string[] = [];
  if (deleteCredentialActions(accountId, credentials, kinds).length === 0)
    notes.push(
      `Account ${accountId}: the root user has no credentials of the selected kinds; nothing to do.`,
    );
  if (kinds.includes('mfa') && !kinds.includes('password') && credentials.loginProfile !== null) {
    notes.push(
      `Account ${accountId}: the root password stays while its MFA is deactivated; add password to --only to delete both.`,
    );
  }
  if (kinds.includes('mfa') && credentials.mfaDevices.some((device) => device.kind === 'virtual')) {
    notes.push(
      `Account ${accountId}: deactivated virtual MFA devices stay in the account, unassigned (no root task policy allows DeleteVirtualMFADevice).`,
    );
  }
  return notes;
}

/** allow-password-recovery: a login profile without a password, unless the root user already has one. */
export function passwordRecoveryActions(observation: RootCredentialsObservation): PlanAction[] {
  if (observation.loginProfile) return [];
  return [
    action(
      observation.accountId,
      'create-login-profile',
      'password',
      'Create a root login profile without a password, so the owner of the root email address can recover it ("Forgot password")',
    ),
  ];
}

export function passwordRecoveryNotes(
  observation: RootCredentialsObservation,
  credentials?: RootCredentials,
): string[] {
  if (observation.loginProfile)
    return [
      `Account ${observation.accountId}: the root user already has a password (login profile); nothing to do.`,
    ];
  // The console offers "Allow password recovery" only for a member account without root user
  // credentials (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).
  const held = credentials ? heldCredentialKinds(credentials) : [];
  const warning =
    held.length > 0
      ? [
          `Warning: account ${observation.accountId}'s root user still has ${held.join(', ')}. AWS's console offers "Allow password recovery" only for accounts without root user credentials; consider \`rootwarden plan delete-root-credentials --account ${observation.accountId}\` first.`,
        ]
      : [];
  return [
    ...warning,
    `Account ${observation.accountId}: after the break-glass work, delete the password again: rootwarden plan delete-root-credentials --account ${observation.accountId} --only password`,
    'A new login profile does not bring back a previous password or MFA device (AWS Security Blog).',
  ];
}

/** unlock-s3-bucket-policy / unlock-sqs-queue-policy: remove the policy, if there is one. */
export function unlockPolicyActions(observation: PolicyObservation): PlanAction[] {
  if (observation.policySha256 === null) return [];
  return observation.type === 's3-bucket-policy'
    ? [
        action(
          observation.accountId,
          'delete-bucket-policy',
          observation.resource,
          `Delete the bucket policy of ${observation.resource} (${observation.region}); it is backed up in this plan`,
        ),
      ]
    : [
        action(
          observation.accountId,
          'remove-queue-policy',
          observation.resource,
          `Remove the queue policy of ${observation.resource} (SetQueueAttributes Policy=""); it is backed up in this plan`,
        ),
      ];
}

export function unlockPolicyNotes(observation: PolicyObservation, planId: string): string[] {
  const what = observation.type === 's3-bucket-policy' ? 'Bucket' : 'Queue';
  if (observation.policySha256 === null)
    return [`${what} ${observation.resource} has no policy; nothing to unlock.`];
  return [
    `The current policy is kept in this plan (sha256 ${observation.policySha256.slice(0, 12)}…): rootwarden restore-policy ${planId} puts it back byte for byte.`,
  ];
}

/** enable-root-access: the organization-level switches still off, in the order AWS requires them. */
export function enableActions(observation: OrganizationObservation, rootSessions: boolean): PlanAction[] {
  const actions: PlanAction[] = [];
  if (!observation.trustedAccess)
    actions.push(
      action(
        null,
        'enable-trusted-access',
        'iam.amazonaws.com',
        'Enable trusted access for IAM (organizations:EnableAWSServiceAccess iam.amazonaws.com)',
      ),
    );
  if (!observation.rootCredentialsManagement)
    actions.push(
      action(
        null,
        'enable-root-credentials-management',
        'RootCredentialsManagement',
        'Enable root credentials management (iam:EnableOrganizationsRootCredentialsManagement)',
      ),
    );
  if (rootSessions && !observation.rootSessions)
    actions.push(
      action(
        null,
        'enable-root-sessions',
        'RootSessions',
        'Enable privileged root actions in member accounts (iam:EnableOrganizationsRootSessions)',
      ),
    );
  return actions;
}

export function enableNotes(observation: OrganizationObservation, rootSessions: boolean): string[] {
  const on = [
    observation.trustedAccess ? 'trusted access for IAM' : undefined,
    observation.rootCredentialsManagement ? 'RootCredentialsManagement' : undefined,
    observation.rootSessions ? 'RootSessions' : undefined,
  ].filter((item): item is string => item !== undefined);
  const notes = on.length > 0 ? [`Already enabled: ${on.join(', ')}.`] : [];
  if (!rootSessions && !observation.rootSessions)
    notes.push(
      'RootSessions stays off: the S3/SQS unlock tasks need it, and so may password recovery (IAM User Guide); plan without --no-root-sessions to enable it.',
    );
  return notes;
}

/** The root credentials an account still has, in words ("2 access keys", "1 MFA device"). */
function heldCredentialKinds(credentials: RootCredentials): string[] {
  const count = (n: number, one: string) => (n === 0 ? [] : [`${n} ${one}${n === 1 ? '' : 's'}`]);
  return [
    ...(credentials.loginProfile ? ['a password'] : []),
    ...count(credentials.accessKeys.length, 'access key'),
    ...count(credentials.signingCertificates.length, 'signing certificate'),
    ...count(credentials.mfaDevices.length, 'MFA device'),
  ];
}
