import { Flags } from '@oclif/core';
import {
  type AccountAuditResult,
  type AuditReport,
  CompactReport,
  type CoreError,
  countsMeetThreshold,
  DEFAULT_CONCURRENCY,
  DEFAULT_RECENT_DAYS,
  type EngineEvent,
  type EngineOptions,
  type FailOn,
  FailOnSchema,
  isCoreError,
  jsonReportChunks,
  MAX_CONCURRENCY,
  type NotificationConfig,
  neutralizeForTerminal,
} from '@rootwarden/core';
import { BaseCommand } from '../base-command.js';
import {
  complianceFlag,
  complianceOutput,
  exceptionsFileFlag,
  loadExceptionsFlag,
} from '../compliance-output.js';
import { EXIT } from '../exit-codes.js';
import { accountFlag, excludeFlag, ouFlag } from '../flags.js';
import { onInterrupt } from '../interrupt.js';
import { JsonAccountSpool } from '../json-spool.js';
import { loadNotifyConfig, notifyConfigFlag } from '../notify-config.js';
import { type OutputSink, openOutput, resolveOutputTarget, writeOutput } from '../output-file.js';
import { createAuditProgress } from '../progress.js';
import { AUDIT_OUTPUT_FORMATS, AuditTable, renderAuditReport, summaryLine } from '../render/audit.js';
import { AuditSummaryView, WORST_ACCOUNTS } from '../render/audit-summary.js';

const FORMATS = [...AUDIT_OUTPUT_FORMATS, 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

export default class AuditCommand extends BaseCommand<typeof AuditCommand> {
  static override summary = 'Audit the root user credentials of every member account of the organization.';
  static override description =
    `For each selected ACTIVE member account: AssumeRoot with the IAMAuditRootUserCredentials task policy, then read the root user's password, access keys (with last use), signing certificates and MFA devices, and evaluate findings. The management account and non-ACTIVE accounts are reported as skipped.

Exit codes: 0 no finding at or above --fail-on; 1 error; 2 usage; 3 findings at or above --fail-on; 4 partial (some accounts could not be audited, or the audit was interrupted: Ctrl-C, SIGTERM or SIGHUP; a second signal quits at once with 128 + its number: 130 SIGINT, 143 SIGTERM, 129 SIGHUP). 3 wins over 4. A history that cannot be saved (full or read-only disk) is a warning: the report is still written and the exit code is the same.`;
  static override examples = [
    '<%= config.bin %> audit --sandbox blog',
    '<%= config.bin %> audit --profile mgmt --region eu-west-1 --format sarif --output root.sarif',
    '<%= config.bin %> audit --ou ou-ab12-11111111 --exclude 111122223333 --fail-on high',
    '<%= config.bin %> audit --summary   # counts and the worst accounts only',
    '<%= config.bin %> audit --format jsonl | jq -c "select(.status==\\"exposed\\")"',
  ];

  static override flags = {
    account: accountFlag('Audit only this account. Repeatable, or comma-separated.'),
    ou: ouFlag('Audit only the accounts under this OU or root, recursively. Repeatable.'),
    exclude: excludeFlag,
    concurrency: Flags.integer({
      description: `The most accounts audited at once: the audit starts at 8 and grows towards this while accounts wait and the CPU has room, and slows down by itself when AWS throttles.`,
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
    compliance: complianceFlag,
    exceptions: exceptionsFileFlag,
    summary: Flags.boolean({
      description: `Show only the counts, findings by code, the ${WORST_ACCOUNTS} worst accounts and why accounts could not be audited (for large organizations; table format).`,
      default: false,
    }),
    'recent-days': Flags.integer({
      description: 'ROOT_RECENTLY_USED fires for a password or key used within this many days.',
      default: DEFAULT_RECENT_DAYS,
      min: 1,
    }),
    'notify-config': notifyConfigFlag,
  };

  #notifications: NotificationConfig | undefined;

  protected override engineOptions(): EngineOptions {
    return {
      ...super.engineOptions(),
      ...(this.#notifications ? { notifications: this.#notifications, env: process.env } : {}),
    };
  }

  async run(): Promise<void> {
    const flags = this.flags;
    this.#notifications = await loadNotifyConfig(flags['notify-config']);
    const format: Format = this.jsonEnabled() ? 'json' : flags.format;
    const target = await resolveOutputTarget(flags.output);
    const writtenTo = flags.output;
    const exceptions = await loadExceptionsFlag(flags.exceptions);
    if (flags.compliance && format === 'jsonl')
      this.error('--compliance prints table, json or markdown, not jsonl.', { exit: EXIT.USAGE });
    if (flags.summary && (format !== 'table' || flags.compliance))
      this.error(
        `--summary is a view of the table format; it cannot be combined with ${flags.compliance ? '--compliance' : this.jsonEnabled() ? '--json' : `--format ${format}`}.`,
        { exit: EXIT.USAGE, suggestions: ['Use --summary alone, or a --format without --summary.'] },
      );

    // Ctrl-C, SIGTERM (CI cancellation, `timeout`, Kubernetes) and SIGHUP: a partial, saved report.
    const interrupt = onInterrupt((message) => this.logToStderr(message));
    let spool: JsonAccountSpool | undefined;
    try {
      const progress = createAuditProgress();
      // jsonl streams each account as it is done, to stdout or (atomically) to --output.
      const sink = format === 'jsonl' ? await openOutput(target) : undefined;
      // Formats of one row per account keep a compact row of each result, never the results.
      // --compliance evaluates whole results, so it takes the whole report instead.
      const summaryView = flags.summary ? new AuditSummaryView() : undefined;
      const table = format === 'table' && !flags.compliance && !summaryView ? new AuditTable() : undefined;
      const compact =
        (format === 'csv' || format === 'markdown') && !flags.compliance
          ? new CompactReport(format)
          : undefined;
      // A JSON report keeps its accounts on disk until it is written (json-spool.ts).
      spool = format === 'json' && !flags.compliance && !summaryView ? new JsonAccountSpool() : undefined;
      const streamResults =
        format === 'jsonl' ||
        table !== undefined ||
        compact !== undefined ||
        summaryView !== undefined ||
        spool !== undefined;
      const onEvent = (event: EngineEvent) => {
        progress?.onEvent(event);
        if (event.type !== 'account-done') return;
        sink?.write(`${JSON.stringify(accountLine(event.result))}\n`);
        table?.add(event.result);
        compact?.add(event.result);
        summaryView?.add(event.result);
        spool?.add(event.result);
      };
      let saveError: CoreError | undefined;

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
          {
            signal: interrupt.signal,
            onEvent,
            save: flags.save,
            streamResults,
            exceptions,
            // An unusable history never costs the report: it is written, and the cause is a warning.
            onSaveFailed: (error) => {
              saveError = error;
            },
          },
        );
      } catch (error) {
        await sink?.discard();
        throw error;
      } finally {
        progress?.stop();
      }

      // An unsaved report cites no audit id (markdown, html): nothing could look it up.
      const saved = flags.save && saveError === undefined;
      if (format === 'jsonl') {
        const lines = sink as OutputSink;
        lines.write(`${JSON.stringify(summaryRecord(report))}\n`);
        try {
          await lines.commit();
        } catch (error) {
          await lines.discard();
          throw error;
        }
      } else if (flags.compliance) {
        await writeOutput([await complianceOutput(this.engine, report, flags.compliance, format)], target);
      } else if (summaryView) {
        await writeOutput([`${summaryView.render(report)}\n`], target);
      } else if (table) {
        await writeOutput(table.render(report), target);
      } else if (compact) {
        await writeOutput(compact.chunks(report, saved), target);
      } else if (spool) {
        await writeOutput(jsonReportChunks(report, spool.texts()), target);
      } else {
        const diff =
          format === 'html' ? await this.engine.previousAuditDiff(report).catch(() => undefined) : undefined;
        await writeOutput(renderAuditReport(report, format, this.config.version, { diff, saved }), target);
      }
      for (const warning of report.warnings ?? []) this.warnUser(warning);
      if (writtenTo) this.logToStderr(`${summaryLine(report)}\nReport written to ${writtenTo} (${format}).`);
      if (saveError) this.warnNotSaved(saveError);
      else if (flags.save && (format === 'table' || writtenTo))
        this.logToStderr(`Saved as audit ${report.auditId} (rootwarden audits show ${report.auditId}).`);

      // The guard's notification step, as the API runs it after every audit: only for a saved audit.
      if (saved && !interrupt.signal.aborted && (this.#notifications?.channels.length ?? 0) > 0)
        await this.notify(report, interrupt.signal);

      const code = exitCode(report, flags['fail-on']);
      if (code === EXIT.FINDINGS)
        this.logToStderr(`Exit 3: findings at or above --fail-on ${flags['fail-on']}.`);
      if (code === EXIT.PARTIAL)
        this.logToStderr(
          `Exit 4: partial result (${report.summary.unknown} account(s) could not be audited${report.complete ? '' : ', audit interrupted'}).`,
        );
      if (code !== EXIT.OK) this.exit(code);
    } finally {
      spool?.close();
      await interrupt.dispose();
    }
  }

  /**
   * After a saved audit: what needs a person goes to the configured channels (engine.guardAfterAudit, the
   * API's step). A failure is a warning: it never costs the report or changes the exit code.
   */
  private async notify(report: AuditReport, signal: AbortSignal): Promise<void> {
    try {
      // A streamed report keeps no accounts: the guard compares the saved one with the previous audit.
      const whole =
        report.accounts.length === 0 && report.summary.accounts > 0
          ? await this.engine.getAudit(report.auditId)
          : report;
      const result = await this.engine.guardAfterAudit(whole, { signal });
      for (const delivery of result.deliveries)
        if (delivery.status === 'delivered')
          this.logToStderr(
            `Notified ${delivery.channel} (${result.notification?.events.length ?? 0} event(s)).`,
          );
        else
          this.warnUser({
            code: 'NOTIFICATION_FAILED',
            message: `The notification to channel ${delivery.channel} was not delivered (${delivery.status}${delivery.lastError ? `: ${delivery.lastError}` : ''}).`,
            fix: 'It is sent again after the next saved audit with the same notifications config.',
          });
      for (const [accountId, planId] of Object.entries(result.plans))
        this.logToStderr(
          `Account ${accountId} joined exposed: prepared plan ${planId} (review it, then rootwarden apply ${planId}${this.connectionArguments()}).`,
        );
      for (const problem of result.problems)
        this.warnUser({
          code: problem.code,
          message: `The new account ${problem.accountId} could not be audited or planned.`,
          fix: `Audit it again: rootwarden audit --account ${problem.accountId}${this.connectionArguments()}`,
        });
    } catch (error) {
      this.warnUser({
        code: isCoreError(error) ? error.code : 'INTERNAL',
        message: `The notification step failed: ${error instanceof Error ? error.message : String(error)}.`,
        fix: 'The report is complete; check the notifications config (--notify-config) and the receivers.',
      });
    }
  }

  /** The report was written but not saved: why (the store's code and cause), and how to go on. */
  private warnNotSaved(error: CoreError): void {
    this.warnLine(
      neutralizeForTerminal(
        `Warning: the report was not saved to the history: ${error.message} [${error.code}]`,
      ),
    );
    if (error.fix) this.warnLine(`  ${neutralizeForTerminal(error.fix)}`);
    this.warnLine('  The report itself is complete. Use --no-save to skip the history.');
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
