import type { Scenario } from '@rootwarden/aws-sandbox';
import type { SubtreeUnit } from './bound.js';

function depths(scenario: Scenario): Map<string, number> {
  const root = scenario.organization.rootId;
  const parent = new Map(scenario.organization.organizationalUnits.map((unit) => [unit.id, unit.parentId]));
  const depth = new Map<string, number>([[root, 0]]);
  const of = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const value = of(parent.get(id) ?? root) + 1;
    depth.set(id, value);
    return value;
  };
  for (const unit of scenario.organization.organizationalUnits) of(unit.id);
  return depth;
}

/** `count` ACTIVE member accounts, the deepest in the OU tree first (the longest paths to name). */
export function chooseAccounts(scenario: Scenario, count: number): string[] {
  const depth = depths(scenario);
  const management = scenario.organization.managementAccountId;
  return scenario.accounts
    .filter((account) => account.state === 'ACTIVE' && account.id !== management)
    .map((account) => ({ id: account.id, depth: depth.get(account.parentId ?? '') ?? 0 }))
    .sort((a, b) => b.depth - a.depth || a.id.localeCompare(b.id))
    .slice(0, Math.max(1, count))
    .map((account) => account.id);
}

/** The OU whose subtree holds closest to 7% of the organization's accounts (about 680 of 10,000). */
export function chooseOu(scenario: Scenario): { id: string; accounts: number; units: number; depth: number } {
  const units = scenario.organization.organizationalUnits;
  const children = new Map<string, string[]>();
  for (const unit of units) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit.id]);
  const direct = new Map<string, number>();
  for (const account of scenario.accounts)
    if (account.parentId) direct.set(account.parentId, (direct.get(account.parentId) ?? 0) + 1);
  const measure = (id: string): { accounts: number; units: number; depth: number } => {
    let accounts = direct.get(id) ?? 0;
    let count = 1;
    let depth = 1;
    for (const child of children.get(id) ?? []) {
      const below = measure(child);
      accounts += below.accounts;
      count += below.units;
      depth = Math.max(depth, below.depth + 1);
    }
    return { accounts, units: count, depth };
  };
  const target = scenario.accounts.length * 0.07;
  let best: { id: string; accounts: number; units: number; depth: number } | undefined;
  for (const unit of units) {
    const size = measure(unit.id);
    if (!best || Math.abs(size.accounts - target) < Math.abs(best.accounts - target))
      best = { id: unit.id, ...size };
  }
  if (!best) throw new Error('the generated organization has no OU');
  return best;
}

/** The units of the subtree under `ouId` (itself included): child OUs and direct accounts, audited or not. */
export function subtreeUnits(scenario: Scenario, ouId: string): Map<string, SubtreeUnit> {
  const management = scenario.organization.managementAccountId;
  const units = new Map<string, SubtreeUnit>();
  const all = new Map<string, SubtreeUnit>();
  const unitOf = (id: string) => {
    let unit = all.get(id);
    if (!unit) {
      unit = { id, children: [], accounts: [] };
      all.set(id, unit);
    }
    return unit;
  };
  for (const unit of scenario.organization.organizationalUnits) unitOf(unit.parentId).children.push(unit.id);
  // Skipped accounts (the management account, any state but ACTIVE) are listed but never assumed.
  for (const account of scenario.accounts)
    if (account.parentId)
      unitOf(account.parentId).accounts.push(account.state === 'ACTIVE' && account.id !== management);
  const collect = (id: string) => {
    const unit = unitOf(id);
    units.set(id, unit);
    for (const child of unit.children) collect(child);
  };
  collect(ouId);
  return units;
}
