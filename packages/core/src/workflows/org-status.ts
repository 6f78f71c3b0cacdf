import { getCallerIdentity } from '../aws/identity-and-features.js';
import {
  type CallHooks,
  describeAccount,
  describeOrganization,
  listDelegatedAdministrators,
  listRoots,
  listServiceAccess,
  type OrganizationInfo,
} from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { MissingPermission, OrgStatus } from '../domain/org-status.js';
import { isCoreError } from '../errors.js';
import { decideCallerRole, type FeaturesAnswer } from '../rules/decide-caller-role.js';
import { diagnoseOrganization } from '../rules/diagnose-org.js';
import { IAM_SERVICE_PRINCIPAL, readFeatures } from './preflight.js';

export { IAM_SERVICE_PRINCIPAL } from './preflight.js';

/** What each optional read adds, for the permissions `org status` reports missing. */
const OPTIONAL_READS = {
  'iam:ListOrganizationsFeatures':
    'shows which root features are on and proves this account is the IAM delegated administrator (audits then stop early on a setup problem)',
  'organizations:ListDelegatedAdministrators': 'shows which account is the IAM delegated administrator',
  'organizations:ListAWSServiceAccessForOrganization': 'shows whether trusted access for IAM is on',
  'organizations:ListRoots': 'OU names in account paths (otherwise OU ids); selecting accounts by --ou',
  'organizations:ListOrganizationalUnitsForParent':
    'OU names in account paths (otherwise OU ids); selecting accounts by --ou',
  'organizations:DescribeAccount':
    'selecting accounts by --account (plans, exec and credential-process need it)',
} as const;
type OptionalRead = keyof typeof OPTIONAL_READS;

const isDenied = (error: unknown) =>
  isCoreError(error) && (error.code === 'AWS_ACCESS_DENIED' || error.code === 'NOT_AUTHORIZED_CALLER');

/**
 * Who the caller is and whether the organization is ready for centralized root access, with every
 * problem and its fix, and the optional permissions the caller lacks. Reads only; a refused read is
 * shown as unknown (and as a missing permission), never as a diagnosis.
 */
export async function getOrgStatus(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<OrgStatus> {
  const caller = await getCallerIdentity(runtime, hooks);
  const missing = new Set<OptionalRead>();
  const optional = async <T>(permission: OptionalRead, read: Promise<T>): Promise<T | null> => {
    try {
      return await read;
    } catch (error) {
      if (isDenied(error)) {
        missing.add(permission);
        return null;
      }
      if (
        isCoreError(error) &&
        (error.code === 'ORGANIZATION_NOT_FOUND' || error.code === 'TRUSTED_ACCESS_NOT_ENABLED')
      )
        return null;
      throw error;
    }
  };

  let organizationDenied = false;
  const organization: OrganizationInfo | null = await describeOrganization(runtime, hooks).catch(
    (error: unknown) => {
      if (isCoreError(error) && error.code === 'ORGANIZATION_NOT_FOUND') return null;
      if (isCoreError(error) && error.code === 'AWS_ACCESS_DENIED') {
        organizationDenied = true;
        return null;
      }
      throw error;
    },
  );

  const features: FeaturesAnswer | null = organization
    ? await readFeatures(runtime, hooks).catch((error: unknown) => {
        if (isCoreError(error) && error.code === 'ORGANIZATION_NOT_FOUND') return null;
        throw error;
      })
    : null;
  if (features?.kind === 'denied') missing.add('iam:ListOrganizationsFeatures');

  const [delegatedAdministrators, servicePrincipals] = await Promise.all([
    organization
      ? optional(
          'organizations:ListDelegatedAdministrators',
          listDelegatedAdministrators(runtime, IAM_SERVICE_PRINCIPAL, hooks),
        )
      : null,
    organization
      ? optional('organizations:ListAWSServiceAccessForOrganization', listServiceAccess(runtime, hooks))
      : null,
    organization ? optional('organizations:ListRoots', listRoots(runtime, hooks)) : null,
    organization
      ? optional('organizations:DescribeAccount', describeAccount(runtime, caller.accountId, hooks))
      : null,
  ]);

  const enabledFeatures =
    features?.kind === 'answered' ? features.features : features?.kind === 'trusted-access-off' ? [] : null;
  const trustedAccessForIam =
    servicePrincipals !== null
      ? servicePrincipals.includes(IAM_SERVICE_PRINCIPAL)
      : features?.kind === 'trusted-access-off'
        ? false
        : null;
  const role =
    organization && features
      ? decideCallerRole({
          callerAccountId: caller.accountId,
          managementAccountId: organization.managementAccountId,
          features,
          delegatedAdministrators: delegatedAdministrators?.map((admin) => admin.accountId) ?? null,
        })
      : undefined;
  const diagnosis = diagnoseOrganization({
    caller,
    organization,
    organizationDenied,
    delegatedAdministrators,
    trustedAccessForIam,
    enabledFeatures,
    ...(role === undefined ? {} : { role }),
  });

  const missingPermissions: MissingPermission[] = [...missing].map((permission) => ({
    permission,
    adds: OPTIONAL_READS[permission],
  }));
  return {
    caller: { accountId: caller.accountId, arn: caller.arn, role: diagnosis.role },
    region: runtime.region,
    stsEndpoint: runtime.stsEndpoint,
    organization,
    trustedAccessForIam,
    rootCredentialsManagement: enabledFeatures?.includes('RootCredentialsManagement') ?? null,
    rootSessions: enabledFeatures?.includes('RootSessions') ?? null,
    delegatedAdministrators,
    capabilities: diagnosis.capabilities,
    problems: diagnosis.problems,
    missingPermissions,
  };
}
