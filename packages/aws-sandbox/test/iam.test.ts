import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  DisableOrganizationsRootCredentialsManagementCommand,
  DisableOrganizationsRootSessionsCommand,
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsError, TRANSPORTS, useSandbox } from './helpers.js';

const ctx = useSandbox({ scenario: 'blog' });
beforeEach(() => ctx.sandbox.admin.reset());

describe.each(TRANSPORTS)('IAM over %s', (transport) => {
  it('audits a root user that has every credential (seed section 5)', async () => {
    const { iam } = await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials');
    const { User } = await iam.send(new GetUserCommand({}));
    expect(User).toEqual({
      UserId: '111111111111',
      Arn: 'arn:aws:iam::111111111111:root',
      CreateDate: new Date('2023-03-27T23:19:57Z'),
      PasswordLastUsed: new Date('2025-12-13T22:11:47Z'),
    });
    expect(User).not.toHaveProperty('UserName');
    expect(User).not.toHaveProperty('Path');
    expect((await iam.send(new GetLoginProfileCommand({}))).LoginProfile).toEqual({
      CreateDate: new Date('2023-03-27T23:19:57Z'),
      PasswordResetRequired: false,
    });
    const keys = await iam.send(new ListAccessKeysCommand({}));
    expect(keys.AccessKeyMetadata).toEqual([
      { AccessKeyId: 'AKIA6FU7H6FWXAD6YL54', Status: 'Active', CreateDate: new Date('2025-12-13T22:14:40Z') },
    ]);
    expect(keys.IsTruncated).toBe(false);
    const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIA6FU7H6FWXAD6YL54' }));
    expect(lastUsed.AccessKeyLastUsed).toEqual({
      LastUsedDate: new Date('2025-12-13T22:20:00Z'),
      ServiceName: 'sts',
      Region: 'us-east-1',
    });
    expect(lastUsed.UserName).toBeUndefined();
    const certs = await iam.send(new ListSigningCertificatesCommand({}));
    expect(certs.Certificates).toHaveLength(1);
    expect(certs.Certificates?.[0]).toMatchObject({
      CertificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY',
      Status: 'Active',
      UploadDate: new Date('2025-12-13T22:27:02Z'),
    });
    expect(certs.Certificates?.[0]?.CertificateBody).toMatch(/^-----BEGIN CERTIFICATE-----\nMIIDlDCC/);
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([
      { SerialNumber: 'arn:aws:iam::111111111111:mfa/Authapp', EnableDate: new Date('2025-12-13T22:14:07Z') },
    ]);
    const summary = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap;
    expect(summary).toMatchObject({
      AccountMFAEnabled: 1,
      AccountAccessKeysPresent: 1,
      AccountPasswordPresent: 1,
      AccountSigningCertificatesPresent: 1,
      MFADevices: 1,
      MFADevicesInUse: 1,
    });
  });

  it('audits a root user without credentials (seed section 6)', async () => {
    const { iam } = await ctx.rootSession(transport, '666666666666', 'IAMAuditRootUserCredentials');
    expect((await iam.send(new GetUserCommand({}))).User).toEqual({
      UserId: '666666666666',
      Arn: 'arn:aws:iam::666666666666:root',
      CreateDate: new Date('2025-06-17T23:06:06Z'),
      PasswordLastUsed: new Date('2025-06-18T02:05:10Z'),
    });
    const missing = await awsError(() => iam.send(new GetLoginProfileCommand({})));
    expect(missing).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
      message: 'Login Profile for User null cannot be found.',
    });
    expect(missing.code).toBe('NoSuchEntity');
    expect((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([]);
    expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    expect((await iam.send(new ListSigningCertificatesCommand({}))).Certificates).toEqual([]);
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap).toMatchObject({
      AccountMFAEnabled: 0,
      AccountAccessKeysPresent: 0,
      AccountPasswordPresent: 0,
      AccountSigningCertificatesPresent: 0,
    });
  });

  it('deletes every root credential with the delete task, and the audit sees the result', async () => {
    const del = (await ctx.rootSession(transport, '111111111111', 'IAMDeleteRootUserCredentials')).iam;
    await del.send(new DeleteLoginProfileCommand({}));
    await del.send(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIA6FU7H6FWXAD6YL54' }));
    await del.send(
      new DeleteSigningCertificateCommand({ CertificateId: '4NBBG66JO4AIOZQHZEWB3MQ2X67UYVNY' }),
    );
    await del.send(new DeactivateMFADeviceCommand({ SerialNumber: 'arn:aws:iam::111111111111:mfa/Authapp' }));
    expect(
      await awsError(() => del.send(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIA6FU7H6FWXAD6YL54' }))),
    ).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The Access Key with id AKIA6FU7H6FWXAD6YL54 cannot be found.',
    });
    expect(await awsError(() => del.send(new DeleteLoginProfileCommand({})))).toMatchObject({
      message: 'Login Profile for User null cannot be found.',
    });
    // The delete task cannot delete the virtual device itself (its resource is mfa/..., not the root).
    const virtualDelete = await awsError(() =>
      del.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: 'arn:aws:iam::111111111111:mfa/Authapp' })),
    );
    expect(virtualDelete.message).toBe(
      'User: arn:aws:iam::111111111111:root is not authorized to perform: iam:DeleteVirtualMFADevice on resource: arn:aws:iam::111111111111:mfa/Authapp with an explicit deny in an identity-based policy',
    );
    // GetAccountSummary is only in the audit task.
    expect((await awsError(() => del.send(new GetAccountSummaryCommand({})))).name).toBe('AccessDenied');
    const audit = (await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials')).iam;
    expect((await audit.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toEqual([]);
    expect((await audit.send(new ListMFADevicesCommand({}))).MFADevices).toEqual([]);
    const summary = (await audit.send(new GetAccountSummaryCommand({}))).SummaryMap;
    expect(summary).toMatchObject({
      AccountMFAEnabled: 0,
      AccountAccessKeysPresent: 0,
      AccountPasswordPresent: 0,
      MFADevices: 1,
      MFADevicesInUse: 0,
    });
    // The root user still exists, with its last password use (seed section 6).
    expect((await audit.send(new GetUserCommand({}))).User?.PasswordLastUsed).toEqual(
      new Date('2025-12-13T22:11:47Z'),
    );
  });

  it('reports never-used keys as N/A and unknown keys as NoSuchEntity', async () => {
    const state = ctx.sandbox.admin.addAccessKey('666666666666', { status: 'Inactive' });
    const keyId = state.accessKeys[0]?.accessKeyId as string;
    const { iam } = await ctx.rootSession(transport, '666666666666', 'IAMAuditRootUserCredentials');
    expect(
      (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }))).AccessKeyLastUsed,
    ).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
    const missing = await awsError(() =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
    );
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.AccountAccessKeysPresent).toBe(1);
  });

  it('creates a login profile without a password (allow password recovery)', async () => {
    const create = (await ctx.rootSession(transport, '666666666666', 'IAMCreateRootUserPassword')).iam;
    const { LoginProfile } = await create.send(new CreateLoginProfileCommand({}));
    expect(LoginProfile?.PasswordResetRequired).toBe(false);
    expect(LoginProfile?.CreateDate).toBeInstanceOf(Date);
    expect((await create.send(new GetLoginProfileCommand({}))).LoginProfile?.CreateDate).toEqual(
      LoginProfile?.CreateDate,
    );
    const again = await awsError(() => create.send(new CreateLoginProfileCommand({})));
    expect(again).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    const withPassword = await awsError(() =>
      create.send(new CreateLoginProfileCommand({ Password: 'hunter2hunter2' })),
    );
    expect(withPassword.name).toBe('ValidationError');
    expect((await awsError(() => create.send(new ListAccessKeysCommand({})))).name).toBe('AccessDenied');
    expect(ctx.sandbox.admin.rootCredentials('666666666666').loginProfile).not.toBeNull();
  });

  it('fences everything outside the task policy with an explicit deny', async () => {
    const { iam, sts } = await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials');
    const createUser = await awsError(() => iam.send(new CreateUserCommand({ UserName: 'bob' })));
    expect(createUser).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message:
        'User: arn:aws:iam::111111111111:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111111111111:user/bob with an explicit deny in an identity-based policy',
    });
    const otherUser = await awsError(() => iam.send(new GetUserCommand({ UserName: 'admin' })));
    expect(otherUser.message).toContain(
      'on resource: arn:aws:iam::111111111111:user/admin with an explicit deny',
    );
    expect((await awsError(() => iam.send(new DeleteLoginProfileCommand({})))).name).toBe('AccessDenied');
    expect((await awsError(() => iam.send(new ListOrganizationsFeaturesCommand({})))).name).toBe(
      'AccessDenied',
    );
    // GetCallerIdentity is never denied.
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
  });

  it('an SCP that denies the root principal denies the session too', async () => {
    ctx.sandbox.admin.setAccount('111111111111', { scpDeniesRootSession: true });
    const { iam, sts } = await ctx.rootSession(transport, '111111111111', 'IAMAuditRootUserCredentials');
    const denied = await awsError(() => iam.send(new GetUserCommand({})));
    expect(denied.message).toBe(
      'User: arn:aws:iam::111111111111:root is not authorized to perform: iam:GetUser on resource: arn:aws:iam::111111111111:root with an explicit deny in a service control policy',
    );
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
  });

  it('expires sessions on the sandbox clock', async () => {
    const { iam, organizations: _o } = await ctx.rootSession(
      transport,
      '111111111111',
      'IAMAuditRootUserCredentials',
    );
    await iam.send(new GetUserCommand({}));
    ctx.sandbox.admin.advanceClock(901_000);
    const expired = await awsError(() => iam.send(new GetUserCommand({})));
    expect(expired).toMatchObject({
      name: 'ExpiredToken',
      status: 403,
      message: 'The security token included in the request is expired',
    });
  });

  it('switches organization features; only the management account enables', async () => {
    const iam = ctx.as(transport).iam;
    expect(await iam.send(new ListOrganizationsFeaturesCommand({}))).toMatchObject({
      OrganizationId: 'o-8j81brsjuj',
      EnabledFeatures: ['RootCredentialsManagement'],
    });
    expect((await iam.send(new EnableOrganizationsRootSessionsCommand({}))).EnabledFeatures).toEqual([
      'RootCredentialsManagement',
      'RootSessions',
    ]);
    expect(
      (await iam.send(new DisableOrganizationsRootCredentialsManagementCommand({}))).EnabledFeatures,
    ).toEqual(['RootSessions']);
    expect(
      (await iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}))).EnabledFeatures,
    ).toEqual(['RootCredentialsManagement', 'RootSessions']);
    const da = ctx.as(transport, 'delegated-admin').iam;
    expect((await da.send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures).toHaveLength(2);
    const enable = await awsError(() => da.send(new EnableOrganizationsRootSessionsCommand({})));
    expect(enable).toMatchObject({ name: 'CallerIsNotManagementAccountException', status: 400 });
    expect((await da.send(new DisableOrganizationsRootSessionsCommand({}))).EnabledFeatures).toEqual([
      'RootCredentialsManagement',
    ]);
    const member = ctx.as(transport, 'no-rights').iam;
    expect((await awsError(() => member.send(new ListOrganizationsFeaturesCommand({})))).name).toBe(
      'AccessDenied',
    );
    ctx.sandbox.admin.setOrganization({ trustedAccess: [] });
    expect((await awsError(() => iam.send(new ListOrganizationsFeaturesCommand({})))).name).toBe(
      'ServiceAccessNotEnabledException',
    );
  });

  it('answers ordinary IAM for IAM users', async () => {
    const iam = ctx.as(transport).iam;
    const { User } = await iam.send(new GetUserCommand({}));
    expect(User).toMatchObject({ UserName: 'admin', Path: '/', Arn: 'arn:aws:iam::123456789012:user/admin' });
    const created = await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    expect(created.User?.Arn).toBe('arn:aws:iam::123456789012:user/bob');
    expect((await awsError(() => iam.send(new CreateUserCommand({ UserName: 'bob' })))).name).toBe(
      'EntityAlreadyExistsException',
    );
    expect((await awsError(() => iam.send(new GetLoginProfileCommand({})))).message).toBe(
      'Login Profile for User admin cannot be found.',
    );
    expect((await awsError(() => iam.send(new GetUserCommand({ UserName: 'nobody' })))).message).toBe(
      'The user with name nobody cannot be found.',
    );
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap).toMatchObject({
      Users: 2,
      AccountMFAEnabled: 1,
      AccountPasswordPresent: 1,
    });
    const none = await awsError(() => ctx.as(transport, 'no-rights').iam.send(new GetUserCommand({})));
    expect(none.message).toBe(
      'User: arn:aws:iam::333333333333:user/developer is not authorized to perform: iam:GetUser on resource: arn:aws:iam::333333333333:user/developer because no identity-based policy allows the iam:GetUser action',
    );
  });
});
