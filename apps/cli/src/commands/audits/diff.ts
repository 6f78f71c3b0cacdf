import { Args, Flags } from '@oclif/core';
import { type AuditDiff, DIFF_FORMATS, renderAuditDiff } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { EXIT } from '../../exit-codes.js';
import { renderAuditDiffTable } from '../../render/audits.js';

const FORMATS = ['table', ...DIFF_FORMATS] as const;

export default class AuditsDiffCommand extends HistoryCommand<typeof AuditsDiffCommand> {
  static override summary = 'Show what changed between two saved audits (drift).';
  static override description =
    `Per account: root credentials that appeared or disappeared (password, access keys by id and their Active/Inactive status, signing certificates, MFA devices by serial), accounts added or removed, status changes (clean → exposed, …).

Without ids: the last two audits of the organization audited last. With OLD only: OLD against the latest audit of its organization. Only audits of the same organization can be compared. Reads the history only; never calls AWS.

Exit codes: 0 ok (drift or not, unless --fail-on-drift); 1 error; 2 usage (unknown or malformed id, fewer than two audits); 3 drift with --fail-on-drift.`;
  static override examples = [
    '<%= config.bin %> audits diff',
    '<%= config.bin %> audits diff 3f2a9c4e 9b1d7e20 --format markdown',
    '<%= config.bin %> audits diff --fail-on-drift --json   # in a scheduler',
  ];

  static override args = {
    old: Args.string({ description: 'The older audit id (or unique prefix).' }),
    new: Args.string({ description: 'The newer audit id (or unique prefix).' }),
  };

  static override flags = {
    format: Flags.option({ options: FORMATS, description: 'Output format.', default: 'table' })(),
    'fail-on-drift': Flags.boolean({ description: 'Exit 3 when anything drifted (for schedulers).' }),
  };

  async run(): Promise<void> {
    const diff: AuditDiff = await this.engine.diffAudits(this.args.old, this.args.new);
    if (this.jsonEnabled()) this.logJson(diff);
    else if (this.flags.format === 'table') this.log(renderAuditDiffTable(diff));
    else process.stdout.write(renderAuditDiff(diff, this.flags.format));
    if (diff.drift && this.flags['fail-on-drift']) {
      this.logToStderr('Exit 3: drift between the audits (--fail-on-drift).');
      this.exit(EXIT.DRIFT);
    }
  }
}
