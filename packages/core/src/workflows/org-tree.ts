import pLimit from 'p-limit';
import { type CallHooks, listChildOus, listRoots, type OrgUnit } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';

/** The organization's roots and OUs by id, for OU paths and OU selection. */
export class OrgTree {
  readonly units = new Map<string, OrgUnit>();
  readonly #listeners: Array<(unit: OrgUnit) => void> = [];

  /**
   * Adds a root or OU as AWS names it and tells the listeners: while the tree is walked, an
   * account whose whole path is named can be reported before the walk ends.
   */
  add(unit: OrgUnit): void {
    this.units.set(unit.id, unit);
    for (const listener of this.#listeners) listener(unit);
  }

  /** Calls `listener` with each unit added from now on. */
  onAdd(listener: (unit: OrgUnit) => void): void {
    this.#listeners.push(listener);
  }

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

/**
 * Walks roots and OUs breadth-first. ListOrganizationalUnitsForParent allows 5 requests/s (burst 8)
 * per account, so a few calls at once are as fast as it gets.
 */
export async function loadOrgTree(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
  /** The tree to fill, for a caller that reads it while it grows. */
  tree = new OrgTree(),
): Promise<OrgTree> {
  const limit = pLimit(4);
  const visit = async (parentId: string): Promise<void> => {
    const children = await limit(() => listChildOus(runtime, parentId, hooks));
    for (const child of children) tree.add(child);
    await Promise.all(children.map((child) => visit(child.id)));
  };
  const roots = await listRoots(runtime, hooks);
  for (const root of roots) tree.add(root);
  await Promise.all(roots.map((root) => visit(root.id)));
  return tree;
}
