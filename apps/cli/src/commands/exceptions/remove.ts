import { Args, Flags } from '@oclif/core';
import type { FindingException } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { currentUser } from '../../current-user.js';

export default class ExceptionsRemoveCommand extends HistoryCommand<typeof ExceptionsRemoveCommand> {
  static override summary = 'Remove an exception (it is kept in the history as removed).';
  static override examples = ['<%= config.bin %> exceptions remove 3f2a9c4e'];

  static override args = {
    id: Args.string({
      description: 'Exception id (or a unique prefix of at least 4 characters).',
      required: true,
    }),
  };
  static override flags = {
    by: Flags.string({ description: 'Who removes it, for the history (default: the current user).' }),
  };

  async run(): Promise<{ exception: FindingException }> {
    const exception = await this.engine.removeException(this.args.id, this.flags.by ?? currentUser());
    this.log(
      `Removed exception ${exception.id} (${exception.accountId} ${exception.findingCode ?? 'all findings'}).`,
    );
    return { exception };
  }
}
