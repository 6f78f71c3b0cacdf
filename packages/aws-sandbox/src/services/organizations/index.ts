import type { OperationContext } from '../../context.js';
import { kindError, serviceError } from '../../errors.js';
import { renderJson, renderOrganizationsError } from '../../protocol/json.js';
import type { WireResponse } from '../../protocol/wire.js';
import type { OrgPolicyState } from '../../state/org-policies.js';
import type { AccountState, OuState } from '../../state/world.js';
import { epochSeconds } from '../../util/time.js';
import type { ServiceDefinition, ServiceOperation } from '../service.js';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const MAX_RESULTS = 20;

const reply = (ctx: OperationContext, body: unknown): WireResponse => renderJson(body, '1.1', ctx.requestId);

const invalidInput = (reason: string, message: string) =>
  serviceError('InvalidInputException', message, 400, { Reason: reason });

/**
 * `Account.Status` was retired on 2026-09-09; `State` (PENDING_ACTIVATION | ACTIVE | SUSPENDED |
 * PENDING_CLOSURE | CLOSED) replaces it
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html;
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html).
 */
function accountJson(account: AccountState, withPaths = true): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    Id: account.id,
    Arn: account.arn,
    Email: account.email,
    Name: account.name,
    State: account.state,
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: epochSeconds(account.joinedTimestamp),
  };
  if (withPaths) fields.Paths = account.paths;
  return fields;
}

/** An account as this organization answers it: with or without `Paths` (scenario `entityPaths`). */
const orgAccountJson = (ctx: OperationContext) => (account: AccountState) =>
  accountJson(account, ctx.world.organization.entityPaths);

const ouJson = (ctx: OperationContext) => (ou: OuState) => ({
  Id: ou.id,
  Arn: ou.arn,
  Name: ou.name,
  ...(ctx.world.organization.entityPaths ? { Path: ou.path } : {}),
});

function stringParam(ctx: OperationContext, name: string, required: boolean): string | undefined {
  const value = ctx.json[name];
  if (value === undefined || value === null) {
    if (required) throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${name}.`);
    return undefined;
  }
  if (typeof value !== 'string') throw kindError('malformed-body', `Expected a string for ${name}.`);
  return value;
}

/** Org membership and the caller's role: management, delegated admin (any service) or plain member. */
function requireOrgReader(
  ctx: OperationContext,
  options: { anyMember?: boolean; managementOnly?: boolean } = {},
): void {
  const org = ctx.world.organization;
  if (!ctx.world.accounts.has(ctx.caller.accountId))
    throw serviceError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
  if (options.anyMember) return;
  const isManagement = ctx.caller.accountId === org.managementAccountId;
  if (
    options.managementOnly
      ? !isManagement
      : !isManagement && !org.delegatedAdministrators.has(ctx.caller.accountId)
  )
    throw serviceError('AccessDeniedException', "You don't have permissions to access this resource.");
}

interface PageToken {
  op: string;
  key: string;
  offset: number;
  pages: number;
  empty: boolean;
}

function decodeToken(ctx: OperationContext, key: string): PageToken | undefined {
  const raw = ctx.json.NextToken;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw kindError('malformed-body', 'Expected a string for NextToken.');
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (token.op === ctx.operation && token.key === key && Number.isInteger(token.offset)) return token;
  } catch {
    // falls through to the AWS error below
  }
  throw invalidInput('INVALID_NEXT_TOKEN', 'The specified token is invalid.');
}

const encodeToken = (token: PageToken) => Buffer.from(JSON.stringify(token)).toString('base64url');

/**
 * Pages of at most 20 over a precomputed list. After every `emptyPageEvery` non-empty pages the
 * next answer is an empty page that still carries a NextToken, as AWS warns it may be.
 */
function paginate<T>(
  ctx: OperationContext,
  key: string,
  items: readonly T[],
): { page: T[]; NextToken?: string } {
  const max = ctx.json.MaxResults;
  let size = MAX_RESULTS;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max))
      throw kindError('malformed-body', 'Expected an integer for MaxResults.');
    if (max > MAX_RESULTS)
      throw invalidInput(
        'MAX_VALUE_EXCEEDED',
        'You provided a value that exceeds the maximum allowed value.',
      );
    if (max < 1)
      throw invalidInput(
        'MIN_VALUE_EXCEEDED',
        'You provided a value that is below the minimum allowed value.',
      );
    size = max;
  }
  const token = decodeToken(ctx, key);
  const offset = token?.offset ?? 0;
  const pages = token?.pages ?? 0;
  const every = ctx.world.organization.emptyPageEvery;
  if (every > 0 && pages > 0 && pages % every === 0 && !token?.empty && offset < items.length)
    return { page: [], NextToken: encodeToken({ op: ctx.operation, key, offset, pages, empty: true }) };
  const page = items.slice(offset, offset + size);
  const next = offset + page.length;
  return next < items.length
    ? {
        page,
        NextToken: encodeToken({ op: ctx.operation, key, offset: next, pages: pages + 1, empty: false }),
      }
    : { page };
}

function withToken<T extends object>(body: T, token: string | undefined): T {
  return token ? { ...body, NextToken: token } : body;
}

function parentExists(ctx: OperationContext, parentId: string): void {
  const org = ctx.world.organization;
  if (parentId !== org.rootId && !org.organizationalUnits.has(parentId))
    throw serviceError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
}

const op = (handle: ServiceOperation['handle']): ServiceOperation => ({ handle });

const enabledPolicyTypes = (ctx: OperationContext) =>
  [...ctx.world.organization.policies.enabledTypes].map((Type) => ({ Type, Status: 'ENABLED' }));

/**
 * The policy types ListPolicies/ListPoliciesForTarget filter on (Organizations API Reference,
 * ListPolicies `Filter`); the sandbox stores only SCPs and RCPs, so other valid types list nothing.
 */
const POLICY_FILTERS = new Set([
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'DECLARATIVE_POLICY_EC2',
  'BACKUP_POLICY',
  'TAG_POLICY',
  'CHATBOT_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
  'SECURITYHUB_POLICY',
]);

function policyFilter(ctx: OperationContext): string {
  const filter = stringParam(ctx, 'Filter', true) as string;
  if (!POLICY_FILTERS.has(filter)) throw invalidInput('INVALID_ENUM', 'You specified an invalid value.');
  return filter;
}

const policySummaryJson = (p: OrgPolicyState) => ({
  Id: p.id,
  Arn: p.arn,
  Name: p.name,
  Description: p.description,
  Type: p.type,
  AwsManaged: p.awsManaged,
});

function policyOf(ctx: OperationContext): OrgPolicyState {
  const id = stringParam(ctx, 'PolicyId', true) as string;
  // PolicyId pattern from the Organizations API Reference: ^p-[0-9a-zA-Z_]{8,128}$
  if (!/^p-[0-9a-zA-Z_]{8,128}$/.test(id))
    throw invalidInput('INVALID_PATTERN', 'You provided a value that does not match the required pattern.');
  const policy = ctx.world.organization.policies.policies.get(id);
  if (!policy)
    throw serviceError(
      'PolicyNotFoundException',
      "We can't find a policy with the PolicyId that you specified.",
    );
  return policy;
}

/** A root, OU or account as `PolicyTargetSummary`. */
function targetJson(ctx: OperationContext, id: string) {
  const org = ctx.world.organization;
  if (id === org.rootId) return { TargetId: id, Arn: org.rootArn, Name: 'Root', Type: 'ROOT' };
  const ou = org.organizationalUnits.get(id);
  if (ou) return { TargetId: id, Arn: ou.arn, Name: ou.name, Type: 'ORGANIZATIONAL_UNIT' };
  const account = ctx.world.accounts.get(id);
  return { TargetId: id, Arn: account?.arn ?? '', Name: account?.name ?? '', Type: 'ACCOUNT' };
}

const operations: Record<string, ServiceOperation> = {
  DescribeOrganization: op((ctx) => {
    requireOrgReader(ctx, { anyMember: true });
    const org = ctx.world.organization;
    const management = ctx.world.accounts.get(org.managementAccountId);
    return reply(ctx, {
      Organization: {
        Id: org.id,
        Arn: org.arn,
        FeatureSet: org.featureSet,
        MasterAccountArn: management?.arn,
        MasterAccountId: org.managementAccountId,
        MasterAccountEmail: management?.email,
        AvailablePolicyTypes: enabledPolicyTypes(ctx),
      },
    });
  }),
  ListAccounts: op((ctx) => {
    requireOrgReader(ctx);
    const { page, NextToken } = paginate(ctx, '', ctx.world.organization.accounts);
    return reply(ctx, withToken({ Accounts: page.map(orgAccountJson(ctx)) }, NextToken));
  }),
  ListAccountsForParent: op((ctx) => {
    requireOrgReader(ctx);
    const parentId = stringParam(ctx, 'ParentId', true) as string;
    parentExists(ctx, parentId);
    const { page, NextToken } = paginate(
      ctx,
      parentId,
      ctx.world.organization.childAccounts.get(parentId) ?? [],
    );
    return reply(ctx, withToken({ Accounts: page.map(orgAccountJson(ctx)) }, NextToken));
  }),
  ListRoots: op((ctx) => {
    requireOrgReader(ctx);
    const org = ctx.world.organization;
    const { page, NextToken } = paginate(ctx, '', [org]);
    return reply(
      ctx,
      withToken(
        {
          Roots: page.map((o) => ({
            Id: o.rootId,
            Arn: o.rootArn,
            Name: 'Root',
            PolicyTypes: enabledPolicyTypes(ctx),
          })),
        },
        NextToken,
      ),
    );
  }),
  ListOrganizationalUnitsForParent: op((ctx) => {
    requireOrgReader(ctx);
    const parentId = stringParam(ctx, 'ParentId', true) as string;
    parentExists(ctx, parentId);
    const { page, NextToken } = paginate(ctx, parentId, ctx.world.organization.childOus.get(parentId) ?? []);
    return reply(ctx, withToken({ OrganizationalUnits: page.map(ouJson(ctx)) }, NextToken));
  }),
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html
  DescribeOrganizationalUnit: op((ctx) => {
    requireOrgReader(ctx);
    const id = stringParam(ctx, 'OrganizationalUnitId', true) as string;
    if (!/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(id))
      throw invalidInput('INVALID_PATTERN', 'You provided a value that does not match the required pattern.');
    const ou = ctx.world.organization.organizationalUnits.get(id);
    if (!ou)
      throw serviceError(
        'OrganizationalUnitNotFoundException',
        "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.",
      );
    return reply(ctx, { OrganizationalUnit: ouJson(ctx)(ou) });
  }),
  ListChildren: op((ctx) => {
    requireOrgReader(ctx);
    const parentId = stringParam(ctx, 'ParentId', true) as string;
    const type = stringParam(ctx, 'ChildType', true);
    if (type !== 'ACCOUNT' && type !== 'ORGANIZATIONAL_UNIT')
      throw invalidInput('INVALID_ENUM', 'You specified an invalid value for ChildType.');
    parentExists(ctx, parentId);
    const org = ctx.world.organization;
    const ids: readonly { id: string }[] =
      type === 'ACCOUNT' ? (org.childAccounts.get(parentId) ?? []) : (org.childOus.get(parentId) ?? []);
    const { page, NextToken } = paginate(ctx, `${parentId}/${type}`, ids);
    return reply(ctx, withToken({ Children: page.map((c) => ({ Id: c.id, Type: type })) }, NextToken));
  }),
  ListParents: op((ctx) => {
    requireOrgReader(ctx);
    const childId = stringParam(ctx, 'ChildId', true) as string;
    const org = ctx.world.organization;
    const parentId =
      ctx.world.accounts.get(childId)?.parentId ?? org.organizationalUnits.get(childId)?.parentId;
    if (!parentId)
      throw serviceError(
        'ChildNotFoundException',
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      );
    const { page, NextToken } = paginate(ctx, childId, [parentId]);
    return reply(
      ctx,
      withToken(
        { Parents: page.map((id) => ({ Id: id, Type: id === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })) },
        NextToken,
      ),
    );
  }),
  DescribeAccount: op((ctx) => {
    requireOrgReader(ctx);
    const id = stringParam(ctx, 'AccountId', true) as string;
    if (!/^\d{12}$/.test(id))
      throw invalidInput('INVALID_PATTERN', 'You provided a value that does not match the required pattern.');
    const account = ctx.world.accounts.get(id);
    if (!account)
      throw serviceError('AccountNotFoundException', "You specified an account that doesn't exist.");
    return reply(ctx, { Account: orgAccountJson(ctx)(account) });
  }),
  /*
   * Policy reads: ListPolicies, ListPoliciesForTarget, ListTargetsForPolicy, DescribePolicy
   * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html and siblings):
   * the management account or a delegated administrator may call them; pages of at most 20.
   */
  ListPolicies: op((ctx) => {
    requireOrgReader(ctx);
    const filter = policyFilter(ctx);
    const policies = [...ctx.world.organization.policies.policies.values()].filter((p) => p.type === filter);
    const { page, NextToken } = paginate(ctx, filter, policies);
    return reply(ctx, withToken({ Policies: page.map(policySummaryJson) }, NextToken));
  }),
  ListPoliciesForTarget: op((ctx) => {
    requireOrgReader(ctx);
    const targetId = stringParam(ctx, 'TargetId', true) as string;
    const filter = policyFilter(ctx);
    const org = ctx.world.organization;
    if (
      targetId !== org.rootId &&
      !org.organizationalUnits.has(targetId) &&
      !ctx.world.accounts.has(targetId)
    )
      throw serviceError(
        'TargetNotFoundException',
        "We can't find a root, OU, account, or email address with the TargetId that you specified.",
      );
    const policies = (org.policies.byTarget.get(targetId) ?? [])
      .map((id) => org.policies.policies.get(id))
      .filter((p): p is OrgPolicyState => p?.type === filter);
    const { page, NextToken } = paginate(ctx, `${targetId}/${filter}`, policies);
    return reply(ctx, withToken({ Policies: page.map(policySummaryJson) }, NextToken));
  }),
  ListTargetsForPolicy: op((ctx) => {
    requireOrgReader(ctx);
    const policy = policyOf(ctx);
    const targets = ctx.world.organization.policies.targets.get(policy.id) ?? [];
    const { page, NextToken } = paginate(ctx, policy.id, targets);
    return reply(ctx, withToken({ Targets: page.map((id) => targetJson(ctx, id)) }, NextToken));
  }),
  DescribePolicy: op((ctx) => {
    requireOrgReader(ctx);
    const policy = policyOf(ctx);
    return reply(ctx, { Policy: { PolicySummary: policySummaryJson(policy), Content: policy.content } });
  }),
  ListAWSServiceAccessForOrganization: op((ctx) => {
    requireOrgReader(ctx);
    const entries = [...ctx.world.organization.trustedAccess];
    const { page, NextToken } = paginate(ctx, '', entries);
    return reply(
      ctx,
      withToken(
        {
          EnabledServicePrincipals: page.map(([p, d]) => ({
            ServicePrincipal: p,
            DateEnabled: epochSeconds(d),
          })),
        },
        NextToken,
      ),
    );
  }),
  EnableAWSServiceAccess: op((ctx) => {
    requireOrgReader(ctx, { managementOnly: true });
    const principal = stringParam(ctx, 'ServicePrincipal', true) as string;
    if (ctx.world.organization.featureSet !== 'ALL')
      throw serviceError(
        'ConstraintViolationException',
        'The organization must have all features enabled.',
        400,
        { Reason: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE' },
      );
    if (!ctx.world.organization.trustedAccess.has(principal))
      ctx.world.organization.trustedAccess.set(principal, ctx.now);
    return reply(ctx, {});
  }),
  ListDelegatedAdministrators: op((ctx) => {
    requireOrgReader(ctx);
    const filter = stringParam(ctx, 'ServicePrincipal', false);
    const rows: { account: AccountState; date: number }[] = [];
    for (const [accountId, services] of ctx.world.organization.delegatedAdministrators) {
      const account = ctx.world.accounts.get(accountId);
      if (!account) continue;
      if (filter !== undefined) {
        const date = services.get(filter);
        if (date !== undefined) rows.push({ account, date });
      } else if (services.size > 0) rows.push({ account, date: Math.min(...services.values()) });
    }
    const { page, NextToken } = paginate(ctx, filter ?? '', rows);
    return reply(
      ctx,
      withToken(
        {
          DelegatedAdministrators: page.map(({ account, date }) => {
            const { Paths: _paths, ...fields } = accountJson(account);
            return { ...fields, DelegationEnabledDate: epochSeconds(date) };
          }),
        },
        NextToken,
      ),
    );
  }),
  RegisterDelegatedAdministrator: op((ctx) => {
    requireOrgReader(ctx, { managementOnly: true });
    const accountId = stringParam(ctx, 'AccountId', true) as string;
    const principal = stringParam(ctx, 'ServicePrincipal', true) as string;
    const org = ctx.world.organization;
    if (!ctx.world.accounts.has(accountId))
      throw serviceError('AccountNotFoundException', "You specified an account that doesn't exist.");
    if (accountId === org.managementAccountId)
      throw serviceError(
        'ConstraintViolationException',
        'You cannot register the management account as a delegated administrator.',
        400,
        {
          Reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR',
        },
      );
    let services = org.delegatedAdministrators.get(accountId);
    if (services?.has(principal))
      throw serviceError(
        'AccountAlreadyRegisteredException',
        'The provided account is already a delegated administrator for your organization.',
      );
    if (!services) {
      services = new Map();
      org.delegatedAdministrators.set(accountId, services);
    }
    services.set(principal, ctx.now);
    return reply(ctx, {});
  }),
  DeregisterDelegatedAdministrator: op((ctx) => {
    requireOrgReader(ctx, { managementOnly: true });
    const accountId = stringParam(ctx, 'AccountId', true) as string;
    const principal = stringParam(ctx, 'ServicePrincipal', true) as string;
    const services = ctx.world.organization.delegatedAdministrators.get(accountId);
    if (!services?.has(principal))
      throw serviceError(
        'AccountNotRegisteredException',
        'The provided account is not a registered delegated administrator for your organization.',
      );
    services.delete(principal);
    if (services.size === 0) ctx.world.organization.delegatedAdministrators.delete(accountId);
    return reply(ctx, {});
  }),
};

export const organizationsService: ServiceDefinition = {
  name: 'organizations',
  actionPrefix: 'organizations',
  protocol: 'json',
  operationName: (req) => {
    const target = req.headers['x-amz-target'];
    return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  },
  renderError: renderOrganizationsError,
  operations,
};
