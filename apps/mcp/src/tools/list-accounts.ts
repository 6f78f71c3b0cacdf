import { InventorySchema, type ListAccountsInput, ListAccountsInputSchema } from '@rootwarden/core';
import { renderInventory, UNTRUSTED_TEXT_NOTE } from '../render.js';
import { defineTool } from '../tool.js';

/** `rootwarden accounts list`: the member accounts, with OU path and whether an audit would skip them. */
export const listAccountsTool = defineTool<ListAccountsInput, unknown>({
  name: 'list-accounts',
  title: 'List member accounts',
  description: `The accounts of the organization (or of the given OUs, recursively) with their OU path and state; accounts an audit skips (the management account, suspended or closed ones) say why. Reads only. ${UNTRUSTED_TEXT_NOTE}`,
  inputSchema: ListAccountsInputSchema.extend({
    ous: ListAccountsInputSchema.shape.ous.describe(
      'Only accounts under these OUs or roots, recursively (ou-… or r-… ids). Default: the whole organization.',
    ),
  }),
  outputSchema: InventorySchema,
  annotations: { title: 'List member accounts', readOnlyHint: true, openWorldHint: true },
  async run(input, extra, { engine }) {
    const inventory = await engine.listAccounts(input, { signal: extra.signal });
    return { structured: inventory, text: renderInventory(inventory) };
  },
});
