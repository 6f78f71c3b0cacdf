import { z } from 'zod';
import { isDateString } from '../util/time.js';

/** ISO 8601, or relative to the sandbox clock when the scenario is loaded (`now`, `now-3d`, `now+2h`). */
const DateString = z.string().refine(isDateString, 'must be an ISO 8601 date or now[+-]N(s|m|h|d|w)');
const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');

const AccessKeySchema = z.object({
  accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{16}$/, 'must be AKIA followed by 16 letters or digits'),
  status: z.enum(['Active', 'Inactive']).default('Active'),
  createDate: DateString,
  /** Absent = never used (GetAccessKeyLastUsed answers ServiceName/Region "N/A"). */
  lastUsed: z
    .object({
      date: DateString,
      serviceName: z.string().default('iam'),
      region: z.string().default('us-east-1'),
    })
    .optional(),
});

const SigningCertificateSchema = z.object({
  certificateId: z.string().regex(/^[A-Z0-9]{24,128}$/, 'must be 24-128 upper-case letters or digits'),
  /** PEM; a fixed sample certificate when omitted. */
  body: z.string().optional(),
  status: z.enum(['Active', 'Inactive']).default('Active'),
  uploadDate: DateString,
});

/** The serial tells the kind: `arn:...:mfa/...` virtual, `arn:...:u2f/...` FIDO, anything else hardware. */
const MfaDeviceSchema = z.object({
  serialNumber: z.string().regex(/^[\w+=/:,.@-]{9,256}$/, 'must be 9-256 characters of [\\w+=/:,.@-]'),
  enableDate: DateString,
});

const RootUserSchema = z.object({
  /** Defaults to the account's joinedTimestamp. */
  createDate: DateString.optional(),
  /** Shown by GetUser even after the password was deleted (seed section 6). */
  passwordLastUsed: DateString.optional(),
  loginProfile: z
    .object({ createDate: DateString, passwordResetRequired: z.boolean().default(false) })
    .optional(),
  accessKeys: z.array(AccessKeySchema).max(2, 'at most 2 access keys').default([]),
  signingCertificates: z.array(SigningCertificateSchema).max(2, 'at most 2 signing certificates').default([]),
  mfaDevices: z.array(MfaDeviceSchema).max(8, 'at most 8 MFA devices').default([]),
});

const PolicyDocument = z.union([z.string(), z.record(z.string(), z.unknown())]);

const BucketSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'),
  /** Defaults to the scenario region. */
  region: z.string().optional(),
  creationDate: DateString.optional(),
  policy: PolicyDocument.optional(),
});

const QueueSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/, 'must be a valid SQS queue name'),
  region: z.string().optional(),
  createdTimestamp: DateString.optional(),
  policy: PolicyDocument.optional(),
});

export const AccountStateSchema = z.enum([
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
]);

const AccountSchema = z.object({
  id: AccountId,
  name: z.string().min(1).max(128),
  email: z.string().min(6).max(64),
  state: AccountStateSchema.default('ACTIVE'),
  joinedMethod: z.enum(['INVITED', 'CREATED']).default('CREATED'),
  joinedTimestamp: DateString,
  /** Root id or OU id; defaults to the root. */
  parentId: z.string().optional(),
  /**
   * Shorthand: attaches the sandbox's `DenyRootUser` SCP (AWS's sample "deny root" statement without
   * its `aws:AssumedRoot` exemption) to this account, so its root sessions are refused.
   */
  scpDeniesRootSession: z.boolean().default(false),
  /**
   * AssumeRoot targeting this account alone answers AccessDenied "Service not enabled for AWS
   * Organizations." although the organization's features are on (seen per account by users; the
   * cause is not documented by AWS).
   */
  assumeRootServiceNotEnabled: z.boolean().default(false),
  /**
   * Regions where this account has deactivated STS (opt-in regions can be): AssumeRoot called by a
   * principal of this account there answers RegionDisabledException (HTTP 403).
   */
  stsDisabledRegions: z.array(z.string()).default([]),
  rootUser: RootUserSchema.default({ accessKeys: [], signingCertificates: [], mfaDevices: [] }),
  buckets: z.array(BucketSchema).default([]),
  queues: z.array(QueueSchema).default([]),
});

const OrganizationalUnitSchema = z.object({
  id: z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must look like ou-xxxx-xxxxxxxx'),
  name: z.string().min(1).max(128),
  /** The root id or an OU listed earlier. */
  parentId: z.string(),
});

const PrincipalSchema = z.object({
  /** How tests and tools refer to it: `sandbox.principal(name)`. */
  name: z.string().min(1),
  accountId: AccountId,
  /** `user` (IAM user), `role` (an assumed-role session with static credentials) or `root` (the account's root user). */
  type: z.enum(['user', 'role', 'root']).default('user'),
  /** IAM user name (type user) or role name (type role). */
  userName: z.string().optional(),
  roleSessionName: z.string().optional(),
  accessKeyId: z
    .string()
    .regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'must be AKIA/ASIA followed by 16 letters or digits'),
  secretAccessKey: z.string().min(16),
  /** Required for ASIA keys (type role). */
  sessionToken: z.string().optional(),
  /** Action patterns this principal's identity policy allows (`*`, `organizations:*`, `sts:AssumeRoot`). */
  allow: z.array(z.string()).default(['*']),
  /** The principal the server command exports; defaults to the first principal of the management account. */
  default: z.boolean().optional(),
});

const TrustedAccessSchema = z.object({ servicePrincipal: z.string().min(1), dateEnabled: DateString });
const DelegatedAdminSchema = z.object({
  accountId: AccountId,
  servicePrincipal: z.string().min(1),
  delegationEnabledDate: DateString,
});

const PolicyTypeSchema = z.enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']);

/** A customer-managed SCP or RCP (Organizations `Policy`); `content` is the policy document. */
const OrgPolicySchema = z.object({
  id: z.string().regex(/^p-[0-9a-zA-Z_]{8,128}$/, 'must look like p-xxxxxxxx'),
  name: z.string().min(1).max(128),
  description: z.string().max(512).default(''),
  type: PolicyTypeSchema.default('SERVICE_CONTROL_POLICY'),
  content: PolicyDocument,
  /** Root, OU or account ids the policy is attached to. */
  targets: z.array(z.string()).default([]),
});

const OrganizationSchema = z.object({
  id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must look like o-xxxxxxxxxx'),
  managementAccountId: AccountId,
  featureSet: z.enum(['ALL', 'CONSOLIDATED_BILLING']).default('ALL'),
  rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/, 'must look like r-xxxx'),
  trustedAccess: z.array(TrustedAccessSchema).default([]),
  delegatedAdministrators: z.array(DelegatedAdminSchema).default([]),
  /** IAM's organization features (ListOrganizationsFeatures). */
  rootFeatures: z.array(z.enum(['RootCredentialsManagement', 'RootSessions'])).default([]),
  /**
   * The feature AssumeRoot requires for IAMCreateRootUserPassword (password recovery). AWS's docs
   * disagree: the IAM User Guide says RootSessions, the launch blog lists it under
   * RootCredentialsManagement; the sandbox offers both.
   */
  passwordRecoveryFeature: z
    .enum(['RootCredentialsManagement', 'RootSessions'])
    .default('RootCredentialsManagement'),
  organizationalUnits: z.array(OrganizationalUnitSchema).default([]),
  /**
   * Organizations may answer an empty page that still carries a NextToken (aws-facts.md §6): after
   * every N non-empty pages, serve one empty page. 0 = never.
   */
  emptyPageEvery: z.number().int().min(0).default(0),
  /**
   * `Account.Paths` and `OrganizationalUnit.Path` are optional members in the Organizations API
   * Reference (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html,
   * API_OrganizationalUnit.html), so a caller cannot count on them: false leaves them out of every
   * answer, and callers must walk ListParents instead.
   */
  entityPaths: z.boolean().default(true),
  /** Policy types enabled on the root (ListRoots `PolicyTypes`); a type that is not enabled is not enforced. */
  enabledPolicyTypes: z
    .array(PolicyTypeSchema)
    .default(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']),
  /** SCPs and RCPs with the root, OU and account ids they are attached to. */
  policies: z.array(OrgPolicySchema).default([]),
  /**
   * Targets (root, OU or account ids) from which the AWS-managed FullAWSAccess SCP is detached, as
   * for an allow-list strategy. Everywhere else it is attached, as AWS does when SCPs are enabled.
   */
  fullAwsAccessDetachedFrom: z.array(z.string()).default([]),
});

const ScenarioObjectSchema = z.object({
  name: z.string().default('custom'),
  description: z.string().optional(),
  /** Default region of buckets and queues, and the region the server command exports. */
  region: z.string().default('us-east-1'),
  /**
   * The partition of every ARN the sandbox prints. Centralized root access exists only in `aws`: in
   * `aws-cn` and `aws-us-gov` AssumeRoot is refused.
   */
  partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']).default('aws'),
  organization: OrganizationSchema,
  accounts: z.array(AccountSchema).min(1),
  principals: z.array(PrincipalSchema).min(1),
});

/** The scenario JSON format (documented in the package README). */
export const ScenarioSchema = ScenarioObjectSchema.superRefine((scenario, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const org = scenario.organization;
  const accountIds = new Set<string>();
  const parents = new Set<string>([org.rootId]);
  org.organizationalUnits.forEach((ou, i) => {
    if (parents.has(ou.id)) issue(['organization', 'organizationalUnits', i, 'id'], `duplicate id ${ou.id}`);
    if (!parents.has(ou.parentId))
      issue(
        ['organization', 'organizationalUnits', i, 'parentId'],
        `unknown parent ${ou.parentId} (the root or an OU listed earlier)`,
      );
    parents.add(ou.id);
  });
  const keyIds = new Set<string>();
  const buckets = new Set<string>();
  scenario.accounts.forEach((account, i) => {
    if (accountIds.has(account.id)) issue(['accounts', i, 'id'], `duplicate account id ${account.id}`);
    accountIds.add(account.id);
    if (account.parentId !== undefined && !parents.has(account.parentId))
      issue(['accounts', i, 'parentId'], `unknown parent ${account.parentId}`);
    account.rootUser.accessKeys.forEach((key, k) => {
      if (keyIds.has(key.accessKeyId))
        issue(
          ['accounts', i, 'rootUser', 'accessKeys', k, 'accessKeyId'],
          `duplicate access key id ${key.accessKeyId}`,
        );
      keyIds.add(key.accessKeyId);
    });
    account.buckets.forEach((bucket, b) => {
      if (buckets.has(bucket.name))
        issue(
          ['accounts', i, 'buckets', b, 'name'],
          `duplicate bucket name ${bucket.name} (bucket names are global)`,
        );
      buckets.add(bucket.name);
    });
    const queues = new Set<string>();
    account.queues.forEach((queue, q) => {
      const key = `${queue.region ?? scenario.region}/${queue.name}`;
      if (queues.has(key)) issue(['accounts', i, 'queues', q, 'name'], `duplicate queue ${queue.name}`);
      queues.add(key);
    });
  });
  if (!accountIds.has(org.managementAccountId))
    issue(
      ['organization', 'managementAccountId'],
      `must be one of accounts[].id (${org.managementAccountId} is not)`,
    );
  org.delegatedAdministrators.forEach((da, i) => {
    if (!accountIds.has(da.accountId))
      issue(['organization', 'delegatedAdministrators', i, 'accountId'], `unknown account ${da.accountId}`);
    if (da.accountId === org.managementAccountId)
      issue(
        ['organization', 'delegatedAdministrators', i, 'accountId'],
        'the management account cannot be a delegated administrator',
      );
  });
  const targets = new Set<string>([...parents, ...accountIds]);
  const policyIds = new Set<string>();
  const withOtherScp = new Set<string>();
  org.policies.forEach((policy, i) => {
    if (policyIds.has(policy.id)) issue(['organization', 'policies', i, 'id'], `duplicate id ${policy.id}`);
    policyIds.add(policy.id);
    if (typeof policy.content === 'string' && !isJsonObject(policy.content))
      issue(['organization', 'policies', i, 'content'], 'must be a JSON policy document');
    policy.targets.forEach((target, j) => {
      if (!targets.has(target))
        issue(['organization', 'policies', i, 'targets', j], `unknown root, OU or account ${target}`);
      if (policy.type === 'SERVICE_CONTROL_POLICY') withOtherScp.add(target);
    });
  });
  org.fullAwsAccessDetachedFrom.forEach((target, i) => {
    if (!targets.has(target))
      issue(['organization', 'fullAwsAccessDetachedFrom', i], `unknown root, OU or account ${target}`);
    // "You can't detach the last SCP from a target" (Organizations DetachPolicy, ConstraintViolation).
    else if (!withOtherScp.has(target))
      issue(['organization', 'fullAwsAccessDetachedFrom', i], `${target} would have no SCP attached`);
  });
  const names = new Set<string>();
  let defaults = 0;
  scenario.principals.forEach((principal, i) => {
    if (names.has(principal.name))
      issue(['principals', i, 'name'], `duplicate principal name ${principal.name}`);
    names.add(principal.name);
    if (keyIds.has(principal.accessKeyId))
      issue(['principals', i, 'accessKeyId'], `duplicate access key id ${principal.accessKeyId}`);
    keyIds.add(principal.accessKeyId);
    if (principal.accessKeyId.startsWith('ASIA') && !principal.sessionToken)
      issue(['principals', i, 'sessionToken'], 'required for temporary (ASIA) access keys');
    if (principal.type === 'role' && !principal.accessKeyId.startsWith('ASIA'))
      issue(['principals', i, 'accessKeyId'], 'role sessions use temporary (ASIA) access keys');
    if (principal.type !== 'root' && !principal.userName)
      issue(['principals', i, 'userName'], `required for type ${principal.type}`);
    if (principal.default) defaults += 1;
  });
  if (defaults > 1) issue(['principals'], 'at most one principal may be the default');
  if (defaults === 0 && !scenario.principals.some((p) => p.accountId === org.managementAccountId))
    issue(['principals'], 'needs a principal in the management account (or one marked default)');
});

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A validated scenario, defaults applied. */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written in JSON (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type AccountScenario = z.output<typeof AccountSchema>;
export type PrincipalScenario = z.output<typeof PrincipalSchema>;
export type AccountStateName = z.output<typeof AccountStateSchema>;

/** Thrown for an invalid scenario; every message names the bad field, e.g. `accounts[3].rootUser.accessKeys: at most 2 access keys`. */
export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scenario:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(scenario)';
}

/** Validates a scenario object, throwing ScenarioError with one line per problem. */
export function parseScenario(input: unknown): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ScenarioError(result.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`));
}
