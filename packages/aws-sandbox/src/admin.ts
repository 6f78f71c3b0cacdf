import type { CallLogEntry } from './call-log.js';
import type { FaultRule, LatencyConfig } from './faults.js';
import type { QuotaOverrides, QuotaRule } from './quotas.js';
import type { SandboxCore } from './sandbox-core.js';
import { resolveScenario } from './scenarios/load.js';
import { SAMPLE_CERTIFICATE_BODY } from './scenarios/sample-certificate.js';
import type { AccountStateName, Scenario, ScenarioInput } from './scenarios/schema.js';
import type { IssuedSecret } from './state/credentials.js';
import {
  attachPolicy,
  DENY_ROOT_USER_ID,
  detachPolicy,
  ensureDenyRootPolicy,
  FULL_AWS_ACCESS_ID,
  RCP_FULL_AWS_ACCESS_ID,
} from './state/org-policies.js';
import { type AccountState, policyText, queueKey, type RootFeature } from './state/world.js';
import { randomChars } from './util/random.js';
import { isoSeconds } from './util/time.js';

/** An admin request the sandbox refuses (unknown account, bad value); `status` is its HTTP status. */
export class SandboxAdminError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SandboxAdminError';
  }
}

export interface ScenarioSummary {
  name: string;
  description?: string | undefined;
  organizationId: string;
  managementAccountId: string;
  accounts: number;
  organizationalUnits: number;
  region: string;
}

export interface PrincipalInfo {
  name: string;
  type: 'user' | 'role' | 'root';
  accountId: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  isDefault: boolean;
}

export interface RootCredentialState {
  accountId: string;
  createDate: string;
  passwordLastUsed: string | null;
  loginProfile: { createDate: string; passwordResetRequired: boolean } | null;
  accessKeys: {
    accessKeyId: string;
    status: 'Active' | 'Inactive';
    createDate: string;
    lastUsed: { date: string; serviceName: string; region: string } | null;
  }[];
  signingCertificates: { certificateId: string; status: 'Active' | 'Inactive'; uploadDate: string }[];
  mfaDevices: { serialNumber: string; kind: 'virtual' | 'fido' | 'hardware'; enableDate: string }[];
}

export interface AccountInfo {
  id: string;
  name: string;
  email: string;
  state: AccountStateName;
  parentId: string;
  /** Whether the sandbox's DenyRootUser SCP (no aws:AssumedRoot exemption) is attached to the account. */
  scpDeniesRootSession: boolean;
}

export interface SessionInfo {
  accessKeyId: string;
  accountId: string;
  taskPolicy: string;
  expiration: string;
  callerArn: string;
}

export type DateInput = string | number | Date;

/** An account that joins the organization (`POST /_sandbox/accounts`). */
interface NewAccount {
  /** Default: a fresh 12-digit id. */
  id?: string;
  name: string;
  email?: string;
  /** Default: the root. */
  parentId?: string;
  /** INVITED: an existing account accepted an invitation; CREATED: made by Organizations' CreateAccount. */
  joinedMethod: 'INVITED' | 'CREATED';
  /**
   * Whether its root user has a password. Default: yes for an invited account (it keeps the root
   * credentials it had), no for a created one (it starts without root credentials once root credentials
   * management is enabled).
   */
  rootPassword?: boolean;
}

/** Every admin operation; the HTTP admin routes call exactly these. */
export interface SandboxAdmin {
  /** Back to the loaded scenario's initial state: sessions dropped, call log cleared, clock/latency/faults/quotas as created. */
  reset(): void;
  /** Replaces the scenario (built-in name, generated:N[:SEED], file path, JSON text or object). */
  loadScenario(scenario: string | ScenarioInput | Scenario): ScenarioSummary;
  scenario(): ScenarioSummary;
  principals(): PrincipalInfo[];
  calls(filter?: { sinceSeq?: number; service?: string; operation?: string }): CallLogEntry[];
  clearCalls(): void;
  /** Every secret ever issued (static secrets, session secret keys and tokens), tagged by kind. Survives reset. */
  secrets(): IssuedSecret[];
  sessions(): SessionInfo[];
  now(): Date;
  setClock(time: DateInput): Date;
  advanceClock(ms: number): Date;
  latency(): LatencyConfig;
  setLatency(latency: Partial<LatencyConfig>): LatencyConfig;
  faults(): FaultRule[];
  setFaults(faults: FaultRule[]): FaultRule[];
  quotas(): { enabled: boolean; rules: Record<string, QuotaRule | null> };
  setQuotas(overrides: QuotaOverrides): { enabled: boolean; rules: Record<string, QuotaRule | null> };
  account(accountId: string): AccountInfo;
  setAccount(
    accountId: string,
    changes: { state?: AccountStateName; scpDeniesRootSession?: boolean },
  ): AccountInfo;
  /** An account joins the organization (invited or created), now on the sandbox clock. */
  addAccount(account: NewAccount): AccountInfo;
  /** Organizations' MoveAccount: the account goes under another parent (root or OU). */
  moveAccount(accountId: string, parentId: string): AccountInfo;
  /** The account leaves the organization (it is no longer listed). */
  removeAccount(accountId: string): void;
  setOrganization(changes: { rootFeatures?: RootFeature[]; trustedAccess?: string[] }): {
    rootFeatures: RootFeature[];
    trustedAccess: string[];
  };
  rootCredentials(accountId: string): RootCredentialState;
  setPasswordLastUsed(accountId: string, date: DateInput | null): RootCredentialState;
  createLoginProfile(
    accountId: string,
    options?: { createDate?: DateInput; passwordResetRequired?: boolean },
  ): RootCredentialState;
  deleteLoginProfile(accountId: string): RootCredentialState;
  addAccessKey(
    accountId: string,
    options?: {
      accessKeyId?: string;
      status?: 'Active' | 'Inactive';
      createDate?: DateInput;
      lastUsed?: { date: DateInput; serviceName?: string; region?: string };
    },
  ): RootCredentialState;
  updateAccessKey(
    accountId: string,
    accessKeyId: string,
    changes: {
      status?: 'Active' | 'Inactive';
      lastUsed?: { date: DateInput; serviceName?: string; region?: string } | null;
    },
  ): RootCredentialState;
  removeAccessKey(accountId: string, accessKeyId: string): RootCredentialState;
  addSigningCertificate(
    accountId: string,
    options?: {
      certificateId?: string;
      status?: 'Active' | 'Inactive';
      uploadDate?: DateInput;
      body?: string;
    },
  ): RootCredentialState;
  removeSigningCertificate(accountId: string, certificateId: string): RootCredentialState;
  addMfaDevice(
    accountId: string,
    options: {
      kind: 'virtual' | 'fido' | 'hardware';
      name?: string;
      serialNumber?: string;
      enableDate?: DateInput;
    },
  ): RootCredentialState;
  removeMfaDevice(accountId: string, serialNumber: string): RootCredentialState;
  bucketPolicy(bucket: string): string | null;
  setBucketPolicy(bucket: string, policy: string | Record<string, unknown> | null): string | null;
  queuePolicy(accountId: string, queueName: string, region?: string): string | null;
  setQueuePolicy(
    accountId: string,
    queueName: string,
    policy: string | Record<string, unknown> | null,
    region?: string,
  ): string | null;
}

function mfaKind(serial: string): 'virtual' | 'fido' | 'hardware' {
  if (serial.startsWith('arn:') && serial.includes(':u2f/')) return 'fido';
  if (serial.startsWith('arn:') && serial.includes(':mfa/')) return 'virtual';
  return 'hardware';
}

export function createAdmin(core: SandboxCore): SandboxAdmin {
  const toMs = (value: DateInput): number => {
    const ms =
      value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
    if (Number.isNaN(ms)) throw new SandboxAdminError(`invalid date: ${String(value)}`);
    return ms;
  };
  const nowSeconds = () => Math.floor(core.clock.now() / 1000) * 1000;
  const accountOf = (accountId: string): AccountState => {
    const account = core.world.accounts.get(accountId);
    if (!account) throw new SandboxAdminError(`no account ${accountId} in this scenario`, 404);
    return account;
  };
  const summary = (): ScenarioSummary => ({
    name: core.scenario.name,
    description: core.scenario.description,
    organizationId: core.world.organization.id,
    managementAccountId: core.world.organization.managementAccountId,
    accounts: core.world.accounts.size,
    organizationalUnits: core.world.organization.organizationalUnits.size,
    region: core.world.region,
  });
  const rootState = (accountId: string): RootCredentialState => {
    const account = accountOf(accountId);
    const r = account.rootUser;
    return {
      accountId,
      createDate: isoSeconds(r.createDate),
      passwordLastUsed: r.passwordLastUsed === undefined ? null : isoSeconds(r.passwordLastUsed),
      loginProfile: r.loginProfile
        ? {
            createDate: isoSeconds(r.loginProfile.createDate),
            passwordResetRequired: r.loginProfile.passwordResetRequired,
          }
        : null,
      accessKeys: r.accessKeys.map((k) => ({
        accessKeyId: k.accessKeyId,
        status: k.status,
        createDate: isoSeconds(k.createDate),
        lastUsed: k.lastUsed
          ? {
              date: isoSeconds(k.lastUsed.date),
              serviceName: k.lastUsed.serviceName,
              region: k.lastUsed.region,
            }
          : null,
      })),
      signingCertificates: r.signingCertificates.map((c) => ({
        certificateId: c.certificateId,
        status: c.status,
        uploadDate: isoSeconds(c.uploadDate),
      })),
      mfaDevices: r.mfaDevices.map((m) => ({
        serialNumber: m.serialNumber,
        kind: mfaKind(m.serialNumber),
        enableDate: isoSeconds(m.enableDate),
      })),
    };
  };
  const accountInfo = (account: AccountState): AccountInfo => ({
    id: account.id,
    name: account.name,
    email: account.email,
    state: account.state,
    parentId: account.parentId,
    scpDeniesRootSession: (core.world.organization.policies.byTarget.get(account.id) ?? []).includes(
      DENY_ROOT_USER_ID,
    ),
  });
  const allKeyIds = (): Set<string> => {
    const ids = new Set<string>(core.credentials.byAccessKey.keys());
    for (const a of core.world.accounts.values())
      for (const k of a.rootUser.accessKeys) ids.add(k.accessKeyId);
    return ids;
  };
  const queueOf = (accountId: string, name: string, region?: string) => {
    const queue = core.world.queues.get(queueKey(accountId, region ?? core.world.region, name));
    if (!queue) throw new SandboxAdminError(`no queue ${name} in account ${accountId}`, 404);
    return queue;
  };
  const bucketOf = (name: string) => {
    const bucket = core.world.buckets.get(name);
    if (!bucket) throw new SandboxAdminError(`no bucket ${name}`, 404);
    return bucket;
  };
  const validPolicy = (policy: string | Record<string, unknown> | null): string | undefined => {
    if (policy === null) return undefined;
    const text = policyText(policy) as string;
    try {
      JSON.parse(text);
    } catch {
      throw new SandboxAdminError('policy must be a JSON document');
    }
    return text;
  };

  return {
    reset: () => core.reset(),
    loadScenario: (scenario) => {
      core.load(resolveScenario(scenario));
      return summary();
    },
    scenario: summary,
    principals: () =>
      core.credentials.principals.map((p) => ({
        name: p.name,
        type: p.type,
        accountId: p.accountId,
        arn: p.arn,
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        sessionToken: p.sessionToken,
        isDefault: p.isDefault,
      })),
    calls: (filter) => core.log.list(filter),
    clearCalls: () => core.log.clear(),
    secrets: () => core.credentials.issued.map((s) => ({ ...s })),
    sessions: () => {
      const out: SessionInfo[] = [];
      for (const c of core.credentials.byAccessKey.values())
        if (c.kind === 'session')
          out.push({
            accessKeyId: c.session.accessKeyId,
            accountId: c.session.accountId,
            taskPolicy: c.session.taskPolicy,
            expiration: isoSeconds(c.session.expiration),
            callerArn: c.session.callerArn,
          });
      return out;
    },
    now: () => new Date(core.clock.now()),
    setClock: (time) => {
      core.clock.set(toMs(time));
      return new Date(core.clock.now());
    },
    advanceClock: (ms) => {
      if (!Number.isFinite(ms)) throw new SandboxAdminError('advance needs a number of milliseconds');
      core.clock.advance(ms);
      return new Date(core.clock.now());
    },
    latency: () => ({ ...core.faults.latency }),
    setLatency: (latency) => {
      const next = { ...core.faults.latency, ...latency };
      if (!(next.fixedMs >= 0) || !(next.jitterMs >= 0))
        throw new SandboxAdminError('latency values must be >= 0');
      core.faults.latency = next;
      return { ...next };
    },
    faults: () => core.faults.faults(),
    setFaults: (faults) => {
      try {
        core.faults.setFaults(faults);
      } catch (error) {
        throw new SandboxAdminError((error as Error).message);
      }
      return core.faults.faults();
    },
    quotas: () => {
      const { enabled, rules } = core.quotas.current();
      return { enabled, rules };
    },
    setQuotas: (overrides) => {
      for (const [api, rule] of Object.entries(overrides.rules ?? {}))
        if (rule !== null && !(rule.rate > 0 && rule.burst >= 1))
          throw new SandboxAdminError(`quota ${api}: rate must be > 0 and burst >= 1`);
      core.quotas.configure(overrides);
      const { enabled, rules } = core.quotas.current();
      return { enabled, rules };
    },
    account: (accountId) => accountInfo(accountOf(accountId)),
    setAccount: (accountId, changes) => {
      const account = accountOf(accountId);
      if (changes.state !== undefined) account.state = changes.state;
      const policies = core.world.organization.policies;
      if (changes.scpDeniesRootSession === true) {
        ensureDenyRootPolicy(policies, core.world.scenario);
        attachPolicy(policies, DENY_ROOT_USER_ID, account.id);
      } else if (changes.scpDeniesRootSession === false)
        detachPolicy(policies, DENY_ROOT_USER_ID, account.id);
      return accountInfo(account);
    },
    addAccount: (input) => {
      const world = core.world;
      const org = world.organization;
      const id = input.id ?? String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
      if (!/^\d{12}$/.test(id)) throw new SandboxAdminError('account id must be 12 digits');
      if (world.accounts.has(id))
        throw new SandboxAdminError(`account ${id} is already in the organization`, 409);
      if (!input.name) throw new SandboxAdminError('give the account a name');
      if (input.joinedMethod !== 'INVITED' && input.joinedMethod !== 'CREATED')
        throw new SandboxAdminError('joinedMethod must be INVITED or CREATED');
      const parentId = input.parentId ?? org.rootId;
      const siblings = org.childAccounts.get(parentId);
      if (!siblings) throw new SandboxAdminError(`no root or OU ${parentId}`, 404);
      const now = nowSeconds();
      const parentPath =
        parentId === org.rootId
          ? `${org.id}/${org.rootId}/`
          : (org.organizationalUnits.get(parentId)?.path ?? `${org.id}/${org.rootId}/`);
      // Invited accounts keep the root credentials they had; accounts created after root credentials
      // management was enabled start without them
      // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management).
      const password = input.rootPassword ?? input.joinedMethod === 'INVITED';
      const account: AccountState = {
        id,
        arn: `arn:${world.scenario.partition}:organizations::${org.managementAccountId}:account/${org.id}/${id}`,
        name: input.name,
        email: input.email ?? `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`,
        state: 'ACTIVE',
        joinedMethod: input.joinedMethod,
        joinedTimestamp: now,
        parentId,
        paths: [`${parentPath}${id}/`],
        assumeRootServiceNotEnabled: false,
        stsDisabledRegions: [],
        rootUser: {
          createDate: input.joinedMethod === 'INVITED' ? now - 365 * 86_400_000 : now,
          loginProfile: password
            ? {
                createDate: input.joinedMethod === 'INVITED' ? now - 300 * 86_400_000 : now,
                passwordResetRequired: false,
              }
            : undefined,
          accessKeys: [],
          signingCertificates: [],
          mfaDevices: [],
          unassignedVirtualMfaDevices: 0,
        },
        iamUsers: new Map(),
      };
      world.accounts.set(id, account);
      org.accounts.push(account);
      siblings.push(account);
      // FullAWSAccess (and RCPFullAWSAccess) are attached to every account that joins
      // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
      attachPolicy(org.policies, FULL_AWS_ACCESS_ID, id);
      attachPolicy(org.policies, RCP_FULL_AWS_ACCESS_ID, id);
      return accountInfo(account);
    },
    moveAccount: (accountId, parentId) => {
      const account = accountOf(accountId);
      const org = core.world.organization;
      const target = org.childAccounts.get(parentId);
      if (!target) throw new SandboxAdminError(`no root or OU ${parentId}`, 404);
      const source = org.childAccounts.get(account.parentId) ?? [];
      org.childAccounts.set(
        account.parentId,
        source.filter((child) => child.id !== accountId),
      );
      target.push(account);
      account.parentId = parentId;
      const parentPath =
        parentId === org.rootId
          ? `${org.id}/${org.rootId}/`
          : (org.organizationalUnits.get(parentId)?.path ?? `${org.id}/${org.rootId}/`);
      account.paths = [`${parentPath}${accountId}/`];
      return accountInfo(account);
    },
    removeAccount: (accountId) => {
      const account = accountOf(accountId);
      const org = core.world.organization;
      if (accountId === org.managementAccountId)
        throw new SandboxAdminError('the management account cannot leave its organization');
      core.world.accounts.delete(accountId);
      org.accounts = org.accounts.filter((member) => member.id !== accountId);
      org.childAccounts.set(
        account.parentId,
        (org.childAccounts.get(account.parentId) ?? []).filter((child) => child.id !== accountId),
      );
    },
    setOrganization: (changes) => {
      const org = core.world.organization;
      if (changes.rootFeatures) org.rootFeatures = new Set(changes.rootFeatures);
      if (changes.trustedAccess) {
        const next = new Map<string, number>();
        for (const p of changes.trustedAccess) next.set(p, org.trustedAccess.get(p) ?? core.clock.now());
        org.trustedAccess = next;
      }
      return { rootFeatures: [...org.rootFeatures], trustedAccess: [...org.trustedAccess.keys()] };
    },
    rootCredentials: rootState,
    setPasswordLastUsed: (accountId, date) => {
      accountOf(accountId).rootUser.passwordLastUsed = date === null ? undefined : toMs(date);
      return rootState(accountId);
    },
    createLoginProfile: (accountId, options = {}) => {
      const root = accountOf(accountId).rootUser;
      if (root.loginProfile)
        throw new SandboxAdminError(`account ${accountId}: the root user already has a login profile`, 409);
      root.loginProfile = {
        createDate: options.createDate === undefined ? nowSeconds() : toMs(options.createDate),
        passwordResetRequired: options.passwordResetRequired ?? false,
      };
      return rootState(accountId);
    },
    deleteLoginProfile: (accountId) => {
      const root = accountOf(accountId).rootUser;
      if (!root.loginProfile)
        throw new SandboxAdminError(`account ${accountId}: the root user has no login profile`, 404);
      root.loginProfile = undefined;
      return rootState(accountId);
    },
    addAccessKey: (accountId, options = {}) => {
      const root = accountOf(accountId).rootUser;
      if (root.accessKeys.length >= 2)
        throw new SandboxAdminError(`account ${accountId}: at most 2 access keys`, 409);
      const id = options.accessKeyId ?? `AKIA${randomChars(16)}`;
      if (!/^AKIA[A-Z0-9]{16}$/.test(id))
        throw new SandboxAdminError('accessKeyId must be AKIA followed by 16 letters or digits');
      if (allKeyIds().has(id)) throw new SandboxAdminError(`access key ${id} already exists`, 409);
      root.accessKeys.push({
        accessKeyId: id,
        status: options.status ?? 'Active',
        createDate: options.createDate === undefined ? nowSeconds() : toMs(options.createDate),
        lastUsed: options.lastUsed
          ? {
              date: toMs(options.lastUsed.date),
              serviceName: options.lastUsed.serviceName ?? 'iam',
              region: options.lastUsed.region ?? 'us-east-1',
            }
          : undefined,
      });
      return rootState(accountId);
    },
    updateAccessKey: (accountId, accessKeyId, changes) => {
      const key = accountOf(accountId).rootUser.accessKeys.find((k) => k.accessKeyId === accessKeyId);
      if (!key) throw new SandboxAdminError(`account ${accountId}: no root access key ${accessKeyId}`, 404);
      if (changes.status) key.status = changes.status;
      if (changes.lastUsed !== undefined)
        key.lastUsed = changes.lastUsed
          ? {
              date: toMs(changes.lastUsed.date),
              serviceName: changes.lastUsed.serviceName ?? 'iam',
              region: changes.lastUsed.region ?? 'us-east-1',
            }
          : undefined;
      return rootState(accountId);
    },
    removeAccessKey: (accountId, accessKeyId) => {
      const root = accountOf(accountId).rootUser;
      const index = root.accessKeys.findIndex((k) => k.accessKeyId === accessKeyId);
      if (index < 0)
        throw new SandboxAdminError(`account ${accountId}: no root access key ${accessKeyId}`, 404);
      root.accessKeys.splice(index, 1);
      return rootState(accountId);
    },
    addSigningCertificate: (accountId, options = {}) => {
      const root = accountOf(accountId).rootUser;
      if (root.signingCertificates.length >= 2)
        throw new SandboxAdminError(`account ${accountId}: at most 2 signing certificates`, 409);
      root.signingCertificates.push({
        certificateId: options.certificateId ?? randomChars(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
        body: options.body ?? SAMPLE_CERTIFICATE_BODY,
        status: options.status ?? 'Active',
        uploadDate: options.uploadDate === undefined ? nowSeconds() : toMs(options.uploadDate),
      });
      return rootState(accountId);
    },
    removeSigningCertificate: (accountId, certificateId) => {
      const root = accountOf(accountId).rootUser;
      const index = root.signingCertificates.findIndex((c) => c.certificateId === certificateId);
      if (index < 0)
        throw new SandboxAdminError(`account ${accountId}: no signing certificate ${certificateId}`, 404);
      root.signingCertificates.splice(index, 1);
      return rootState(accountId);
    },
    addMfaDevice: (accountId, options) => {
      const root = accountOf(accountId).rootUser;
      if (root.mfaDevices.length >= 8)
        throw new SandboxAdminError(`account ${accountId}: at most 8 MFA devices`, 409);
      const name = options.name ?? 'root-account-mfa-device';
      const serial =
        options.serialNumber ??
        (options.kind === 'virtual'
          ? `arn:aws:iam::${accountId}:mfa/${name}`
          : options.kind === 'fido'
            ? `arn:aws:iam::${accountId}:u2f/root/${name}-${randomChars(6)}`
            : options.kind === 'hardware'
              ? `GAHT${randomChars(8, '0123456789')}`
              : undefined);
      if (!serial) throw new SandboxAdminError('kind must be virtual, fido or hardware');
      if (root.mfaDevices.some((d) => d.serialNumber === serial))
        throw new SandboxAdminError(`MFA device ${serial} already exists`, 409);
      root.mfaDevices.push({
        serialNumber: serial,
        enableDate: options.enableDate === undefined ? nowSeconds() : toMs(options.enableDate),
      });
      return rootState(accountId);
    },
    removeMfaDevice: (accountId, serialNumber) => {
      const root = accountOf(accountId).rootUser;
      const index = root.mfaDevices.findIndex((d) => d.serialNumber === serialNumber);
      if (index < 0) throw new SandboxAdminError(`account ${accountId}: no MFA device ${serialNumber}`, 404);
      root.mfaDevices.splice(index, 1);
      return rootState(accountId);
    },
    bucketPolicy: (bucket) => bucketOf(bucket).policy ?? null,
    setBucketPolicy: (bucket, policy) => {
      const state = bucketOf(bucket);
      state.policy = validPolicy(policy);
      return state.policy ?? null;
    },
    queuePolicy: (accountId, name, region) => queueOf(accountId, name, region).policy ?? null,
    setQueuePolicy: (accountId, name, policy, region) => {
      const queue = queueOf(accountId, name, region);
      queue.policy = validPolicy(policy);
      queue.lastModifiedTimestamp = core.clock.now();
      return queue.policy ?? null;
    },
  };
}
