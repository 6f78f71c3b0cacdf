import { Args, Flags } from '@oclif/core';
import { HistoryCommand } from '../../base-command.js';
import { complianceFlag, complianceOutput } from '../../compliance-output.js';
import { resolveOutputTarget, writeOutput } from '../../output-file.js';
import {
  AUDIT_OUTPUT_FORMATS,
  type AuditOutputFormat,
  renderAuditReport,
  summaryLine,
} from '../../render/audit.js';

export default class AuditsShowCommand extends HistoryCommand<typeof AuditsShowCommand> {
  static override summary = 'Show a saved audit, in the formats of `rootwarden audit`.';
  static override description =
    'ID is an audit id as `rootwarden audits list` prints it, or a unique prefix of it (at least 4 characters). Reads the history only; never calls AWS.';
  static override examples = [
    '<%= config.bin %> audits show 3f2a9c4e',
    '<%= config.bin %> audits show 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab --format sarif --output root.sarif',
    '<%= config.bin %> audits show 3f2a9c4e --format html --output root-audit.html',
    '<%= config.bin %> audits show 3f2a9c4e --compliance cis-7.0',
  ];

  static override args = {
    id: Args.string({ description: 'Audit id (or a unique prefix of it).', required: true }),
  };

  static override flags = {
    format: Flags.option({
      options: AUDIT_OUTPUT_FORMATS,
      description: 'Output format.',
      default: 'table',
    })(),
    output: Flags.string({
      char: 'o',
      description: 'Write the report to this file instead of stdout (a summary still prints).',
    }),
    compliance: complianceFlag,
  };

  async run(): Promise<void> {
    const format: AuditOutputFormat = this.jsonEnabled() ? 'json' : this.flags.format;
    const target = await resolveOutputTarget(this.flags.output);
    const report = await this.engine.getAudit(this.args.id);
    if (this.flags.compliance) {
      await writeOutput([await complianceOutput(undefined, report, this.flags.compliance, format)], target);
    } else {
      // The HTML page shows the drift since the audit saved before this one.
      const diff =
        format === 'html' ? await this.engine.previousAuditDiff(report).catch(() => undefined) : undefined;
      await writeOutput(renderAuditReport(report, format, this.config.version, { diff }), target);
    }
    if (this.flags.output)
      this.logToStderr(`${summaryLine(report)}\nReport written to ${this.flags.output} (${format}).`);
  }
}
