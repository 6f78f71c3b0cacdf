import type { Inventory } from '@rootwarden/core';
import { neutralizeStringsForTerminal } from '@rootwarden/core';
import { colors } from './colors.js';
import { renderTable } from './table.js';

export function renderInventory(untrustedInventory: Inventory): string {
  // Names, OU paths and AWS messages may hold escape sequences or bidi overrides: shown, never run.
  const inventory = neutralizeStringsForTerminal(untrustedInventory);
  const rows = inventory.accounts.map((account) => [
    account.accountId,
    account.name,
    account.state,
    account.ouPathText || '-',
    account.skipReason
      ? colors.dim(`skip: ${account.skipDetail ?? account.skipReason}`)
      : colors.green('yes'),
  ]);
  const { total, auditable, skipped } = inventory.summary;
  return [
    renderTable(['ACCOUNT', 'NAME', 'STATE', 'OU PATH', 'AUDITED'], rows),
    '',
    `${total} account${total === 1 ? '' : 's'} in ${inventory.organizationId}: ${auditable} auditable, ${skipped} skipped.`,
  ].join('\n');
}
