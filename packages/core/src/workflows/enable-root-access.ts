import { enableRootFeature } from '../aws/identity-and-features.js';
import { type CallHooks, enableServiceAccess } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { EnableResult, EnableStep } from '../domain/org-status.js';
import { CoreError } from '../errors.js';
import { planEnableSteps } from '../rules/plan-enable.js';
import { getOrgStatus, IAM_SERVICE_PRINCIPAL } from './org-status.js';

/** What `enable` would do now, without doing it (for the confirmation prompt). */
export async function previewEnableRootAccess(
  runtime: AwsRuntime,
  rootSessions: boolean,
  hooks: CallHooks = {},
) {
  const status = await getOrgStatus(runtime, hooks);
  return { status, steps: planEnableSteps(status, rootSessions) };
}

/**
 * Idempotent enablement of centralized root access. Only the management account may enable it
 * (the Enable* calls answer CallerIsNotManagementAccountException elsewhere), so anyone else is
 * refused before any call.
 */
export async function enableRootAccess(
  runtime: AwsRuntime,
  rootSessions: boolean,
  hooks: CallHooks = {},
): Promise<EnableResult> {
  const { status, steps } = await previewEnableRootAccess(runtime, rootSessions, hooks);
  if (status.organization === null) {
    throw new CoreError(
      'ORGANIZATION_NOT_FOUND',
      `Account ${status.caller.accountId} is not in an AWS Organization.`,
      {
        fix: 'Run `rootwarden org enable` with credentials of your organization’s management account.',
      },
    );
  }
  if (status.caller.role !== 'management') {
    throw new CoreError(
      'NOT_AUTHORIZED_CALLER',
      `Only the management account (${status.organization.managementAccountId}) can enable centralized root access; you are ${status.caller.arn}.`,
      {
        fix: `Run \`rootwarden org enable\` with credentials of account ${status.organization.managementAccountId}.`,
      },
    );
  }

  const done: EnableStep[] = [];
  for (const step of steps) {
    if (step.status === 'pending') {
      if (step.step === 'trusted-access') await enableServiceAccess(runtime, IAM_SERVICE_PRINCIPAL, hooks);
      if (step.step === 'root-credentials-management')
        await enableRootFeature(runtime, 'RootCredentialsManagement', hooks);
      if (step.step === 'root-sessions') await enableRootFeature(runtime, 'RootSessions', hooks);
      done.push({ ...step, status: 'done' });
    } else {
      done.push(step);
    }
  }
  return { steps: done, status: await getOrgStatus(runtime, hooks) };
}
