import { Flags } from '@oclif/core';
import {
  type AuditListEntry,
  DEFAULT_AUDIT_LIST_LIMIT,
  databasePath,
  describeStoreUrl,
  ListAuditsInputSchema,
  neutralizeForTerminal,
  parseInput,
  resolveHome,
} from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { renderAuditList } from '../../render/audits.js';

export default class AuditsListCommand extends HistoryCommand<typeof AuditsListCommand> {
  static override summary = 'List saved audits, newest first.';
  static override description =
    'Every `rootwarden audit` is saved (unless --no-save) in $ROOTWARDEN_HOME/rootwarden.db (default ~/.rootwarden), or the PostgreSQL database of --store / ROOTWARDEN_STORE_URL. This reads that history; it never calls AWS.';
  static override examples = [
    '<%= config.bin %> audits list',
    '<%= config.bin %> audits list --organization o-a1b2c3d4e5 --limit 5 --json',
  ];

  static override flags = {
    organization: Flags.string({ description: 'Only audits of this organization (o-…).' }),
    limit: Flags.integer({
      description: 'Show at most this many audits.',
      default: DEFAULT_AUDIT_LIST_LIMIT,
      min: 1,
    }),
  };

  async run(): Promise<{ audits: AuditListEntry[] }> {
    const input = parseInput(ListAuditsInputSchema, {
      ...(this.flags.organization ? { organizationId: this.flags.organization } : {}),
      limit: this.flags.limit,
    });
    // One damaged row never hides the others: it is left out and named here.
    const audits = await this.engine.listAudits(input, {
      // On stderr even with --json (oclif's logToStderr is silent then): the list is incomplete.
      onUnreadable: ({ auditId, error }) =>
        process.stderr.write(
          `${neutralizeForTerminal(`Warning: saved audit ${auditId} is unreadable and left out: ${error.message} [${error.code}]`)}\n`,
        ),
    });
    // Where the list came from: the PostgreSQL database (never its password) or the SQLite file.
    const storeUrl = this.flags.store || process.env.ROOTWARDEN_STORE_URL;
    this.log(renderAuditList(audits, storeUrl ? describeStoreUrl(storeUrl) : databasePath(resolveHome())));
    return { audits };
  }
}
