import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
} from '@aws-sdk/client-iam';
import type { PlanAction } from '../domain/plan.js';
import { CoreError } from '../errors.js';
import { abortable } from './call-aws.js';
import { hasAwsCode } from './map-aws-error.js';
import { deleteBucketPolicy, removeQueuePolicy } from './resource-policies.js';
import type { SessionScope } from './session-scope.js';

/** What an AWS action came to: it changed something, or found it already so. */
export type ActionCallOutcome = 'done' | 'already-done';

/**
 * Runs one member-account action of a plan in `scope` (a session with the action's task policy).
 * No call names a user: in a root session IAM acts on the root user
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).
 * "Already so" answers count as done: NoSuchEntity for a deletion (someone, or an earlier
 * interrupted run, removed it), EntityAlreadyExists for the login profile.
 */
export async function runMemberAction(
  scope: SessionScope,
  planAction: PlanAction,
  options: { region?: string; signal?: AbortSignal | undefined } = {},
): Promise<ActionCallOutcome> {
  const send = abortable(options.signal);
  const already = (code: string) => (error: unknown) => {
    if (hasAwsCode(error, code)) return 'already-done' as const;
    throw error;
  };
  const done = () => 'done' as const;
  switch (planAction.kind) {
    case 'delete-login-profile':
      return scope
        .call('DeleteLoginProfile', ({ iam }) => iam.send(new DeleteLoginProfileCommand({}), send))
        .then(done, already('NoSuchEntity'));
    case 'delete-access-key':
      return scope
        .call('DeleteAccessKey', ({ iam }) =>
          iam.send(new DeleteAccessKeyCommand({ AccessKeyId: planAction.target }), send),
        )
        .then(done, already('NoSuchEntity'));
    case 'delete-signing-certificate':
      return scope
        .call('DeleteSigningCertificate', ({ iam }) =>
          iam.send(new DeleteSigningCertificateCommand({ CertificateId: planAction.target }), send),
        )
        .then(done, already('NoSuchEntity'));
    case 'deactivate-mfa-device':
      return scope
        .call('DeactivateMFADevice', ({ iam }) =>
          iam.send(new DeactivateMFADeviceCommand({ SerialNumber: planAction.target }), send),
        )
        .then(done, already('NoSuchEntity'));
    case 'create-login-profile':
      // No Password: with an AssumeRoot session AWS creates a profile the root email owner must reset.
      return scope
        .call('CreateLoginProfile', ({ iam }) => iam.send(new CreateLoginProfileCommand({}), send))
        .then(done, already('EntityAlreadyExists'));
    case 'delete-bucket-policy':
      await deleteBucketPolicy(scope, planAction.target, options.region, options.signal);
      return 'done';
    case 'remove-queue-policy':
      await removeQueuePolicy(scope, planAction.target, options.region, options.signal);
      return 'done';
    default:
      throw new CoreError('INTERNAL', `${planAction.kind} is not a member-account action.`);
  }
}
