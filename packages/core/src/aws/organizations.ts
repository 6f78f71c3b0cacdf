import {
  type Account as AwsAccount,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { CoreError } from '../errors.js';
import { abortable, type CallOptions, callAws } from './call-aws.js';
import type { AwsRuntime } from './runtime.js';

export interface CallHooks {
  signal?: AbortSignal | undefined;
  onThrottle?: ((operation: string) => void) | undefined;
  /** Every answer that was not a throttle (see CallOptions.onAnswer). */
  onAnswer?: ((operation: string) => void) | undefined;
}

/** An account as Organizations returns it, reduced to what the engine uses. */
export interface OrgAccountRecord {
  accountId: string;
  name: string;
  email: string;
  state: 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  joinedMethod: 'INVITED' | 'CREATED' | undefined;
  joinedAt: string | undefined;
  /** Root and OU ids from the root down to the parent, from `Paths`; undefined when AWS sent none. */
  parentIds: string[] | undefined;
}

export interface OrganizationInfo {
  id: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  managementAccountId: string;
}

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string | null;
}

/** Root and OU ids of an Organizations entity path (`o-…/r-…/ou-…/…/`), from the root down. */
function parentIdsOf(path: string | undefined): string[] | undefined {
  return path === undefined ? undefined : path.split('/').filter((part) => /^(r|ou)-/.test(part));
}

function toRecord(account: AwsAccount): OrgAccountRecord {
  // `Status` was retired on 2026-09-09: only `State` is read
  // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html). Without it the
  // account is taken as ACTIVE, and AssumeRoot's own answer decides.
  const state = (account.State ?? 'ACTIVE') as OrgAccountRecord['state'];
  const path = account.Paths?.[0];
  return {
    accountId: account.Id ?? '',
    name: account.Name ?? '',
    email: account.Email ?? '',
    state,
    joinedMethod: account.JoinedMethod as OrgAccountRecord['joinedMethod'],
    joinedAt: account.JoinedTimestamp?.toISOString(),
    parentIds: parentIdsOf(path),
  };
}

/**
 * Follows Organizations' NextToken pagination. Organizations may answer an empty page that still
 * carries a NextToken ("always check NextToken … even if you receive an empty result set"), so only
 * a missing token ends the listing.
 */
async function* pages<Output extends { NextToken?: string | undefined }>(
  fetchPage: (token: string | undefined, signal: AbortSignal | undefined) => Promise<Output>,
  options: CallOptions,
): AsyncGenerator<Output> {
  let token: string | undefined;
  do {
    const page: Output = await callAws(() => fetchPage(token, options.signal), options);
    yield page;
    token = page.NextToken;
  } while (token);
}

async function collect<Output extends { NextToken?: string | undefined }, Item>(
  source: AsyncGenerator<Output>,
  items: (page: Output) => Item[],
): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of source) all.push(...items(page));
  return all;
}

export async function describeOrganization(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
): Promise<OrganizationInfo> {
  const output = await callAws(
    () => runtime.organizations.send(new DescribeOrganizationCommand({}), abortable(hooks.signal)),
    { operation: 'DescribeOrganization', pacer: runtime.pacer, ...hooks },
  );
  const org = output.Organization;
  return {
    id: org?.Id ?? '',
    featureSet: (org?.FeatureSet ?? 'ALL') as OrganizationInfo['featureSet'],
    managementAccountId: org?.MasterAccountId ?? '',
  };
}

/** Every account of the organization, one page (≤ 20) at a time. */
export async function* listAccountPages(
  runtime: AwsRuntime,
  hooks: CallHooks = {},
): AsyncGenerator<OrgAccountRecord[]> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListAccountsCommand({ NextToken, MaxResults: 20 }),
        abortable(abortSignal),
      ),
    { operation: 'ListAccounts', pacer: runtime.pacer, ...hooks },
  );
  for await (const page of source) yield (page.Accounts ?? []).map(toRecord);
}

/** The accounts directly under a root or OU, one page (up to 20) at a time. */
export async function* listAccountsForParentPages(
  runtime: AwsRuntime,
  parentId: string,
  hooks: CallHooks = {},
): AsyncGenerator<OrgAccountRecord[]> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListAccountsForParentCommand({ ParentId: parentId, NextToken, MaxResults: 20 }),
        abortable(abortSignal),
      ),
    { operation: 'ListAccountsForParent', pacer: runtime.pacer, ...hooks },
  );
  for await (const page of source) yield (page.Accounts ?? []).map(toRecord);
}

export async function listAccountsForParent(
  runtime: AwsRuntime,
  parentId: string,
  hooks: CallHooks = {},
): Promise<OrgAccountRecord[]> {
  const all: OrgAccountRecord[] = [];
  for await (const records of listAccountsForParentPages(runtime, parentId, hooks)) all.push(...records);
  return all;
}

export async function describeAccount(
  runtime: AwsRuntime,
  accountId: string,
  hooks: CallHooks = {},
): Promise<OrgAccountRecord> {
  const output = await callAws(
    () =>
      runtime.organizations.send(
        new DescribeAccountCommand({ AccountId: accountId }),
        abortable(hooks.signal),
      ),
    { operation: 'DescribeAccount', accountId, pacer: runtime.pacer, ...hooks },
  );
  return toRecord(output.Account ?? { Id: accountId });
}

/** One OU, with the root and OU ids above it when AWS sent its (optional) `Path`. */
export interface DescribedOu {
  id: string;
  name: string;
  /** Root and OU ids from the root down to the OU's parent; undefined when AWS sent no `Path`. */
  ancestorIds: string[] | undefined;
}

export async function describeOrganizationalUnit(
  runtime: AwsRuntime,
  ouId: string,
  hooks: CallHooks = {},
): Promise<DescribedOu> {
  const output = await callAws(
    () =>
      runtime.organizations.send(
        new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }),
        abortable(hooks.signal),
      ),
    { operation: 'DescribeOrganizationalUnit', pacer: runtime.pacer, ...hooks },
  );
  const unit = output.OrganizationalUnit;
  const ancestors = parentIdsOf(unit?.Path);
  return {
    id: unit?.Id ?? ouId,
    name: unit?.Name ?? ouId,
    ancestorIds: ancestors?.filter((id) => id !== ouId),
  };
}

/**
 * The parent (root or OU) of an account or OU. AWS answers exactly one parent ("a child can have
 * only a single parent", https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html)
 * but the call is paginated like every List* call, so empty pages are followed.
 */
export async function getParent(
  runtime: AwsRuntime,
  childId: string,
  hooks: CallHooks = {},
): Promise<{ id: string; isRoot: boolean }> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListParentsCommand({ ChildId: childId, NextToken }),
        abortable(abortSignal),
      ),
    { operation: 'ListParents', pacer: runtime.pacer, ...hooks },
  );
  for await (const page of source) {
    const parent = page.Parents?.[0];
    if (parent?.Id) return { id: parent.Id, isRoot: parent.Type === 'ROOT' };
  }
  throw new CoreError('INTERNAL', `Organizations named no parent for ${childId}.`);
}

export async function listRoots(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<OrgUnit[]> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(new ListRootsCommand({ NextToken }), abortable(abortSignal)),
    { operation: 'ListRoots', pacer: runtime.pacer, ...hooks },
  );
  return collect(source, (page) =>
    (page.Roots ?? []).map((root) => ({ id: root.Id ?? '', name: root.Name ?? 'Root', parentId: null })),
  );
}

export async function listChildOus(
  runtime: AwsRuntime,
  parentId: string,
  hooks: CallHooks = {},
): Promise<OrgUnit[]> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken, MaxResults: 20 }),
        abortable(abortSignal),
      ),
    { operation: 'ListOrganizationalUnitsForParent', pacer: runtime.pacer, ...hooks },
  );
  return collect(source, (page) =>
    (page.OrganizationalUnits ?? []).map((unit) => ({ id: unit.Id ?? '', name: unit.Name ?? '', parentId })),
  );
}

export async function listServiceAccess(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<string[]> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListAWSServiceAccessForOrganizationCommand({ NextToken }),
        abortable(abortSignal),
      ),
    { operation: 'ListAWSServiceAccessForOrganization', pacer: runtime.pacer, ...hooks },
  );
  return collect(source, (page) =>
    (page.EnabledServicePrincipals ?? []).flatMap((entry) =>
      entry.ServicePrincipal ? [entry.ServicePrincipal] : [],
    ),
  );
}

export async function enableServiceAccess(
  runtime: AwsRuntime,
  servicePrincipal: string,
  hooks: CallHooks = {},
): Promise<void> {
  await callAws(
    () =>
      runtime.organizations.send(
        new EnableAWSServiceAccessCommand({ ServicePrincipal: servicePrincipal }),
        abortable(hooks.signal),
      ),
    { operation: 'EnableAWSServiceAccess', pacer: runtime.pacer, ...hooks },
  );
}

export async function listDelegatedAdministrators(
  runtime: AwsRuntime,
  servicePrincipal: string,
  hooks: CallHooks = {},
): Promise<Array<{ accountId: string; name: string }>> {
  const source = pages(
    (NextToken, abortSignal) =>
      runtime.organizations.send(
        new ListDelegatedAdministratorsCommand({ ServicePrincipal: servicePrincipal, NextToken }),
        abortable(abortSignal),
      ),
    { operation: 'ListDelegatedAdministrators', pacer: runtime.pacer, ...hooks },
  );
  return collect(source, (page) =>
    (page.DelegatedAdministrators ?? []).map((admin) => ({
      accountId: admin.Id ?? '',
      name: admin.Name ?? '',
    })),
  );
}
