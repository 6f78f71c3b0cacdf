import type { CallerRole } from '../domain/audit.js';
import type { OrgProblem, OrgStatus } from '../domain/org-status.js';
import { PARTITIONS_WITHOUT_ROOT_ACCESS, partitionOfArn } from './partition.js';

export interface OrgObservations {
  caller: { accountId: string; arn: string };
  organization: {
    id: string;
    featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
    managementAccountId: string;
  } | null;
  /** Why `organization` is null: true when the caller may not read it (rather than being in none). */
  organizationDenied?: boolean;
  delegatedAdministrators: Array<{ accountId: string; name: string }> | null;
  trustedAccessForIam: boolean | null;
  enabledFeatures: Array<'RootCredentialsManagement' | 'RootSessions'> | null;
  /** The role decided from what AWS answered (`decideCallerRole`); default: from the delegated-admin list. */
  role?: CallerRole;
}

function callerRole(
  observations: Pick<OrgObservations, 'caller' | 'organization' | 'delegatedAdministrators'>,
): CallerRole {
  const { caller, organization, delegatedAdministrators } = observations;
  if (organization && caller.accountId === organization.managementAccountId) return 'management';
  if (delegatedAdministrators?.some((admin) => admin.accountId === caller.accountId))
    return 'delegated-admin';
  return 'other';
}

/**
 * Turns what `org status` observed into problems, each with the exact fix, and what the caller can
 * do. Prerequisites from https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html:
 * an organization with all features, trusted access for IAM, then the two features; only the
 * management account may enable them; the IAM delegated admin may use them.
 */
export function diagnoseOrganization(
  observations: OrgObservations,
): Pick<OrgStatus, 'problems' | 'capabilities'> & { role: CallerRole } {
  const problems: OrgProblem[] = [];
  const role = observations.role ?? callerRole(observations);
  const { caller, organization } = observations;
  const rcm = observations.enabledFeatures?.includes('RootCredentialsManagement') ?? null;
  const sessions = observations.enabledFeatures?.includes('RootSessions') ?? null;

  const partition = partitionOfArn(caller.arn);
  if (partition !== undefined && PARTITIONS_WITHOUT_ROOT_ACCESS.has(partition)) {
    problems.push({
      code: 'PARTITION_NOT_SUPPORTED',
      message: `Centralized root access is not available in partition ${partition}: AWS offers it in the commercial partition (aws) only, not in AWS GovCloud (US) or China.`,
      fix: 'Use credentials of an organization in the aws partition; in this partition manage root credentials in each account.',
    });
  }
  if (caller.arn.endsWith(':root')) {
    problems.push({
      code: 'ROOT_USER_CALLER',
      message: `You are calling as the root user (${caller.arn}); AssumeRoot cannot be called with root user credentials.`,
      fix: 'Use an IAM user or role (e.g. an IAM Identity Center permission set) of the management account or of the IAM delegated administrator.',
    });
  }
  if (organization === null && observations.organizationDenied) {
    problems.push({
      code: 'NOT_AUTHORIZED_CALLER',
      message: `${caller.arn} may not read the organization (AccessDenied): only the management account and delegated administrators can, and AssumeRoot will be refused too.`,
      fix: 'Use credentials of the management account or of the IAM delegated administrator (with organizations:Describe*/List* and sts:AssumeRoot).',
    });
  } else if (organization === null) {
    problems.push({
      code: 'ORGANIZATION_NOT_FOUND',
      message: `Account ${caller.accountId} is not in an AWS Organization, or may not read it.`,
      fix: 'Run rootwarden with credentials of the management account or of the IAM delegated administrator of your organization.',
    });
  } else {
    if (role === 'other') {
      problems.push({
        code: 'NOT_AUTHORIZED_CALLER',
        message: `Account ${caller.accountId} is neither the management account (${organization.managementAccountId}) nor the IAM delegated administrator; AssumeRoot will be refused.`,
        fix: `Use credentials of account ${organization.managementAccountId}, or from it register this account: aws organizations register-delegated-administrator --account-id ${caller.accountId} --service-principal iam.amazonaws.com`,
      });
    }
    if (organization.featureSet !== 'ALL') {
      problems.push({
        code: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE',
        message:
          'The organization uses consolidated billing only; centralized root access needs all features.',
        fix: 'From the management account: aws organizations enable-all-features (every member account must approve).',
      });
    }
    if (observations.trustedAccessForIam === false) {
      problems.push({
        code: 'TRUSTED_ACCESS_NOT_ENABLED',
        message: 'Trusted access for IAM (iam.amazonaws.com) is not enabled in the organization.',
        fix:
          role === 'management'
            ? 'rootwarden org enable'
            : `From the management account (${organization.managementAccountId}): rootwarden org enable`,
      });
    }
    if (rcm === false) {
      problems.push({
        code: 'ROOT_ACCESS_NOT_ENABLED',
        message:
          'Root credentials management (RootCredentialsManagement) is off: AssumeRoot for the IAM tasks fails with "Service not enabled for AWS Organizations.".',
        fix:
          role === 'management'
            ? 'rootwarden org enable'
            : `From the management account (${organization.managementAccountId}): rootwarden org enable`,
      });
    }
    if (sessions === false) {
      problems.push({
        code: 'ROOT_SESSIONS_NOT_ENABLED',
        message:
          'Privileged root actions (RootSessions) are off: unlocking S3 bucket and SQS queue policies is unavailable, and per the IAM User Guide so is password recovery (audits are not affected).',
        fix:
          role === 'management'
            ? 'rootwarden org enable'
            : `From the management account (${organization.managementAccountId}): rootwarden org enable`,
      });
    }
  }

  const canAssume =
    organization !== null &&
    role !== 'other' &&
    !caller.arn.endsWith(':root') &&
    !(partition !== undefined && PARTITIONS_WITHOUT_ROOT_ACCESS.has(partition));
  return {
    role,
    problems,
    capabilities: {
      audit: canAssume && rcm === true,
      deleteRootCredentials: canAssume && rcm === true,
      allowPasswordRecovery: canAssume && rcm === true,
      unlockResourcePolicies: canAssume && sessions === true,
      enable: role === 'management',
    },
  };
}
