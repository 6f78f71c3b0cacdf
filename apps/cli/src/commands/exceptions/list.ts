import { Flags } from '@oclif/core';
import type { ExceptionEvent, FindingException } from '@rootwarden/core';
import { HistoryCommand } from '../../base-command.js';
import { renderExceptionEvents, renderExceptions } from '../../render/exceptions.js';

export default class ExceptionsListCommand extends HistoryCommand<typeof ExceptionsListCommand> {
  static override summary =
    'List the exceptions in the history (expired ones marked), or their history with --history.';
  static override examples = [
    '<%= config.bin %> exceptions list',
    '<%= config.bin %> exceptions list --history --json',
  ];

  static override flags = {
    history: Flags.boolean({ description: 'Who added and removed which exception, and when.' }),
  };

  async run(): Promise<{ exceptions: FindingException[] } | { events: ExceptionEvent[] }> {
    if (this.flags.history) {
      const events = await this.engine.listExceptionEvents();
      this.log(renderExceptionEvents(events));
      return { events };
    }
    const exceptions = await this.engine.listExceptions();
    this.log(renderExceptions(exceptions, new Date()));
    return { exceptions };
  }
}
