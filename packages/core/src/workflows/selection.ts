import pLimit from 'p-limit';
import {
  type CallHooks,
  describeAccount,
  describeOrganizationalUnit,
  getParent,
  listAccountPages,
  listAccountsForParent,
  listAccountsForParentPages,
  listChildOus,
  listRoots,
  type OrgAccountRecord,
  type OrganizationInfo,
  type OrgUnit,
} from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import { CoreError, isCoreError } from '../errors.js';
import { chooseAccountLookup } from '../rules/lookup-cost.js';
import type { Selection } from './inventory.js';
import { loadOrgTree, OrgTree } from './org-tree.js';

/** The selected accounts as they are found, and the OU names of their paths. */
export interface SelectedAccounts {
  /** Batches of accounts, each with `parentIds` (root and OU ids from the root down). */
  batches: AsyncGenerator<OrgAccountRecord[]>;
  /** The roots and OUs the batches' paths name; settles once the batches are done (or failed). */
  tree: Promise<OrgTree>;
  /** The same tree while it is filled: the units named so far, and news of each one added. */
  growing: OrgTree;
}

/** Calls of one kind in flight at once; the pacer keeps each to its published quota. */
const PARALLEL_CALLS = 8;

/**
 * Finds the selected accounts with the calls that selection needs and no more:
 *
 * - `--account`: DescribeAccount per account, its OU path from `Paths` (or ListParents up the tree
 *   when AWS sends none), OU names by DescribeOrganizationalUnit — unless listing the organization
 *   would cost less under the published quotas (`chooseAccountLookup`);
 * - `--ou`: the selected subtrees only (ListOrganizationalUnitsForParent + ListAccountsForParent,
 *   parallel across parents) and the path from each selected OU up to the root;
 * - nothing selected: ListAccounts and the whole OU tree.
 *
 * `--exclude` costs no call: excluded accounts are found like the others and reported as skipped.
 */
export function selectAccounts(
  runtime: AwsRuntime,
  selection: Selection,
  organization: OrganizationInfo,
  hooks: CallHooks,
): SelectedAccounts {
  if (selection.accounts.length > 0) {
    const { strategy } = chooseAccountLookup({ selected: new Set(selection.accounts).size });
    if (strategy === 'describe')
      return describeSelectedAccounts(runtime, selection.accounts, organization, hooks);
    return listSelectedAccounts(runtime, selection.accounts, organization, hooks);
  }
  if (selection.ous.length > 0) return walkSelectedOus(runtime, selection.ous, organization, hooks);
  return listOrganization(runtime, hooks);
}

/**
 * Every account: ListAccounts pages (8/s) alongside the OU-tree walk for names. When AWS sends no
 * `Paths`, the accounts' parents come from ListAccountsForParent over the walked tree instead.
 */
function listOrganization(runtime: AwsRuntime, hooks: CallHooks): SelectedAccounts {
  const growing = new OrgTree();
  const tree = loadOrgTree(runtime, hooks, growing);
  tree.catch(() => undefined); // the caller awaits it
  async function* batches(): AsyncGenerator<OrgAccountRecord[]> {
    for await (const page of listAccountPages(runtime, hooks)) {
      if (page.length === 0) continue;
      if (page.every((record) => record.parentIds !== undefined)) {
        yield page;
        continue;
      }
      yield* listByParent(runtime, await tree, hooks);
      return;
    }
  }
  return { batches: batches(), tree, growing };
}

async function* listByParent(
  runtime: AwsRuntime,
  tree: OrgTree,
  hooks: CallHooks,
): AsyncGenerator<OrgAccountRecord[]> {
  const limit = pLimit(PARALLEL_CALLS);
  const lists = [...tree.units.values()].map((unit) =>
    limit(async () => {
      const path = tree.pathTo(unit.id).map((ancestor) => ancestor.id);
      const records = await listAccountsForParent(runtime, unit.id, hooks);
      return records.map((record) => ({ ...record, parentIds: record.parentIds ?? path }));
    }),
  );
  for (const list of lists) list.catch(() => undefined); // consumed in order below
  for (const list of lists) yield await list;
}

function notInOrganization(accountId: string, organization: OrganizationInfo): CoreError {
  return new CoreError(
    'ACCOUNT_NOT_IN_ORG',
    `Account ${accountId} is not a member of organization ${organization.id}.`,
    {
      fix: 'Check the id with `rootwarden accounts list`.',
      details: { field: 'accounts', accountId },
    },
  );
}

function ouNotFound(ouId: string, organization: OrganizationInfo): CoreError {
  return new CoreError('OU_NOT_FOUND', `OU ${ouId} is not in organization ${organization.id}.`, {
    fix: 'List OUs and their ids with `rootwarden accounts list` (column OU path) or `aws organizations list-organizational-units-for-parent`.',
    details: { field: 'ous', ouId },
  });
}

/**
 * Names and parents of the roots and OUs met on the way, each asked of AWS at most once: the root
 * by ListRoots, an OU by DescribeOrganizationalUnit, a parent by ListParents.
 */
export class PathResolver {
  readonly tree = new OrgTree();
  readonly #names = new Map<string, Promise<void>>();
  readonly #parents = new Map<string, Promise<string[]>>();
  #roots: Promise<OrgUnit[]> | undefined;

  constructor(
    private readonly runtime: AwsRuntime,
    private readonly hooks: CallHooks,
  ) {}

  roots(): Promise<OrgUnit[]> {
    this.#roots ??= listRoots(this.runtime, this.hooks).then((roots) => {
      for (const root of roots) this.tree.add(root);
      return roots;
    });
    return this.#roots;
  }

  /** Names every root and OU of `ids` (parent links follow from the path order). */
  name(ids: readonly string[]): Promise<void> {
    const work = ids.map((id, index) => {
      let pending = this.#names.get(id);
      if (!pending) {
        const parentId = index > 0 ? (ids[index - 1] ?? null) : null;
        pending = id.startsWith('r-')
          ? this.roots().then(() => undefined)
          : describeOrganizationalUnit(this.runtime, id, this.hooks).then((unit) => {
              this.tree.add({ id, name: unit.name, parentId });
            });
        pending.catch(() => undefined); // awaited by whoever asked
        this.#names.set(id, pending);
      }
      return pending;
    });
    return Promise.all(work).then(() => undefined);
  }

  /** Root and OU ids from the root down to `childId`'s parent, by ListParents up the tree. */
  ancestorsOf(childId: string): Promise<string[]> {
    let pending = this.#parents.get(childId);
    if (!pending) {
      pending = getParent(this.runtime, childId, this.hooks).then(async (parent) =>
        parent.isRoot ? [parent.id] : [...(await this.ancestorsOf(parent.id)), parent.id],
      );
      pending.catch(() => undefined);
      this.#parents.set(childId, pending);
    }
    return pending;
  }
}

function describeSelectedAccounts(
  runtime: AwsRuntime,
  accountIds: readonly string[],
  organization: OrganizationInfo,
  hooks: CallHooks,
): SelectedAccounts {
  const paths = new PathResolver(runtime, hooks);
  const naming: Promise<void>[] = [];
  let settle: (failed?: unknown) => void = () => undefined;
  const described = new Promise<void>((resolve, reject) => {
    settle = (failed) => (failed === undefined ? resolve() : reject(failed));
  });
  described.catch(() => undefined);
  const tree = described.then(async () => {
    await Promise.all(naming);
    return paths.tree;
  });
  tree.catch(() => undefined);

  async function* batches(): AsyncGenerator<OrgAccountRecord[]> {
    const limit = pLimit(PARALLEL_CALLS);
    try {
      const records = await Promise.all(
        [...new Set(accountIds)].map((accountId) =>
          limit(async () => {
            let record: OrgAccountRecord;
            try {
              record = await describeAccount(runtime, accountId, hooks);
            } catch (error) {
              if (isCoreError(error) && error.code === 'ACCOUNT_NOT_IN_ORG')
                throw notInOrganization(accountId, organization);
              throw error;
            }
            const parentIds = record.parentIds ?? (await paths.ancestorsOf(accountId));
            naming.push(paths.name(parentIds));
            return { ...record, parentIds };
          }),
        ),
      );
      settle();
      yield records;
    } catch (error) {
      settle(error);
      throw error;
    }
  }
  return { batches: batches(), tree, growing: paths.tree };
}

function listSelectedAccounts(
  runtime: AwsRuntime,
  accountIds: readonly string[],
  organization: OrganizationInfo,
  hooks: CallHooks,
): SelectedAccounts {
  const growing = new OrgTree();
  const tree = loadOrgTree(runtime, hooks, growing);
  tree.catch(() => undefined);
  async function* batches(): AsyncGenerator<OrgAccountRecord[]> {
    const missing = new Set(accountIds);
    for await (const page of listAccountPages(runtime, hooks)) {
      const selected = page.filter((record) => missing.delete(record.accountId));
      if (selected.length > 0) yield selected;
    }
    const [first] = missing;
    if (first !== undefined) throw notInOrganization(first, organization);
  }
  return { batches: batches(), tree, growing };
}

function walkSelectedOus(
  runtime: AwsRuntime,
  ouIds: readonly string[],
  organization: OrganizationInfo,
  hooks: CallHooks,
): SelectedAccounts {
  const paths = new PathResolver(runtime, hooks);
  const listChildren = pLimit(PARALLEL_CALLS);
  const listAccounts = pLimit(PARALLEL_CALLS);
  const visited = new Set<string>();
  let settle: (failed?: unknown) => void = () => undefined;
  const walked = new Promise<void>((resolve, reject) => {
    settle = (failed) => (failed === undefined ? resolve() : reject(failed));
  });
  walked.catch(() => undefined);

  const naming: Promise<void>[] = [];
  const tree = walked.then(async () => {
    await Promise.all(naming);
    return paths.tree;
  });
  tree.catch(() => undefined);

  /**
   * The path from the root down to a selected root or OU (OU_NOT_FOUND when it is not in the
   * organization). The walk below it starts at once; the names above it follow in the background.
   */
  const pathOf = async (rootOrOuId: string): Promise<string[]> => {
    try {
      if (rootOrOuId.startsWith('r-')) {
        const roots = await paths.roots();
        if (!roots.some((root) => root.id === rootOrOuId)) throw ouNotFound(rootOrOuId, organization);
        return [rootOrOuId];
      }
      const unit = await describeOrganizationalUnit(runtime, rootOrOuId, hooks);
      const ancestors = unit.ancestorIds ?? (await paths.ancestorsOf(rootOrOuId));
      naming.push(paths.name(ancestors));
      paths.tree.add({
        id: rootOrOuId,
        name: unit.name,
        parentId: ancestors.at(-1) ?? null,
      });
      return [...ancestors, rootOrOuId];
    } catch (error) {
      // ListParents answers ChildNotFoundException (mapped for accounts) for an unknown OU.
      if (isCoreError(error) && (error.code === 'OU_NOT_FOUND' || error.code === 'ACCOUNT_NOT_IN_ORG'))
        throw ouNotFound(rootOrOuId, organization);
      throw error;
    }
  };

  async function* batches(): AsyncGenerator<OrgAccountRecord[]> {
    const ready: OrgAccountRecord[][] = [];
    let wake: (() => void) | undefined;
    let failure: unknown;
    let pending = 0;
    const push = (records: OrgAccountRecord[]) => {
      if (records.length > 0) ready.push(records);
      wake?.();
    };
    const fail = (error: unknown) => {
      failure ??= error;
      wake?.();
    };
    const track = (work: Promise<void>) => {
      pending += 1;
      work.catch(fail).finally(() => {
        pending -= 1;
        wake?.();
      });
    };
    /** Lists one unit's accounts and child OUs, then its children the same way. */
    const visit = (unitId: string, path: string[]) => {
      if (visited.has(unitId)) return;
      visited.add(unitId);
      // Each page is audited as it arrives: an OU of hundreds of accounts is a chain of pages
      // (each needs the previous NextToken), and its first accounts need not wait for its last page.
      track(
        listAccounts(async () => {
          for await (const records of listAccountsForParentPages(runtime, unitId, hooks))
            push(records.map((record) => ({ ...record, parentIds: record.parentIds ?? path })));
        }),
      );
      track(
        listChildren(() => listChildOus(runtime, unitId, hooks)).then((children) => {
          for (const child of children) {
            paths.tree.add(child);
            visit(child.id, [...path, child.id]);
          }
        }),
      );
    };
    for (const ouId of new Set(ouIds)) track(pathOf(ouId).then((path) => visit(ouId, path)));

    try {
      while (true) {
        const batch = ready.shift();
        if (batch) {
          yield batch;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (pending === 0) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      settle();
    } catch (error) {
      settle(error);
      throw error;
    }
  }
  return { batches: batches(), tree, growing: paths.tree };
}
