import type { OperationContext } from '../../context.js';
import { kindError, serviceError } from '../../errors.js';
import { IAM_ERRORS, renderQueryError, renderQueryResult } from '../../protocol/query.js';
import type { WireResponse } from '../../protocol/wire.js';
import type { AccountState, IamUserState, RootFeature, RootUserState } from '../../state/world.js';
import { Timestamp, XmlMap, type XmlValue } from '../../util/xml.js';
import { requiredParam } from '../params.js';
import type { ServiceDefinition, ServiceOperation } from '../service.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const IAM_PRINCIPAL = 'iam.amazonaws.com';

const reply = (ctx: OperationContext, result: XmlValue): WireResponse =>
  renderQueryResult(ctx.operation, XMLNS, result, ctx.requestId);
const noSuchEntity = (message: string) => serviceError('NoSuchEntity', message, 404);

/** The account the caller acts in: a root session's member account, or the principal's own. */
function homeAccount(ctx: OperationContext): AccountState {
  const account = ctx.world.accounts.get(ctx.caller.accountId);
  if (!account)
    throw serviceError('ServiceFailure', 'The account of the caller is not modeled by this scenario.', 500);
  return account;
}

/**
 * Root callers (a root session, or root static keys) address the root user by omitting UserName
 * (aws-facts.md §4); everyone else addresses an IAM user, defaulting to themselves.
 */
type Subject =
  | { kind: 'root'; account: AccountState; root: RootUserState }
  | { kind: 'user'; account: AccountState; user: IamUserState };

function subject(ctx: OperationContext): Subject {
  const account = homeAccount(ctx);
  const userName = ctx.query.get('UserName');
  if (userName === undefined && ctx.caller.isRoot) return { kind: 'root', account, root: account.rootUser };
  const name =
    userName ??
    (ctx.caller.kind === 'principal' && ctx.caller.principal.type === 'user'
      ? ctx.caller.principal.userName
      : undefined);
  if (name === undefined)
    throw kindError('validation', 'Must specify userName when calling with non-User credentials');
  const user = account.iamUsers.get(name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return { kind: 'user', account, user };
}

/** The resource IAM evaluates: the root user when UserName is omitted by a root caller. */
function userResource(ctx: OperationContext): string {
  const userName = ctx.query.get('UserName');
  if (userName === undefined && ctx.caller.isRoot) return `arn:aws:iam::${ctx.caller.accountId}:root`;
  if (userName === undefined && ctx.caller.kind === 'principal') return ctx.caller.arn;
  return `arn:aws:iam::${ctx.caller.accountId}:user/${userName ?? ''}`;
}

const userOp = (handle: ServiceOperation['handle']): ServiceOperation => ({ resource: userResource, handle });

function getUser(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  if (s.kind === 'root') {
    // Root answers carry no UserName and no Path, although the model marks them required (seed section 5).
    return reply(ctx, {
      User: {
        UserId: s.account.id,
        Arn: `arn:aws:iam::${s.account.id}:root`,
        CreateDate: new Timestamp(s.root.createDate),
        PasswordLastUsed:
          s.root.passwordLastUsed === undefined ? undefined : new Timestamp(s.root.passwordLastUsed),
      },
    });
  }
  return reply(ctx, { User: userXml(s.user) });
}

function userXml(user: IamUserState): XmlValue {
  return {
    Path: '/',
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Timestamp(user.createDate),
  };
}

const loginProfileMissing = (name: string) => noSuchEntity(`Login Profile for User ${name} cannot be found.`);

function getLoginProfile(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  if (s.kind === 'user') throw loginProfileMissing(s.user.userName);
  // Seed section 6: AWS prints the root's missing user name as "null".
  if (!s.root.loginProfile) throw loginProfileMissing('null');
  return reply(ctx, {
    LoginProfile: {
      CreateDate: new Timestamp(s.root.loginProfile.createDate),
      PasswordResetRequired: s.root.loginProfile.passwordResetRequired,
    },
  });
}

function createLoginProfile(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  if (s.kind === 'user')
    throw serviceError(
      'LimitExceeded',
      'Console passwords for IAM users are not modeled by the sandbox.',
      409,
    );
  // An AssumeRoot session must omit Password: the root gets a profile without password ("allow password recovery").
  if (ctx.query.has('Password'))
    throw kindError(
      'validation',
      'Password must be omitted when creating a login profile for the root user with an AssumeRoot session.',
    );
  if (s.root.loginProfile)
    throw serviceError('EntityAlreadyExists', 'Login Profile for User null already exists.', 409);
  const profile = { createDate: Math.floor(ctx.now / 1000) * 1000, passwordResetRequired: false };
  s.root.loginProfile = profile;
  return reply(ctx, {
    LoginProfile: { CreateDate: new Timestamp(profile.createDate), PasswordResetRequired: false },
  });
}

function deleteLoginProfile(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  if (s.kind === 'user') throw loginProfileMissing(s.user.userName);
  if (!s.root.loginProfile) throw loginProfileMissing('null');
  s.root.loginProfile = undefined;
  return reply(ctx, undefined);
}

function listAccessKeys(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  if (s.kind === 'user') {
    const keys = s.user.accessKeyIds.filter((id) => ctx.core.credentials.byAccessKey.has(id));
    return reply(ctx, {
      AccessKeyMetadata: keys.map((id) => ({
        UserName: s.user.userName,
        AccessKeyId: id,
        Status: 'Active',
        CreateDate: new Timestamp(s.user.createDate),
      })),
      IsTruncated: false,
    });
  }
  return reply(ctx, {
    AccessKeyMetadata: s.root.accessKeys.map((k) => ({
      AccessKeyId: k.accessKeyId,
      Status: k.status,
      CreateDate: new Timestamp(k.createDate),
    })),
    IsTruncated: false,
  });
}

const keyMissing = (id: string) => noSuchEntity(`The Access Key with id ${id} cannot be found.`);

function getAccessKeyLastUsed(ctx: OperationContext): WireResponse {
  const id = requiredParam(ctx.query, 'AccessKeyId');
  const account = homeAccount(ctx);
  const key = account.rootUser.accessKeys.find((k) => k.accessKeyId === id);
  if (key && ctx.caller.isRoot) {
    return reply(ctx, {
      AccessKeyLastUsed: key.lastUsed
        ? {
            LastUsedDate: new Timestamp(key.lastUsed.date),
            ServiceName: key.lastUsed.serviceName,
            Region: key.lastUsed.region,
          }
        : { ServiceName: 'N/A', Region: 'N/A' },
    });
  }
  for (const user of account.iamUsers.values()) {
    if (user.accessKeyIds.includes(id) && ctx.core.credentials.byAccessKey.has(id))
      return reply(ctx, {
        UserName: user.userName,
        AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
      });
  }
  throw keyMissing(id);
}

function deleteAccessKey(ctx: OperationContext): WireResponse {
  const id = requiredParam(ctx.query, 'AccessKeyId');
  const s = subject(ctx);
  if (s.kind === 'root') {
    const index = s.root.accessKeys.findIndex((k) => k.accessKeyId === id);
    if (index < 0) throw keyMissing(id);
    s.root.accessKeys.splice(index, 1);
    return reply(ctx, undefined);
  }
  if (!s.user.accessKeyIds.includes(id) || !ctx.core.credentials.byAccessKey.has(id)) throw keyMissing(id);
  // Deleting an IAM user's key revokes the principal's static credentials, as in AWS.
  ctx.core.credentials.byAccessKey.delete(id);
  return reply(ctx, undefined);
}

function listSigningCertificates(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  const certificates =
    s.kind === 'root'
      ? s.root.signingCertificates.map((c) => ({
          CertificateId: c.certificateId,
          CertificateBody: c.body,
          Status: c.status,
          UploadDate: new Timestamp(c.uploadDate),
        }))
      : [];
  return reply(ctx, { Certificates: certificates, IsTruncated: false });
}

function deleteSigningCertificate(ctx: OperationContext): WireResponse {
  const id = requiredParam(ctx.query, 'CertificateId');
  const s = subject(ctx);
  const list = s.kind === 'root' ? s.root.signingCertificates : [];
  const index = list.findIndex((c) => c.certificateId === id);
  if (index < 0) throw noSuchEntity(`The Certificate with id ${id} cannot be found.`);
  list.splice(index, 1);
  return reply(ctx, undefined);
}

function listMfaDevices(ctx: OperationContext): WireResponse {
  const s = subject(ctx);
  const devices =
    s.kind === 'root'
      ? s.root.mfaDevices.map((d) => ({
          SerialNumber: d.serialNumber,
          EnableDate: new Timestamp(d.enableDate),
        }))
      : [];
  return reply(ctx, { MFADevices: devices, IsTruncated: false });
}

function deactivateMfaDevice(ctx: OperationContext): WireResponse {
  const serial = requiredParam(ctx.query, 'SerialNumber');
  const s = subject(ctx);
  const list = s.kind === 'root' ? s.root.mfaDevices : [];
  const index = list.findIndex((d) => d.serialNumber === serial);
  if (index < 0 || s.kind !== 'root')
    throw noSuchEntity(`MFA Device with serial number ${serial} does not exist.`);
  list.splice(index, 1);
  // A deactivated virtual device still exists (unassigned) until deleted.
  if (serial.includes(':mfa/')) s.root.unassignedVirtualMfaDevices += 1;
  return reply(ctx, undefined);
}

function deleteVirtualMfaDevice(ctx: OperationContext): WireResponse {
  const serial = requiredParam(ctx.query, 'SerialNumber');
  const account = homeAccount(ctx);
  if (account.rootUser.mfaDevices.some((d) => d.serialNumber === serial))
    throw serviceError('DeleteConflict', 'MFA VirtualDevice in use. Must deactivate first.', 409);
  if (!serial.includes(':mfa/') || account.rootUser.unassignedVirtualMfaDevices === 0)
    throw noSuchEntity(`VirtualMFADevice with serial ${serial} does not exist.`);
  account.rootUser.unassignedVirtualMfaDevices -= 1;
  return reply(ctx, undefined);
}

/** Counters derived from the state, so they always agree with the List* answers. */
function getAccountSummary(ctx: OperationContext): WireResponse {
  const account = homeAccount(ctx);
  const root = account.rootUser;
  const mfa = root.mfaDevices.length;
  return reply(ctx, {
    SummaryMap: new XmlMap([
      ['GroupPolicySizeQuota', 5120],
      ['InstanceProfilesQuota', 1000],
      ['Policies', 0],
      ['GroupsPerUserQuota', 10],
      ['InstanceProfiles', 0],
      ['AttachedPoliciesPerUserQuota', 10],
      ['Users', account.iamUsers.size],
      ['PoliciesQuota', 1500],
      ['Providers', 0],
      ['AccountMFAEnabled', mfa > 0 ? 1 : 0],
      ['AccessKeysPerUserQuota', 2],
      ['AssumeRolePolicySizeQuota', 2048],
      ['PolicyVersionsInUseQuota', 10000],
      ['GlobalEndpointTokenVersion', 1],
      ['VersionsPerPolicyQuota', 5],
      ['AttachedPoliciesPerGroupQuota', 10],
      ['PolicySizeQuota', 6144],
      ['Groups', 0],
      ['AccountSigningCertificatesPresent', root.signingCertificates.length > 0 ? 1 : 0],
      ['UsersQuota', 5000],
      ['ServerCertificatesQuota', 20],
      ['MFADevices', mfa + root.unassignedVirtualMfaDevices],
      ['UserPolicySizeQuota', 2048],
      ['PolicyVersionsInUse', 0],
      ['ServerCertificates', 0],
      ['Roles', 0],
      ['RolesQuota', 1000],
      ['SigningCertificatesPerUserQuota', 2],
      ['MFADevicesInUse', mfa],
      ['RolePolicySizeQuota', 10240],
      ['AttachedPoliciesPerRoleQuota', 10],
      ['AccountAccessKeysPresent', root.accessKeys.length > 0 ? 1 : 0],
      ['AccountPasswordPresent', root.loginProfile ? 1 : 0],
      ['GroupsQuota', 300],
    ]),
  });
}

function createUser(ctx: OperationContext): WireResponse {
  const name = requiredParam(ctx.query, 'UserName');
  const account = homeAccount(ctx);
  if (account.iamUsers.has(name))
    throw serviceError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
  const user: IamUserState = {
    userName: name,
    userId: `AIDA${Buffer.from(`${account.id}/${name}`).toString('hex').toUpperCase().slice(0, 17).padEnd(17, 'X')}`,
    arn: `arn:aws:iam::${account.id}:user/${name}`,
    createDate: Math.floor(ctx.now / 1000) * 1000,
    accessKeyIds: [],
  };
  account.iamUsers.set(name, user);
  return reply(ctx, { User: userXml(user) });
}

// --- organization features (aws-facts.md §3) ---

const FEATURE_ORDER: RootFeature[] = ['RootCredentialsManagement', 'RootSessions'];

function featureError(code: string, message: string) {
  return serviceError(code, message, 400);
}

function checkFeatureCaller(ctx: OperationContext, enabling: boolean): void {
  const org = ctx.world.organization;
  if (!ctx.world.accounts.has(ctx.caller.accountId))
    throw featureError(
      'OrganizationNotFoundException',
      'The request was rejected because no organization is associated with your account.',
    );
  if (org.featureSet !== 'ALL')
    throw featureError(
      'OrganizationNotInAllFeaturesModeException',
      'The request was rejected because your organization does not have All features enabled.',
    );
  const isManagement = ctx.caller.accountId === org.managementAccountId;
  const isDelegated = org.delegatedAdministrators.get(ctx.caller.accountId)?.has(IAM_PRINCIPAL) ?? false;
  if (!isManagement && !isDelegated)
    throw featureError(
      'AccountNotManagementOrDelegatedAdministratorException',
      'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.',
    );
  if (enabling && !isManagement)
    throw featureError(
      'CallerIsNotManagementAccountException',
      'The request was rejected because the account making the request is not the management account for the organization.',
    );
  if (!org.trustedAccess.has(IAM_PRINCIPAL))
    throw featureError(
      'ServiceAccessNotEnabledException',
      'The request was rejected because trusted access is not enabled for IAM in Organizations.',
    );
}

function featuresReply(ctx: OperationContext): WireResponse {
  const org = ctx.world.organization;
  return reply(ctx, {
    OrganizationId: org.id,
    EnabledFeatures: FEATURE_ORDER.filter((f) => org.rootFeatures.has(f)),
  });
}

const featureOp = (change?: { feature: RootFeature; enable: boolean }): ServiceOperation => ({
  handle: (ctx) => {
    checkFeatureCaller(ctx, change?.enable === true);
    if (change) {
      if (change.enable) ctx.world.organization.rootFeatures.add(change.feature);
      else ctx.world.organization.rootFeatures.delete(change.feature);
    }
    return featuresReply(ctx);
  },
});

export const iamService: ServiceDefinition = {
  name: 'iam',
  actionPrefix: 'iam',
  protocol: 'query',
  operationName: (_req, ctx) => ctx.query.get('Action'),
  renderError: (error, requestId) => renderQueryError(error, XMLNS, requestId, IAM_ERRORS),
  fallbackResource: undefined,
  operations: {
    GetUser: userOp(getUser),
    GetLoginProfile: userOp(getLoginProfile),
    CreateLoginProfile: userOp(createLoginProfile),
    DeleteLoginProfile: userOp(deleteLoginProfile),
    ListAccessKeys: userOp(listAccessKeys),
    GetAccessKeyLastUsed: userOp(getAccessKeyLastUsed),
    DeleteAccessKey: userOp(deleteAccessKey),
    ListSigningCertificates: userOp(listSigningCertificates),
    DeleteSigningCertificate: userOp(deleteSigningCertificate),
    ListMFADevices: userOp(listMfaDevices),
    DeactivateMFADevice: userOp(deactivateMfaDevice),
    DeleteVirtualMFADevice: {
      resource: (ctx) => ctx.query.get('SerialNumber') ?? `arn:aws:iam::${ctx.caller.accountId}:mfa/`,
      handle: deleteVirtualMfaDevice,
    },
    GetAccountSummary: { handle: getAccountSummary },
    CreateUser: {
      resource: (ctx) => `arn:aws:iam::${ctx.caller.accountId}:user/${ctx.query.get('UserName') ?? ''}`,
      handle: createUser,
    },
    ListOrganizationsFeatures: featureOp(),
    EnableOrganizationsRootCredentialsManagement: featureOp({
      feature: 'RootCredentialsManagement',
      enable: true,
    }),
    DisableOrganizationsRootCredentialsManagement: featureOp({
      feature: 'RootCredentialsManagement',
      enable: false,
    }),
    EnableOrganizationsRootSessions: featureOp({ feature: 'RootSessions', enable: true }),
    DisableOrganizationsRootSessions: featureOp({ feature: 'RootSessions', enable: false }),
  },
};
