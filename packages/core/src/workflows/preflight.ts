import { getCallerIdentity, listRootFeatures } from '../aws/identity-and-features.js';
import { hasAwsCode } from '../aws/map-aws-error.js';
import {
  type CallHooks,
  describeOrganization,
  listDelegatedAdministrators,
  type OrganizationInfo,
} from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Caller } from '../domain/audit.js';
import { CoreError, isCoreError } from '../errors.js';
import { decideCallerRole, type FeaturesAnswer } from '../rules/decide-caller-role.js';
import { type FeatureNeed, featureVerdict } from '../rules/feature-gate.js';
import { checkPartition } from '../rules/partition.js';

export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

export interface Preflight {
  caller: Caller;
  organization: OrganizationInfo;
  /** The organization's root features, or null when the caller may not read them. */
  features: FeaturesAnswer;
  /** Said once, not a stop: e.g. a feature AWS documents ambiguously for this task. */
  warnings: string[];
}

/** An access-denied answer: the caller lacks an IAM permission (or an SCP says no). */
const isDenied = (error: unknown): error is CoreError =>
  isCoreError(error) && error.code === 'AWS_ACCESS_DENIED';

/** iam:ListOrganizationsFeatures, with every answer that says something about the caller kept. */
export async function readFeatures(runtime: AwsRuntime, hooks: CallHooks): Promise<FeaturesAnswer> {
  try {
    return { kind: 'answered', features: await listRootFeatures(runtime, hooks) };
  } catch (error) {
    if (hasAwsCode(error, 'ServiceAccessNotEnabledException')) return { kind: 'trusted-access-off' };
    if (hasAwsCode(error, 'AccountNotManagementOrDelegatedAdministratorException'))
      return { kind: 'not-admin' };
    if (isDenied(error)) return { kind: 'denied' };
    throw error;
  }
}

/**
 * Checks, before touching any member account, what would make every AssumeRoot fail: a partition
 * without centralized root access, a caller that AWS confirms is neither the management account nor
 * the IAM delegated admin, trusted access or the needed feature switched off. Those stop the work
 * with one clear error instead of N unknown accounts. Reads the caller is not allowed never stop it
 * and never produce a diagnosis: the least-privilege caller AWS documents has only sts:AssumeRoot
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html), plus the
 * reads rootwarden needs (ListOrganizationsFeatures, DescribeOrganization, ListAccounts).
 */
export async function preflightRootAccess(
  runtime: AwsRuntime,
  hooks: CallHooks,
  /** What the task needs: the IAM credential tasks RootCredentialsManagement, S3/SQS unlock RootSessions. */
  need: FeatureNeed = 'RootCredentialsManagement',
): Promise<Preflight> {
  // Three independent reads, sent together: one round trip before the first account instead of
  // three. Their answers are still judged in this order, so the first problem found is the one said.
  const identityRead = getCallerIdentity(runtime, hooks);
  const organizationRead = describeOrganization(runtime, hooks);
  const featuresRead = readFeatures(runtime, hooks);
  organizationRead.catch(() => undefined); // judged below, after the identity
  featuresRead.catch(() => undefined);
  const identity = await identityRead;
  checkPartition(identity.arn);
  let organization: OrganizationInfo;
  try {
    organization = await organizationRead;
  } catch (error) {
    if (isCoreError(error) && error.code === 'ORGANIZATION_NOT_FOUND') {
      throw new CoreError(
        'NOT_AUTHORIZED_CALLER',
        `${identity.arn} is not in an AWS Organization (${error.message}).`,
        {
          fix: 'Use credentials of the management account or of the IAM delegated administrator (`rootwarden org status` explains).',
          details: { awsCode: error.details?.awsCode },
        },
      );
    }
    if (isDenied(error)) {
      throw new CoreError(
        'NOT_AUTHORIZED_CALLER',
        `${identity.arn} may not call organizations:DescribeOrganization (${error.message}); rootwarden needs it to know the organization and its management account.`,
        {
          fix: 'Use credentials of the management account or of the IAM delegated administrator with organizations:DescribeOrganization, organizations:ListAccounts, iam:ListOrganizationsFeatures and sts:AssumeRoot.',
          details: { awsCode: error.details?.awsCode, permission: 'organizations:DescribeOrganization' },
        },
      );
    }
    throw error;
  }

  const features = await featuresRead;
  if (features.kind === 'trusted-access-off') {
    throw new CoreError(
      'TRUSTED_ACCESS_NOT_ENABLED',
      'Trusted access for IAM is not enabled in the organization.',
      {
        fix: 'Run `rootwarden org enable` from the management account.',
      },
    );
  }
  // The delegated-admin list is read only when the features answer did not decide the role, and a
  // denial of it is no verdict (least-privilege roles lack organizations:ListDelegatedAdministrators).
  const delegatedAdministrators =
    features.kind === 'denied' && identity.accountId !== organization.managementAccountId
      ? await listDelegatedAdministrators(runtime, IAM_SERVICE_PRINCIPAL, hooks).then(
          (admins) => admins.map((admin) => admin.accountId),
          (error: unknown) => {
            if (isDenied(error) || (isCoreError(error) && error.code === 'NOT_AUTHORIZED_CALLER'))
              return null;
            throw error;
          },
        )
      : null;
  const role = decideCallerRole({
    callerAccountId: identity.accountId,
    managementAccountId: organization.managementAccountId,
    features,
    delegatedAdministrators,
  });
  if (role === 'other') {
    throw new CoreError(
      'NOT_AUTHORIZED_CALLER',
      `Account ${identity.accountId} is neither the management account (${organization.managementAccountId}) nor the IAM delegated administrator, so AssumeRoot will be refused.`,
      {
        fix: `Use credentials of account ${organization.managementAccountId}, or register this account as delegated administrator for iam.amazonaws.com.`,
      },
    );
  }

  const warnings: string[] = [];
  if (features.kind === 'answered') {
    const verdict = featureVerdict(need, features.features);
    if (verdict.refusal) throw verdict.refusal;
    if (verdict.warning) warnings.push(verdict.warning);
  }
  return {
    caller: { accountId: identity.accountId, arn: identity.arn, role },
    organization,
    features,
    warnings,
  };
}
