import { Flags } from '@oclif/core';
import {
  type AccountAuditResult,
  type AuditReport,
  CompactReport,
  countsMeetThreshold,
  DEFAULT_CONCURRENCY,
  DEFAULT_RECENT_DAYS,
  type EngineEvent,
  type FailOn,
  FailOnSchema,
  MAX_CONCURRENCY,
} from '@rootwarden/core';
import { BaseCommand } from '../base-command.js';
import { EXIT } from '../exit-codes.js';
import { accountFlag, excludeFlag, ouFlag } from '../flags.js';
import { assertWritable, openAtomicStream, writeOutput } from '../output-file.js';
import { createAuditProgress } from '../progress.js';
import { AUDIT_OUTPUT_FORMATS, AuditTable, renderAuditReport, summaryLine } from '../render/audit.js';

const FORMATS = [...AUDIT_OUTPUT_FORMATS, 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

export default class AuditCommand extends BaseCommand<typeof AuditCommand> {
  static override summary = 'Audit the root user credentials of every member account of the organization.';
  static override description =
    `For each selected ACTIVE member account: AssumeRoot with the IAMAuditRootUserCredentials task policy, then read the root user's password, access keys (with last use), signing certificates and MFA devices, and evaluate findings. The management account and non-ACTIVE accounts are reported as skipped.

Exit codes: 0 no finding at or above --fail-on; 1 error; 2 usage; 3 findings at or above --fail-on; 4 partial (some accounts could not be audited, or the audit was interrupted). 3 wins over 4.`;
  static override examples = [
    '<%= config.bin %> audit --sandbox blog',
    '<%= config.bin %> audit --profile mgmt --region eu-west-1 --format sarif --output root.sarif',
    '<%= config.bin %> audit --ou ou-ab12-11111111 --exclude 111122223333 --fail-on high',
    '<%= config.bin %> audit --format jsonl | jq -c "select(.status==\\"exposed\\")"',
  ];

  static override flags = {
    account: accountFlag('Audit only this account. Repeatable, or comma-separated.'),
    ou: ouFlag('Audit only the accounts under this OU or root, recursively. Repeatable.'),
    exclude: excludeFlag,
    concurrency: Flags.integer({
      description: `Accounts audited at once (an upper bound: the audit slows down by itself when AWS throttles).`,
      default: DEFAULT_CONCURRENCY,
      min: 1,
      max: MAX_CONCURRENCY,
    }),
    format: Flags.option({ options: FORMATS, description: 'Output format.', default: 'table' })(),
    output: Flags.string({
      char: 'o',
      description: 'Write the report to this file instead of stdout (a summary still prints).',
    }),
    'fail-on': Flags.option({
      options: FailOnSchema.options,
      description: 'Exit 3 when a finding is at or above this severity.',
      default: 'low',
    })(),
    save: Flags.boolean({
      description:
        'Save the report to the audit history (`rootwarden audits`), in $ROOTWARDEN_HOME/rootwarden.db (default ~/.rootwarden) or the --store database. --no-save keeps nothing.',
      default: true,
      allowNo: true,
    }),
    'recent-days': Flags.integer({
      description: 'ROOT_RECENTLY_USED fires for a password or key used within this many days.',
      default: DEFAULT_RECENT_DAYS,
      min: 1,
    }),
  };

  async run(): Promise<void> {
    const flags = this.flags;
    const format: Format = this.jsonEnabled() ? 'json' : flags.format;
    const outputFile = flags.output ? await assertWritable(flags.output) : undefined;

    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      this.logToStderr('\nInterrupted: finishing with a partial report (Ctrl-C again to quit at once).');
      controller.abort();
    };
    process.on('SIGINT', onSignal);

    const progress = createAuditProgress();
    const sink = format === 'jsonl' ? (outputFile ? openAtomicStream(outputFile) : undefined) : undefined;
    const writeLine = (line: string) =>
      sink ? sink.stream.write(`${line}\n`) : process.stdout.write(`${line}\n`);
    // Formats of one row per account keep a compact row of each result, never the results.
    const table = format === 'table' ? new AuditTable() : undefined;
    const compact = format === 'csv' || format === 'markdown' ? new CompactReport(format) : undefined;
    const streamResults = format === 'jsonl' || table !== undefined || compact !== undefined;
    const onEvent = (event: EngineEvent) => {
      progress?.onEvent(event);
      if (event.type !== 'account-done') return;
      if (format === 'jsonl') writeLine(JSON.stringify(accountLine(event.result)));
      table?.add(event.result);
      compact?.add(event.result);
    };

    let report: AuditReport;
    try {
      report = await this.engine.audit(
        {
          accounts: flags.account ?? [],
          ous: flags.ou ?? [],
          exclude: flags.exclude ?? [],
          concurrency: flags.concurrency,
          recentDays: flags['recent-days'],
        },
        { signal: controller.signal, onEvent, save: flags.save, streamResults },
      );
    } catch (error) {
      await sink?.discard();
      throw error;
    } finally {
      progress?.stop();
      process.off('SIGINT', onSignal);
    }

    if (format === 'jsonl') {
      writeLine(JSON.stringify(summaryRecord(report)));
      await sink?.commit();
    } else if (table) {
      await writeOutput([`${table.render(report)}\n`], outputFile);
    } else if (compact) {
      await writeOutput(compact.chunks(report), outputFile);
    } else {
      await writeOutput(renderAuditReport(report, format, this.config.version), outputFile);
    }
    if (outputFile) this.logToStderr(`${summaryLine(report)}\nReport written to ${outputFile} (${format}).`);
    if (flags.save && (format === 'table' || outputFile))
      this.logToStderr(`Saved as audit ${report.auditId} (rootwarden audits show ${report.auditId}).`);

    const code = exitCode(report, flags['fail-on']);
    if (code === EXIT.FINDINGS)
      this.logToStderr(`Exit 3: findings at or above --fail-on ${flags['fail-on']}.`);
    if (code === EXIT.PARTIAL)
      this.logToStderr(
        `Exit 4: partial result (${report.summary.unknown} account(s) could not be audited${report.complete ? '' : ', audit interrupted'}).`,
      );
    if (code !== EXIT.OK) this.exit(code);
  }
}

/** 3 when a finding reaches --fail-on; otherwise 4 when any account is unknown or the audit was interrupted. */
export function exitCode(report: AuditReport, failOn: FailOn): number {
  if (countsMeetThreshold(report.summary.findings, failOn)) return EXIT.FINDINGS;
  if (!report.complete || report.summary.unknown > 0) return EXIT.PARTIAL;
  return EXIT.OK;
}

function accountLine(result: AccountAuditResult) {
  return { type: 'account', ...result };
}

function summaryRecord(report: AuditReport) {
  const { accounts: _accounts, ...rest } = report;
  return { type: 'summary', ...rest };
}
