import { SAMPLE_CERTIFICATE_BODY } from '../scenarios/sample-certificate.js';
import type { AccountStateName, Scenario } from '../scenarios/schema.js';
import { resolveDate } from '../util/time.js';
import { buildOrgPolicies, type OrgPoliciesState } from './org-policies.js';

export type RootFeature = 'RootCredentialsManagement' | 'RootSessions';

interface AccessKeyState {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: number;
  lastUsed?: { date: number; serviceName: string; region: string } | undefined;
}

interface SigningCertificateState {
  certificateId: string;
  body: string;
  status: 'Active' | 'Inactive';
  uploadDate: number;
}

interface MfaDeviceState {
  serialNumber: string;
  enableDate: number;
}

export interface RootUserState {
  createDate: number;
  passwordLastUsed?: number | undefined;
  loginProfile?: { createDate: number; passwordResetRequired: boolean } | undefined;
  accessKeys: AccessKeyState[];
  signingCertificates: SigningCertificateState[];
  mfaDevices: MfaDeviceState[];
  /** Virtual MFA devices deactivated from the root: still counted by GetAccountSummary's MFADevices. */
  unassignedVirtualMfaDevices: number;
}

export interface IamUserState {
  userName: string;
  userId: string;
  arn: string;
  createDate: number;
  accessKeyIds: string[];
}

export interface AccountState {
  id: string;
  arn: string;
  name: string;
  email: string;
  state: AccountStateName;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: number;
  parentId: string;
  paths: string[];
  assumeRootServiceNotEnabled: boolean;
  stsDisabledRegions: string[];
  rootUser: RootUserState;
  iamUsers: Map<string, IamUserState>;
}

export interface OuState {
  id: string;
  arn: string;
  name: string;
  parentId: string;
  path: string;
}

export interface BucketState {
  name: string;
  accountId: string;
  region: string;
  creationDate: number;
  policy?: string | undefined;
}

export interface QueueState {
  name: string;
  accountId: string;
  region: string;
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  policy?: string | undefined;
}

export interface OrganizationState {
  id: string;
  arn: string;
  managementAccountId: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  rootId: string;
  rootArn: string;
  /** servicePrincipal → date enabled. */
  trustedAccess: Map<string, number>;
  /** accountId → servicePrincipal → delegation date. */
  delegatedAdministrators: Map<string, Map<string, number>>;
  rootFeatures: Set<RootFeature>;
  passwordRecoveryFeature: RootFeature;
  organizationalUnits: Map<string, OuState>;
  /** Precomputed children per parent id, in scenario order, so list calls page by slicing. */
  childAccounts: Map<string, AccountState[]>;
  childOus: Map<string, OuState[]>;
  accounts: AccountState[];
  emptyPageEvery: number;
  /** Whether answers carry `Account.Paths` and `OrganizationalUnit.Path`. */
  entityPaths: boolean;
  /** SCPs and RCPs and where they are attached. */
  policies: OrgPoliciesState;
}

/** The mutable model of one organization and its accounts, rebuilt from the scenario on reset. */
export interface World {
  scenario: Scenario;
  region: string;
  organization: OrganizationState;
  accounts: Map<string, AccountState>;
  buckets: Map<string, BucketState>;
  /** Keyed `accountId/region/name`. */
  queues: Map<string, QueueState>;
}

export function queueKey(accountId: string, region: string, name: string): string {
  return `${accountId}/${region}/${name}`;
}

export function policyText(policy: string | Record<string, unknown> | undefined): string | undefined {
  if (policy === undefined) return undefined;
  return typeof policy === 'string' ? policy : JSON.stringify(policy);
}

/** Builds the world in O(accounts); relative dates resolve against `now` (the sandbox clock). */
export function buildWorld(scenario: Scenario, now: number): World {
  const date = (value: string) => resolveDate(value, now);
  const o = scenario.organization;
  const mgmt = o.managementAccountId;
  const organization: OrganizationState = {
    id: o.id,
    arn: `arn:aws:organizations::${mgmt}:organization/${o.id}`,
    managementAccountId: mgmt,
    featureSet: o.featureSet,
    rootId: o.rootId,
    rootArn: `arn:aws:organizations::${mgmt}:root/${o.id}/${o.rootId}`,
    trustedAccess: new Map(o.trustedAccess.map((t) => [t.servicePrincipal, date(t.dateEnabled)])),
    delegatedAdministrators: new Map(),
    rootFeatures: new Set(o.rootFeatures),
    passwordRecoveryFeature: o.passwordRecoveryFeature,
    organizationalUnits: new Map(),
    childAccounts: new Map([[o.rootId, []]]),
    childOus: new Map([[o.rootId, []]]),
    accounts: [],
    emptyPageEvery: o.emptyPageEvery,
    entityPaths: o.entityPaths,
    policies: buildOrgPolicies(
      scenario,
      [o.rootId, ...o.organizationalUnits.map((ou) => ou.id), ...scenario.accounts.map((a) => a.id)],
      scenario.accounts.filter((a) => a.scpDeniesRootSession).map((a) => a.id),
    ),
  };
  for (const da of o.delegatedAdministrators) {
    let services = organization.delegatedAdministrators.get(da.accountId);
    if (!services) {
      services = new Map();
      organization.delegatedAdministrators.set(da.accountId, services);
    }
    services.set(da.servicePrincipal, date(da.delegationEnabledDate));
  }
  const pathOf = new Map<string, string>([[o.rootId, `${o.id}/${o.rootId}/`]]);
  for (const ou of o.organizationalUnits) {
    const path = `${pathOf.get(ou.parentId) ?? `${o.id}/${o.rootId}/`}${ou.id}/`;
    pathOf.set(ou.id, path);
    const state: OuState = {
      id: ou.id,
      arn: `arn:aws:organizations::${mgmt}:ou/${o.id}/${ou.id}`,
      name: ou.name,
      parentId: ou.parentId,
      path,
    };
    organization.organizationalUnits.set(ou.id, state);
    organization.childOus.get(ou.parentId)?.push(state);
    organization.childOus.set(ou.id, []);
    organization.childAccounts.set(ou.id, []);
  }

  const accounts = new Map<string, AccountState>();
  const buckets = new Map<string, BucketState>();
  const queues = new Map<string, QueueState>();
  for (const a of scenario.accounts) {
    const parentId = a.parentId ?? o.rootId;
    const joined = date(a.joinedTimestamp);
    const r = a.rootUser;
    const account: AccountState = {
      id: a.id,
      arn: `arn:aws:organizations::${mgmt}:account/${o.id}/${a.id}`,
      name: a.name,
      email: a.email,
      state: a.state,
      joinedMethod: a.joinedMethod,
      joinedTimestamp: joined,
      parentId,
      paths: [`${pathOf.get(parentId) ?? ''}${a.id}/`],
      assumeRootServiceNotEnabled: a.assumeRootServiceNotEnabled,
      stsDisabledRegions: [...a.stsDisabledRegions],
      rootUser: {
        createDate: r.createDate === undefined ? Math.floor(joined / 1000) * 1000 : date(r.createDate),
        passwordLastUsed: r.passwordLastUsed === undefined ? undefined : date(r.passwordLastUsed),
        loginProfile: r.loginProfile
          ? {
              createDate: date(r.loginProfile.createDate),
              passwordResetRequired: r.loginProfile.passwordResetRequired,
            }
          : undefined,
        accessKeys: r.accessKeys.map((k) => ({
          accessKeyId: k.accessKeyId,
          status: k.status,
          createDate: date(k.createDate),
          lastUsed: k.lastUsed
            ? { date: date(k.lastUsed.date), serviceName: k.lastUsed.serviceName, region: k.lastUsed.region }
            : undefined,
        })),
        signingCertificates: r.signingCertificates.map((c) => ({
          certificateId: c.certificateId,
          body: c.body ?? SAMPLE_CERTIFICATE_BODY,
          status: c.status,
          uploadDate: date(c.uploadDate),
        })),
        mfaDevices: r.mfaDevices.map((m) => ({
          serialNumber: m.serialNumber,
          enableDate: date(m.enableDate),
        })),
        unassignedVirtualMfaDevices: 0,
      },
      iamUsers: new Map(),
    };
    accounts.set(a.id, account);
    organization.accounts.push(account);
    organization.childAccounts.get(parentId)?.push(account);
    for (const b of a.buckets) {
      buckets.set(b.name, {
        name: b.name,
        accountId: a.id,
        region: b.region ?? scenario.region,
        creationDate: b.creationDate ? date(b.creationDate) : joined,
        policy: policyText(b.policy),
      });
    }
    for (const q of a.queues) {
      const region = q.region ?? scenario.region;
      const created = q.createdTimestamp ? date(q.createdTimestamp) : joined;
      queues.set(queueKey(a.id, region, q.name), {
        name: q.name,
        accountId: a.id,
        region,
        createdTimestamp: created,
        lastModifiedTimestamp: created,
        policy: policyText(q.policy),
      });
    }
  }
  return { scenario, region: scenario.region, organization, accounts, buckets, queues };
}
