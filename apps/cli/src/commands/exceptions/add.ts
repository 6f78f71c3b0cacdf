import { Flags } from '@oclif/core';
import { FINDING_CODES, type FindingException } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { currentUser } from '../../current-user.js';
import { accountFlag } from '../../flags.js';
import { renderExceptions } from '../../render/exceptions.js';

export default class ExceptionsAddCommand extends HistoryCommand<typeof ExceptionsAddCommand> {
  static override summary =
    'Accept a finding for a while: it stays in every report, marked accepted, and no longer counts for --fail-on.';
  static override description =
    'An exception has an account, optionally one finding code (otherwise every finding of the account), a reason, an owner and an expiry. When it expires it stops applying by itself and reports say so. Kept in $ROOTWARDEN_HOME with its history (who added or removed it, when). For exceptions reviewed in git, use `rootwarden audit --exceptions FILE`.';
  static override examples = [
    '<%= config.bin %> exceptions add --account 111122223333 --finding ROOT_ACCESS_KEY_ACTIVE --reason "legacy batch job, migrating in Q1" --owner platform-team --expires 2027-03-31',
  ];

  static override flags = {
    account: accountFlag('The account the exception is for.'),
    finding: Flags.option({
      options: FINDING_CODES,
      description: 'Only this finding (default: every finding of the account).',
    })(),
    reason: Flags.string({
      description: 'Why the finding is accepted (shown in every report).',
      required: true,
    }),
    owner: Flags.string({ description: 'Who owns the exception: a person or a team.', required: true }),
    expires: Flags.string({
      description: 'Last day the exception applies (YYYY-MM-DD, UTC) or an ISO 8601 timestamp.',
      required: true,
    }),
    by: Flags.string({ description: 'Who adds it, for the history (default: the current user).' }),
  };

  async run(): Promise<{ exception: FindingException }> {
    const accounts = this.flags.account ?? [];
    if (accounts.length !== 1) this.error('Give exactly one --account.', { exit: 2 });
    const exception = await this.engine.addException(
      {
        accountId: accounts[0] as string,
        ...(this.flags.finding ? { findingCode: this.flags.finding } : {}),
        reason: this.flags.reason,
        owner: this.flags.owner,
        expires: this.flags.expires,
      },
      this.flags.by ?? currentUser(),
    );
    this.log(renderExceptions([exception], new Date()));
    this.log(`\nAdded exception ${exception.id}.`);
    return { exception };
  }
}
