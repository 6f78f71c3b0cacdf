import pLimit from 'p-limit';
import {
  type CallHooks,
  describeAccount,
  describeOrganization,
  listAccountPages,
  listAccountsForParent,
  listChildOus,
  listRoots,
  type OrgAccountRecord,
  type OrganizationInfo,
  type OrgUnit,
} from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Account, Inventory } from '../domain/account.js';
import type { ReportWarning } from '../domain/common.js';
import { CoreError, isCoreError } from '../errors.js';
import { type SkipContext, skipReasonFor } from '../rules/skip-reason.js';

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

/** The organization's roots and OUs by id, for OU paths and OU selection. */
export class OrgTree {
  readonly units = new Map<string, OrgUnit>();

  /** Ancestors from the root down to `parentId` (inclusive). */
  pathTo(parentId: string): OrgUnit[] {
    const path: OrgUnit[] = [];
    for (
      let unit = this.units.get(parentId);
      unit;
      unit = unit.parentId ? this.units.get(unit.parentId) : undefined
    ) {
      path.unshift(unit);
    }
    return path;
  }

  /** `rootOrOuId` and every OU below it. */
  subtree(rootOrOuId: string): OrgUnit[] {
    const result: OrgUnit[] = [];
    const queue = [rootOrOuId];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const unit = this.units.get(id);
      if (unit) result.push(unit);
      for (const child of this.units.values()) if (child.parentId === id) queue.push(child.id);
    }
    return result;
  }
}

/** The warning for OU reads that were denied, naming the permission that was missing. */
export function ouNamesWarning(error: CoreError): ReportWarning {
  const operation = typeof error.details?.operation === 'string' ? error.details.operation : 'ListRoots';
  return {
    code: 'OU_NAMES_UNAVAILABLE',
    message: `OU paths show OU ids, not names: organizations:${operation} was denied (AccessDenied).`,
    fix: 'Grant organizations:ListRoots and organizations:ListOrganizationalUnitsForParent to show OU names.',
  };
}

/**
 * Walks roots and OUs breadth-first. ListOrganizationalUnitsForParent allows 5 requests/s (burst 8)
 * per account, so a few calls at once are as fast as it gets.
 */
export async function loadOrgTree(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<OrgTree> {
  const tree = new OrgTree();
  const limit = pLimit(4);
  const visit = async (parentId: string): Promise<void> => {
    const children = await limit(() => listChildOus(runtime, parentId, hooks));
    for (const child of children) tree.units.set(child.id, child);
    await Promise.all(children.map((child) => visit(child.id)));
  };
  const roots = await listRoots(runtime, hooks);
  for (const root of roots) tree.units.set(root.id, root);
  await Promise.all(roots.map((root) => visit(root.id)));
  return tree;
}

/**
 * The selected accounts, streamed a batch at a time so work can start before listing ends.
 * Explicit ids are checked with DescribeAccount (an id outside the organization is refused); OUs
 * are expanded with the tree; the whole organization comes from ListAccounts.
 */
export async function* streamSelectedAccounts(
  runtime: AwsRuntime,
  selection: Selection,
  tree: Promise<OrgTree>,
  organization: OrganizationInfo,
  hooks: CallHooks = {},
): AsyncGenerator<OrgAccountRecord[]> {
  if (selection.accounts.length > 0) {
    const limit = pLimit(8);
    const unique = [...new Set(selection.accounts)];
    yield await Promise.all(
      unique.map((accountId) =>
        limit(async () => {
          try {
            return await describeAccount(runtime, accountId, hooks);
          } catch (error) {
            if (isCoreError(error) && error.code === 'ACCOUNT_NOT_IN_ORG') {
              throw new CoreError(
                'ACCOUNT_NOT_IN_ORG',
                `Account ${accountId} is not a member of organization ${organization.id}.`,
                {
                  fix: 'Check the id with `rootwarden accounts list`.',
                  details: { field: 'accounts', accountId },
                },
              );
            }
            throw error;
          }
        }),
      ),
    );
    return;
  }
  if (selection.ous.length > 0) {
    const orgTree = await tree.catch((error: unknown) => {
      if (isCoreError(error) && error.code === 'AWS_ACCESS_DENIED') {
        throw new CoreError(
          'AWS_ACCESS_DENIED',
          `Selecting accounts by OU needs the OU tree, and ${error.message}`,
          {
            fix: 'Grant organizations:ListRoots, organizations:ListOrganizationalUnitsForParent and organizations:ListAccountsForParent, or select accounts with --account instead of --ou.',
            details: { ...error.details, field: 'ous' },
          },
        );
      }
      throw error;
    });
    const units = new Map<string, OrgUnit>();
    for (const ouId of selection.ous) {
      if (!orgTree.units.has(ouId)) {
        throw new CoreError('OU_NOT_FOUND', `OU ${ouId} is not in organization ${organization.id}.`, {
          fix: 'List OUs and their ids with `rootwarden accounts list` (column OU path) or `aws organizations list-organizational-units-for-parent`.',
          details: { field: 'ous', ouId },
        });
      }
      for (const unit of orgTree.subtree(ouId)) units.set(unit.id, unit);
    }
    const limit = pLimit(4);
    const batches = [...units.values()].map((unit) =>
      limit(async () => {
        const records = await listAccountsForParent(runtime, unit.id, hooks);
        const parentIds = orgTree.pathTo(unit.id).map((ancestor) => ancestor.id);
        return records.map((record) => ({ ...record, parentIds: record.parentIds ?? parentIds }));
      }),
    );
    // Every batch runs at once; consume them in order, and keep a failed one from going unhandled meanwhile.
    for (const batch of batches) batch.catch(() => undefined);
    for (const batch of batches) yield await batch;
    return;
  }
  yield* listAccountPages(runtime, hooks);
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
  const tree = loadOrgTree(runtime, hooks);
  tree.catch(() => undefined); // awaited below; avoid an unhandled rejection while listing
  const records = new Map<string, OrgAccountRecord>();
  for await (const page of streamSelectedAccounts(runtime, selection, tree, organization, hooks)) {
    for (const record of page) records.set(record.accountId, record);
  }
  const warnings: ReportWarning[] = [];
  const orgTree = await tree.catch((error: unknown) => {
    if (!(isCoreError(error) && error.code === 'AWS_ACCESS_DENIED')) throw error;
    warnings.push(ouNamesWarning(error));
    return new OrgTree();
  });
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
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
