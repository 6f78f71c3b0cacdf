import type { Inventory } from '@rootwarden/core';
import { BaseCommand } from '../../base-command.js';
import { ouFlag } from '../../flags.js';
import { renderInventory } from '../../render/accounts.js';

export default class AccountsListCommand extends BaseCommand<typeof AccountsListCommand> {
  static override summary =
    'List member accounts with their OU path, state, and why an audit would skip them.';
  static override examples = [
    '<%= config.bin %> accounts list --sandbox exposed',
    '<%= config.bin %> accounts list --ou ou-ab12-11111111 --json',
  ];

  static override flags = {
    ou: ouFlag('Only accounts under this OU or root (recursively). Repeatable.'),
  };

  async run(): Promise<Inventory> {
    const inventory = await this.engine.listAccounts({ ous: this.flags.ou ?? [] });
    this.log(renderInventory(inventory));
    for (const warning of inventory.warnings ?? []) this.warnUser(warning);
    return inventory;
  }
}
