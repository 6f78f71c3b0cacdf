import { type OrganizationPolicies, readOrganizationPolicies } from '../aws/organization-policies.js';
import type { CallHooks } from '../aws/organizations.js';
import type { AwsRuntime } from '../aws/runtime.js';
import type { Account } from '../domain/account.js';
import type { AccountPolicyCheck, PolicyCheck, PolicyTask } from '../domain/policy-check.js';
import { isCoreError } from '../errors.js';
import {
  analyzeAccountPolicies,
  groupBlockers,
  PolicyIndex,
  type TaskResources,
} from '../rules/org-policy-analysis.js';
import { listOrganizationAccounts, type Selection } from './inventory.js';

const DENIED_CODES = new Set(['AWS_ACCESS_DENIED', 'NOT_AUTHORIZED_CALLER']);

export type PolicyReading =
  | { available: true; policies: OrganizationPolicies }
  | { available: false; missingPermission: string; message: string };

/**
 * Reads the organization's SCPs and RCPs, or says which permission the caller lacks (an IAM
 * delegated administrator usually may not read them). Any other failure propagates.
 */
export async function readPoliciesIfAllowed(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
): Promise<PolicyReading> {
  try {
    return { available: true, policies: await readOrganizationPolicies(runtime, hooks) };
  } catch (error) {
    if (isCoreError(error) && DENIED_CODES.has(error.code)) {
      const operation = String(error.details?.operation ?? 'ListPolicies');
      return {
        available: false,
        missingPermission: `organizations:${operation}`,
        message: `Organization policies not available: missing permission organizations:${operation}.`,
      };
    }
    throw error;
  }
}

export function indexPolicies(organizationId: string, policies: OrganizationPolicies): PolicyIndex {
  return new PolicyIndex(organizationId, new Set(policies.enabledTypes), policies.policies);
}

/** One account's verdicts; `parentIds` come from the inventory's OU path (root first). */
export function checkAccount(
  index: PolicyIndex,
  account: Pick<Account, 'accountId' | 'name' | 'ouPath' | 'ouPathText'>,
  tasks: readonly PolicyTask[],
  resources?: TaskResources,
): AccountPolicyCheck {
  return {
    accountId: account.accountId,
    name: account.name,
    ouPathText: account.ouPathText,
    tasks: analyzeAccountPolicies(
      index,
      { accountId: account.accountId, parentIds: account.ouPath.map((unit) => unit.id) },
      tasks,
      resources,
    ),
  };
}

/** Assembles the answer of `policies check` from an inventory and what could be read. */
export function buildPolicyCheck(
  organizationId: string,
  accounts: readonly Account[],
  reading: PolicyReading,
  tasks: readonly PolicyTask[],
): PolicyCheck {
  if (!reading.available) {
    return {
      organizationId,
      available: false,
      unavailable: { missingPermission: reading.missingPermission, message: reading.message },
      enabledPolicyTypes: [],
      policiesRead: 0,
      tasks: [...tasks],
      summary: [],
      groups: [],
      accounts: [],
    };
  }
  const index = indexPolicies(organizationId, reading.policies);
  const checked = accounts
    .filter((a) => a.skipReason === undefined)
    .map((a) => checkAccount(index, a, tasks));
  return {
    organizationId,
    available: true,
    enabledPolicyTypes: reading.policies.enabledTypes,
    policiesRead: reading.policies.policies.length,
    tasks: [...tasks],
    summary: tasks.map((task) => {
      const verdicts = checked.map((a) => a.tasks.find((t) => t.task === task)?.verdict);
      return {
        task,
        allowed: verdicts.filter((v) => v === 'allowed').length,
        blocked: verdicts.filter((v) => v === 'blocked').length,
        cannotDecide: verdicts.filter((v) => v === 'cannot-decide').length,
      };
    }),
    groups: groupBlockers(checked),
    accounts: checked,
  };
}

/** `policies check`: which member accounts and tasks the organization's SCPs/RCPs will refuse. */
export async function checkOrganizationPolicies(
  runtime: AwsRuntime,
  input: { tasks: readonly PolicyTask[]; selection: Selection },
  hooks: CallHooks = {},
): Promise<PolicyCheck> {
  const [inventory, reading] = await Promise.all([
    listOrganizationAccounts(runtime, input.selection, hooks),
    readPoliciesIfAllowed(runtime, hooks),
  ]);
  return buildPolicyCheck(inventory.organizationId, inventory.accounts, reading, input.tasks);
}
