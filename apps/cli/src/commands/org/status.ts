import type { OrgStatus } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { colors } from '../../render/colors.js';
import { renderOrgStatus } from '../../render/org-status.js';
import { renderPolicyGroups } from '../../render/policies.js';

export default class OrgStatusCommand extends BaseCommand<typeof OrgStatusCommand> {
  static override summary = 'Who you are, and whether the organization is ready for centralized root access.';
  static override description =
    'Shows the caller and its role (management account, IAM delegated admin, or neither), the organization feature set, trusted access for IAM, RootCredentialsManagement, RootSessions and the delegated admin, and every problem with the exact fix. Reads only.';
  static override examples = [
    '<%= config.bin %> org status',
    '<%= config.bin %> org status --sandbox',
    '<%= config.bin %> org status --profile mgmt --json',
  ];

  async run(): Promise<OrgStatus> {
    const status = await this.engine.getOrgStatus();
    this.log(renderOrgStatus(status));
    if (!this.jsonEnabled() && status.organization) this.log(`\n${await this.policiesSection()}`);
    return status;
  }

  /** Accounts blocked per task by SCPs/RCPs; a failure here never costs the status above. */
  private async policiesSection(): Promise<string> {
    try {
      return `Organization policies\n${renderPolicyGroups(await this.engine.checkPolicies())}`;
    } catch (error) {
      return `Organization policies\n${colors.yellow(`not available: ${(error as Error).message}`)}`;
    }
  }
}
