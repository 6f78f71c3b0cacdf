import { getCallerIdentity, listRootFeatures, type RootFeature } from '../aws/identity-and-features.js';
import { hasAwsCode } from '../aws/map-aws-error.js';
import {
  type CallHooks,
  describeOrganization,
  listDelegatedAdministrators,
  listServiceAccess,
  type OrganizationInfo,
} from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { OrgStatus } from '../domain/org-status.js';
import { isCoreError } from '../errors.js';
import { diagnoseOrganization } from '../rules/diagnose-org.js';

export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

/** Answers that mean "you may not read this" or "not set up": status shows them as unknown or off. */
async function tolerate<T>(read: Promise<T>, onDenied: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (
      isCoreError(error) &&
      (error.code === 'AWS_ACCESS_DENIED' ||
        error.code === 'NOT_AUTHORIZED_CALLER' ||
        error.code === 'ORGANIZATION_NOT_FOUND' ||
        error.code === 'TRUSTED_ACCESS_NOT_ENABLED')
    ) {
      return onDenied;
    }
    throw error;
  }
}

/**
 * Who the caller is and whether the organization is ready for centralized root access, with every
 * problem and its fix. Reads only.
 */
export async function getOrgStatus(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<OrgStatus> {
  const caller = await getCallerIdentity(runtime, hooks);
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

  const [delegatedAdministrators, servicePrincipals, features] = await Promise.all([
    organization ? tolerate(listDelegatedAdministrators(runtime, IAM_SERVICE_PRINCIPAL, hooks), null) : null,
    organization ? tolerate(listServiceAccess(runtime, hooks), null) : null,
    organization ? readFeatures(runtime, hooks) : { features: null, trustedAccessOff: false },
  ]);

  const trustedAccessForIam =
    servicePrincipals !== null
      ? servicePrincipals.includes(IAM_SERVICE_PRINCIPAL)
      : features.trustedAccessOff
        ? false
        : null;
  const diagnosis = diagnoseOrganization({
    caller,
    organization,
    organizationDenied,
    delegatedAdministrators,
    trustedAccessForIam,
    enabledFeatures: features.features,
  });

  return {
    caller: { accountId: caller.accountId, arn: caller.arn, role: diagnosis.role },
    region: runtime.region,
    stsEndpoint: runtime.stsEndpoint,
    organization,
    trustedAccessForIam,
    rootCredentialsManagement: features.features?.includes('RootCredentialsManagement') ?? null,
    rootSessions: features.features?.includes('RootSessions') ?? null,
    delegatedAdministrators,
    capabilities: diagnosis.capabilities,
    problems: diagnosis.problems,
  };
}

/** ListOrganizationsFeatures; with trusted access off it answers ServiceAccessNotEnabledException, which also tells us that. */
async function readFeatures(
  runtime: AwsRuntime,
  hooks: CallHooks,
): Promise<{ features: RootFeature[] | null; trustedAccessOff: boolean }> {
  try {
    return { features: await listRootFeatures(runtime, hooks), trustedAccessOff: false };
  } catch (error) {
    if (hasAwsCode(error, 'ServiceAccessNotEnabledException'))
      return { features: [], trustedAccessOff: true };
    if (
      isCoreError(error) &&
      (error.code === 'AWS_ACCESS_DENIED' || error.code === 'NOT_AUTHORIZED_CALLER')
    ) {
      return { features: null, trustedAccessOff: false };
    }
    throw error;
  }
}
