import { Flags } from '@oclif/core';
import type { EnableResult } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { confirmOrRefuse } from '../../confirm.js';
import { EXIT } from '../../exit-codes.js';
import { renderEnableSteps, renderOrgStatus } from '../../render/org-status.js';

export default class OrgEnableCommand extends BaseCommand<typeof OrgEnableCommand> {
  static override summary = 'Enable centralized root access for the organization (idempotent).';
  static override description =
    'From the management account: enables trusted access for IAM, then RootCredentialsManagement and RootSessions (privileged root actions: needed to unlock S3 bucket and SQS queue policies and, per the IAM User Guide, for members to recover root credentials; --no-root-sessions skips it). Steps already done are skipped. Asks for confirmation unless --yes.';
  static override examples = [
    '<%= config.bin %> org enable',
    '<%= config.bin %> org enable --yes',
    '<%= config.bin %> org enable --no-root-sessions',
  ];

  static override flags = {
    'root-sessions': Flags.boolean({
      description:
        'Also enable privileged root actions (S3/SQS unlock tasks; password recovery per the IAM User Guide). On by default: --no-root-sessions enables RootCredentialsManagement only.',
      default: true,
      allowNo: true,
    }),
    yes: Flags.boolean({
      char: 'y',
      description: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
  };

  async run(): Promise<EnableResult | undefined> {
    const rootSessions = this.flags['root-sessions'];
    const preview = await this.engine.previewEnableRootAccess({ rootSessions });
    const pending = preview.steps.filter((step) => step.status === 'pending');
    if (pending.length === 0) {
      this.log('Centralized root access is already enabled; nothing to do.');
      this.log(renderEnableSteps(preview.steps));
      return { steps: preview.steps, status: preview.status };
    }
    this.logToStderr(
      `This will change organization ${preview.status.organization?.id ?? ''}:\n${renderEnableSteps(preview.steps)}`,
    );
    const confirmed = await confirmOrRefuse('Proceed?', {
      yes: this.flags.yes,
      action: 'change organization settings',
    });
    if (!confirmed) {
      this.logToStderr('Cancelled; nothing was changed.');
      this.exit(EXIT.ERROR);
    }
    const result = await this.engine.enableRootAccess({ rootSessions });
    this.log(renderEnableSteps(result.steps));
    this.log('');
    this.log(renderOrgStatus(result.status));
    return result;
  }
}
