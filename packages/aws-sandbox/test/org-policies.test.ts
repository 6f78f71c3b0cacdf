import { GetUserCommand } from '@aws-sdk/client-iam';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../src/index.js';
import { awsError, TRANSPORTS, useSandbox } from './helpers.js';

const ctx = useSandbox({ scenario: 'exposed' });
beforeEach(() => ctx.sandbox.admin.reset());

const SCP_LOCKED = '300000000012';
const PAYMENTS = '300000000003';

describe.each(TRANSPORTS)('Organizations policies over %s', (transport) => {
  it('lists SCPs and RCPs with AWS wire shapes, AWS-managed ones included', async () => {
    const orgs = ctx.as(transport).organizations;
    const { Policies } = await orgs.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }));
    expect(Policies?.map((p) => p.Id)).toEqual(['p-FullAWSAccess', 'p-exp0denyrootexc', 'p-exp0denyrootall']);
    expect(Policies?.[0]).toEqual({
      Id: 'p-FullAWSAccess',
      Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
      Name: 'FullAWSAccess',
      Description: 'Allows access to every operation',
      Type: 'SERVICE_CONTROL_POLICY',
      AwsManaged: true,
    });
    const rcps = await orgs.send(new ListPoliciesCommand({ Filter: 'RESOURCE_CONTROL_POLICY' }));
    expect(rcps.Policies?.map((p) => p.Name)).toEqual(['RCPFullAWSAccess']);
    const { Policy } = await orgs.send(new DescribePolicyCommand({ PolicyId: 'p-exp0denyrootall' }));
    expect(Policy?.PolicySummary?.Arn).toBe(
      'arn:aws:organizations::300000000000:policy/o-exp0sed000/service_control_policy/p-exp0denyrootall',
    );
    expect(JSON.parse(Policy?.Content ?? '{}').Statement[0].Sid).toBe('DenyRootUser');
  });

  it('pages the targets of a policy and the policies of a target', async () => {
    const orgs = ctx.as(transport).organizations;
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await orgs.send(
        new ListTargetsForPolicyCommand({ PolicyId: 'p-FullAWSAccess', MaxResults: 5, NextToken: token }),
      );
      ids.push(...(page.Targets ?? []).map((t) => t.TargetId as string));
      token = page.NextToken;
      pages += 1;
    } while (token);
    // The root, 6 OUs and 14 accounts, each once.
    expect(new Set(ids).size).toBe(21);
    expect(pages).toBeGreaterThan(4);
    const root = await orgs.send(new ListTargetsForPolicyCommand({ PolicyId: 'p-exp0denyrootexc' }));
    expect(root.Targets).toEqual([
      {
        TargetId: 'r-exp0',
        Arn: 'arn:aws:organizations::300000000000:root/o-exp0sed000/r-exp0',
        Name: 'Root',
        Type: 'ROOT',
      },
    ]);
    const forAccount = await orgs.send(
      new ListPoliciesForTargetCommand({ TargetId: SCP_LOCKED, Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    expect(forAccount.Policies?.map((p) => p.Name)).toEqual(['FullAWSAccess', 'DenyRootUser']);
  });

  it('answers AWS errors for unknown policies, bad ids, bad filters and plain members', async () => {
    const orgs = ctx.as(transport).organizations;
    expect(
      await awsError(() => orgs.send(new DescribePolicyCommand({ PolicyId: 'p-doesnotexist' }))),
    ).toMatchObject({
      name: 'PolicyNotFoundException',
    });
    expect(await awsError(() => orgs.send(new DescribePolicyCommand({ PolicyId: 'nope' })))).toMatchObject({
      name: 'InvalidInputException',
    });
    expect(
      await awsError(() => orgs.send(new ListPoliciesCommand({ Filter: 'NOPE' as 'TAG_POLICY' }))),
    ).toMatchObject({ name: 'InvalidInputException' });
    expect(
      await awsError(() =>
        orgs.send(
          new ListPoliciesForTargetCommand({ TargetId: '999999999999', Filter: 'SERVICE_CONTROL_POLICY' }),
        ),
      ),
    ).toMatchObject({ name: 'TargetNotFoundException' });
    const member = ctx.as(transport, 'no-rights').organizations;
    expect(
      await awsError(() => member.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }))),
    ).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses root sessions the SCPs deny, with the SCP wording, and lets the others through', async () => {
    const locked = await ctx.rootSession(transport, SCP_LOCKED, 'IAMAuditRootUserCredentials');
    const denied = await awsError(() => locked.iam.send(new GetUserCommand({})));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('with an explicit deny in a service control policy');
    // The root carries AWS's sample deny-root SCP, whose aws:AssumedRoot exemption lets root sessions pass.
    const open = await ctx.rootSession(transport, PAYMENTS, 'IAMAuditRootUserCredentials');
    expect((await open.iam.send(new GetUserCommand({}))).User?.Arn).toBe(`arn:aws:iam::${PAYMENTS}:root`);
    ctx.sandbox.admin.setAccount(PAYMENTS, { scpDeniesRootSession: true });
    expect((await awsError(() => open.iam.send(new GetUserCommand({})))).name).toBe('AccessDenied');
    ctx.sandbox.admin.setAccount(PAYMENTS, { scpDeniesRootSession: false });
    expect((await open.iam.send(new GetUserCommand({}))).User).toBeDefined();
  });
});

describe('RCPs and allow-lists', () => {
  const scenario: ScenarioInput = {
    name: 'rcp',
    organization: {
      id: 'o-rcp0000000',
      managementAccountId: '500000000000',
      rootId: 'r-rcp0',
      trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: 'now-1d' }],
      rootFeatures: ['RootCredentialsManagement' as const, 'RootSessions' as const],
      organizationalUnits: [{ id: 'ou-rcp0-allowlst', name: 'AllowList', parentId: 'r-rcp0' }],
      fullAwsAccessDetachedFrom: ['ou-rcp0-allowlst'],
      policies: [
        {
          id: 'p-allowlist0',
          name: 'AllowS3Only',
          content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
          targets: ['ou-rcp0-allowlst'],
        },
        {
          id: 'p-rcpnoroot0',
          name: 'NoRootSessionsOnBuckets',
          type: 'RESOURCE_CONTROL_POLICY' as const,
          content: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: '*',
                Condition: { Bool: { 'aws:AssumedRoot': 'true' } },
              },
            ],
          },
          targets: ['500000000001'],
        },
      ],
    },
    accounts: [
      { id: '500000000000', name: 'Mgmt', email: 'm@example.com', joinedTimestamp: 'now-9d' },
      {
        id: '500000000001',
        name: 'Data',
        email: 'd@example.com',
        joinedTimestamp: 'now-9d',
        buckets: [{ name: 'rcp-data' }],
      },
      {
        id: '500000000002',
        name: 'Listed',
        email: 'l@example.com',
        joinedTimestamp: 'now-9d',
        parentId: 'ou-rcp0-allowlst',
      },
    ],
    principals: [
      {
        name: 'management',
        accountId: '500000000000',
        userName: 'admin',
        accessKeyId: 'AKIAEXAMPLERCPMGMT00',
        secretAccessKey: 'sandbox/rcp/NOT-A-REAL-SECRET',
      },
    ],
  };
  const rcp = useSandbox({ scenario });

  it('an RCP denies the bucket unlock; an allow-list without iam:* is an implicit SCP deny', async () => {
    const s3Session = await rcp.rootSession('in-process', '500000000001', 'S3UnlockBucketPolicy');
    const denied = await awsError(() =>
      s3Session.s3.send(new GetBucketPolicyCommand({ Bucket: 'rcp-data' })),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('with an explicit deny in a resource control policy');
    const listed = await rcp.rootSession('in-process', '500000000002', 'IAMAuditRootUserCredentials');
    const implicit = await awsError(() => listed.iam.send(new GetUserCommand({})));
    expect(implicit.message).toContain('because no service control policy allows the iam:GetUser action');
  });

  it('validates policy targets and refuses a target left without any SCP', async () => {
    const bad = {
      ...scenario,
      organization: {
        ...scenario.organization,
        fullAwsAccessDetachedFrom: ['500000000001'],
        policies: [{ ...scenario.organization.policies?.[0], targets: ['ou-missing0-x'] }],
      },
    };
    const { loadScenario } = await import('../src/scenarios/load.js');
    expect(() => loadScenario(JSON.stringify(bad))).toThrow(
      /policies\[0\]\.targets\[0\]: unknown root, OU or account/,
    );
    expect(() => loadScenario(JSON.stringify(bad))).toThrow(
      /fullAwsAccessDetachedFrom\[0\]: 500000000001 would have no SCP attached/,
    );
  });
});
