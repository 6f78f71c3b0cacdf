import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListChildrenCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  paginateListAccounts,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsError, TRANSPORTS, useSandbox } from './helpers.js';

const ctx = useSandbox({ scenario: 'exposed' });
beforeEach(() => ctx.sandbox.admin.reset());

describe.each(TRANSPORTS)('Organizations over %s', (transport) => {
  it('describes the organization to any member', async () => {
    const { Organization } = await ctx
      .as(transport, 'delegated-admin')
      .organizations.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({
      Id: 'o-exp0sed000',
      Arn: 'arn:aws:organizations::300000000000:organization/o-exp0sed000',
      FeatureSet: 'ALL',
      MasterAccountId: '300000000000',
      MasterAccountArn: 'arn:aws:organizations::300000000000:account/o-exp0sed000/300000000000',
    });
  });

  it('pages ListAccounts by at most 20, with empty pages that still carry a token', async () => {
    const orgs = ctx.as(transport).organizations;
    const pages: number[] = [];
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await orgs.send(new ListAccountsCommand({ MaxResults: 3, NextToken: token }));
      pages.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id as string));
      token = page.NextToken;
    } while (token);
    expect(ids).toHaveLength(14);
    expect(new Set(ids).size).toBe(14);
    expect(pages).toContain(0);
    expect(pages.every((n) => n <= 3)).toBe(true);
    const first = (await orgs.send(new ListAccountsCommand({}))).Accounts?.[3];
    expect(first).toEqual({
      Id: '300000000003',
      Arn: 'arn:aws:organizations::300000000000:account/o-exp0sed000/300000000003',
      Email: 'aws+payments@exposed.example.com',
      Name: 'Payments',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: expect.any(Date),
      Paths: ['o-exp0sed000/r-exp0/ou-exp0-workload/ou-exp0-prod0001/ou-exp0-payments/300000000003/'],
    });
    const tooMany = await awsError(() => orgs.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(tooMany.error.Reason).toBe('MAX_VALUE_EXCEEDED');
    const badToken = await awsError(() => orgs.send(new ListAccountsCommand({ NextToken: 'garbage' })));
    expect(badToken.error.Reason).toBe('INVALID_NEXT_TOKEN');
  });

  it('reports suspended, closed and closing accounts with both Status and State', async () => {
    const orgs = ctx.as(transport).organizations;
    const all = [];
    for await (const page of paginateListAccounts({ client: orgs }, {})) all.push(...(page.Accounts ?? []));
    const byName = Object.fromEntries(all.map((a) => [a.Name, a]));
    expect(byName.Legacy).toMatchObject({ Status: 'SUSPENDED', State: 'SUSPENDED' });
    expect(byName.Closed).toMatchObject({ Status: 'SUSPENDED', State: 'CLOSED' });
    expect(byName.Closing).toMatchObject({ Status: 'PENDING_CLOSURE', State: 'PENDING_CLOSURE' });
    expect(byName.Acquired).toMatchObject({ JoinedMethod: 'INVITED' });
  });

  it('walks roots, nested OUs, children and parents', async () => {
    const orgs = ctx.as(transport).organizations;
    const { Roots } = await orgs.send(new ListRootsCommand({}));
    expect(Roots).toEqual([
      {
        Id: 'r-exp0',
        Arn: 'arn:aws:organizations::300000000000:root/o-exp0sed000/r-exp0',
        Name: 'Root',
        PolicyTypes: [
          { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
          { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
        ],
      },
    ]);
    const top = await orgs.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-exp0' }));
    expect(top.OrganizationalUnits?.map((o) => o.Name)).toEqual(['Security', 'Workloads', 'Suspended']);
    const prod = await orgs.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-exp0-workload' }),
    );
    expect(prod.OrganizationalUnits?.[0]).toMatchObject({
      Id: 'ou-exp0-prod0001',
      Name: 'Prod',
      Path: 'o-exp0sed000/r-exp0/ou-exp0-workload/ou-exp0-prod0001/',
    });
    const direct = await orgs.send(new ListAccountsForParentCommand({ ParentId: 'ou-exp0-payments' }));
    expect(direct.Accounts?.map((a) => a.Id)).toEqual(['300000000003']);
    const children = await orgs.send(
      new ListChildrenCommand({ ParentId: 'ou-exp0-prod0001', ChildType: 'ORGANIZATIONAL_UNIT' }),
    );
    expect(children.Children).toEqual([{ Id: 'ou-exp0-payments', Type: 'ORGANIZATIONAL_UNIT' }]);
    expect((await orgs.send(new ListParentsCommand({ ChildId: '300000000003' }))).Parents).toEqual([
      { Id: 'ou-exp0-payments', Type: 'ORGANIZATIONAL_UNIT' },
    ]);
    expect((await orgs.send(new ListParentsCommand({ ChildId: 'ou-exp0-security' }))).Parents).toEqual([
      { Id: 'r-exp0', Type: 'ROOT' },
    ]);
    expect(
      (await awsError(() => orgs.send(new ListAccountsForParentCommand({ ParentId: 'ou-exp0-nothere1' }))))
        .name,
    ).toBe('ParentNotFoundException');
    expect((await awsError(() => orgs.send(new ListParentsCommand({ ChildId: '999999999999' })))).name).toBe(
      'ChildNotFoundException',
    );
  });

  it('describes accounts and reports missing ones', async () => {
    const orgs = ctx.as(transport).organizations;
    const { Account } = await orgs.send(new DescribeAccountCommand({ AccountId: '300000000009' }));
    expect(Account).toMatchObject({ Name: 'Closed', State: 'CLOSED' });
    const missing = await awsError(() =>
      orgs.send(new DescribeAccountCommand({ AccountId: '123123123123' })),
    );
    expect(missing).toMatchObject({
      name: 'AccountNotFoundException',
      status: 400,
      message: "You specified an account that doesn't exist.",
    });
  });

  it('manages trusted access and delegated administrators from the management account only', async () => {
    const orgs = ctx.as(transport).organizations;
    const access = await orgs.send(new ListAWSServiceAccessForOrganizationCommand({}));
    expect(access.EnabledServicePrincipals?.map((p) => p.ServicePrincipal)).toEqual([
      'iam.amazonaws.com',
      'sso.amazonaws.com',
    ]);
    expect(access.EnabledServicePrincipals?.[0]?.DateEnabled).toBeInstanceOf(Date);
    await orgs.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'config.amazonaws.com' }));
    expect(
      (await orgs.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals,
    ).toHaveLength(3);
    const das = await orgs.send(
      new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'iam.amazonaws.com' }),
    );
    expect(das.DelegatedAdministrators).toEqual([
      expect.objectContaining({
        Id: '300000000001',
        Name: 'Security',
        Status: 'ACTIVE',
        State: 'ACTIVE',
        DelegationEnabledDate: expect.any(Date),
      }),
    ]);
    await orgs.send(
      new RegisterDelegatedAdministratorCommand({
        AccountId: '300000000002',
        ServicePrincipal: 'iam.amazonaws.com',
      }),
    );
    expect(
      (await orgs.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'iam.amazonaws.com' })))
        .DelegatedAdministrators,
    ).toHaveLength(2);
    expect(
      (
        await awsError(() =>
          orgs.send(
            new RegisterDelegatedAdministratorCommand({
              AccountId: '300000000002',
              ServicePrincipal: 'iam.amazonaws.com',
            }),
          ),
        )
      ).name,
    ).toBe('AccountAlreadyRegisteredException');
    const da = ctx.as(transport, 'delegated-admin').organizations;
    expect((await da.send(new ListAccountsCommand({}))).Accounts).toHaveLength(14);
    const denied = await awsError(() =>
      da.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'x.amazonaws.com' })),
    );
    expect(denied).toMatchObject({
      name: 'AccessDeniedException',
      message: "You don't have permissions to access this resource.",
    });
    const none = await awsError(() =>
      ctx.as(transport, 'no-rights').organizations.send(new ListAccountsCommand({})),
    );
    expect(none.message).toBe(
      'User: arn:aws:iam::300000000005:user/developer is not authorized to perform: organizations:ListAccounts because no identity-based policy allows the organizations:ListAccounts action',
    );
  });

  it('validates required parameters', async () => {
    const orgs = ctx.as(transport).organizations;
    const error = await awsError(() => orgs.send(new ListAccountsForParentCommand({} as never)));
    expect(error.name).toBe('InvalidInputException');
  });
});

describe('Organizations at scale', () => {
  it('lists 10,000 generated accounts in pages of 20', async () => {
    ctx.sandbox.admin.loadScenario('generated:10000:3');
    try {
      const orgs = ctx.as('in-process').organizations;
      let count = 0;
      let pages = 0;
      for await (const page of paginateListAccounts({ client: orgs }, {})) {
        count += page.Accounts?.length ?? 0;
        pages += 1;
        expect(page.Accounts?.length ?? 0).toBeLessThanOrEqual(20);
      }
      expect(count).toBe(10_000);
      expect(pages).toBeGreaterThan(500);
    } finally {
      ctx.sandbox.admin.loadScenario('exposed');
    }
  });
});
