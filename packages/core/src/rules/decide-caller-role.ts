import type { RootFeature } from '../aws/identity-and-features.js';
import type { CallerRole } from '../domain/audit.js';

/** What iam:ListOrganizationsFeatures answered the caller. */
export type FeaturesAnswer =
  | { kind: 'answered'; features: RootFeature[] }
  /** AccountNotManagementOrDelegatedAdministratorException: AWS itself says the caller is neither. */
  | { kind: 'not-admin' }
  /** ServiceAccessNotEnabledException: trusted access for IAM is off (says nothing about the caller). */
  | { kind: 'trusted-access-off' }
  /** AccessDenied: the caller lacks iam:ListOrganizationsFeatures (says nothing about the caller's role). */
  | { kind: 'denied' };

export interface CallerRoleEvidence {
  callerAccountId: string;
  managementAccountId: string;
  features: FeaturesAnswer;
  /** Account ids from ListDelegatedAdministrators(iam.amazonaws.com); null when not read or denied. */
  delegatedAdministrators: readonly string[] | null;
}

/**
 * The caller's role, decided from what AWS answered — never from a read it refused.
 * ListOrganizationsFeatures answers only the management account or the IAM delegated administrator
 * (`AccountNotManagementOrDelegatedAdministratorException` for anyone else: IAM API reference,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html; relied on by
 * prowler-cloud/prowler PR #5813), so its answer identifies an authorised caller without
 * organizations:ListDelegatedAdministrators, which least-privilege roles lack
 * (unicrons/aws-root-manager audits with ListOrganizationsFeatures, DescribeOrganization, ListAccounts
 * and AssumeRoot only). `unverified`: nothing AWS answered decides it; AssumeRoot will.
 */
export function decideCallerRole(evidence: CallerRoleEvidence): CallerRole {
  if (evidence.callerAccountId === evidence.managementAccountId) return 'management';
  if (evidence.features.kind === 'answered') return 'delegated-admin';
  if (evidence.features.kind === 'not-admin') return 'other';
  if (evidence.delegatedAdministrators !== null)
    return evidence.delegatedAdministrators.includes(evidence.callerAccountId) ? 'delegated-admin' : 'other';
  return 'unverified';
}
