import type { EnableStep, OrgStatus } from '../domain/org-status.js';

/**
 * The enablement steps, in the order AWS requires them: trusted access for IAM, then
 * RootCredentialsManagement, then (when asked) RootSessions. Steps already in place are marked so
 * and skipped; running enable twice changes nothing the second time.
 */
export function planEnableSteps(status: OrgStatus, rootSessions: boolean): EnableStep[] {
  const steps: EnableStep[] = [
    {
      step: 'trusted-access',
      description: 'Enable trusted access for IAM (organizations:EnableAWSServiceAccess iam.amazonaws.com)',
      status: status.trustedAccessForIam === true ? 'already-enabled' : 'pending',
    },
    {
      step: 'root-credentials-management',
      description: 'Enable root credentials management (iam:EnableOrganizationsRootCredentialsManagement)',
      status: status.rootCredentialsManagement === true ? 'already-enabled' : 'pending',
    },
  ];
  if (rootSessions) {
    steps.push({
      step: 'root-sessions',
      description: 'Enable privileged root actions in member accounts (iam:EnableOrganizationsRootSessions)',
      status: status.rootSessions === true ? 'already-enabled' : 'pending',
    });
  }
  return steps;
}
