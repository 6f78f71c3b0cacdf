import { type CallHooks, describeOrganization, type OrgAccountRecord } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Account, Inventory } from '../domain/account.js';
import { CoreError } from '../errors.js';
import { type SkipContext, skipReasonFor } from '../rules/skip-reason.js';
import type { OrgTree } from './org-tree.js';
import { selectAccounts } from './selection.js';

/** Which accounts a command works on: explicit ids, whole OUs (recursively), or the organization. */
export interface Selection {
  accounts: readonly string[];
  ous: readonly string[];
  exclude: readonly string[];
}

/** Refuses selections that contradict themselves, before any AWS call. */
export function checkSelection(selection: Selection): void {
  if (selection.accounts.length > 0 && selection.ous.length > 0) {
    throw new CoreError(
      'INVALID_INPUT',
      'Choose accounts either by id (--account) or by OU (--ou), not both.',
      {
        fix: 'Drop --account or --ou; an OU selection already includes every account under it.',
        details: { field: 'accounts' },
      },
    );
  }
  const excluded = new Set(selection.exclude);
  const both = selection.accounts.filter((id) => excluded.has(id));
  if (both.length > 0) {
    throw new CoreError(
      'INVALID_INPUT',
      `Account ${both.join(', ')} is both selected (--account) and excluded (--exclude).`,
      {
        fix: 'Keep each account in only one of --account and --exclude.',
        details: { field: 'exclude', accounts: both },
      },
    );
  }
}

/** The domain view of one account: OU path by name, and why an audit would skip it. */
export function toAccount(record: OrgAccountRecord, tree: OrgTree, skip: SkipContext): Account {
  const parentIds = record.parentIds ?? [];
  const ouPath = parentIds.map((id) => ({ id, name: tree.units.get(id)?.name ?? id }));
  const skipped = skipReasonFor(record, skip);
  return {
    accountId: record.accountId,
    name: record.name,
    email: record.email,
    state: record.state,
    ...(record.joinedMethod ? { joinedMethod: record.joinedMethod } : {}),
    ...(record.joinedAt ? { joinedAt: record.joinedAt } : {}),
    ouPath,
    ouPathText: ouPath.map((unit) => unit.name).join('/'),
    ...(skipped ? { skipReason: skipped.reason, skipDetail: skipped.detail } : {}),
  };
}

/** `accounts list`: the selected accounts with OU paths and skip reasons. */
export async function listOrganizationAccounts(
  runtime: AwsRuntime,
  selection: Selection,
  hooks: CallHooks = {},
): Promise<Inventory> {
  checkSelection(selection);
  const organization = await describeOrganization(runtime, hooks);
  const selected = selectAccounts(runtime, selection, organization, hooks);
  const records = new Map<string, OrgAccountRecord>();
  for await (const page of selected.batches) {
    for (const record of page) records.set(record.accountId, record);
  }
  const orgTree = await selected.tree;
  const skip = { managementAccountId: organization.managementAccountId, exclude: new Set(selection.exclude) };
  const accounts = [...records.values()]
    .map((record) => toAccount(record, orgTree, skip))
    .sort(
      (a, b) =>
        a.ouPathText.localeCompare(b.ouPathText) ||
        a.name.localeCompare(b.name) ||
        a.accountId.localeCompare(b.accountId),
    );
  const skipped = accounts.filter((account) => account.skipReason !== undefined).length;
  return {
    organizationId: organization.id,
    managementAccountId: organization.managementAccountId,
    accounts,
    summary: { total: accounts.length, auditable: accounts.length - skipped, skipped },
  };
}
