import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';

export interface Connection {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface SequentialResult {
  /** Seconds spent listing accounts. */
  listSeconds: number;
  /** Seconds spent auditing the accounts actually audited. */
  auditSeconds: number;
  audited: number;
  auditable: number;
  pages: number;
}

/**
 * The seed's manual flow as a script, the way most teams write it first: list the accounts, then for
 * each ACTIVE member account AssumeRoot, then each IAM call in turn, account after account. Same AWS
 * SDK, default retries. `limit` audits only the first accounts (the caller extrapolates).
 */
export async function runSequentialLoop(
  connection: Connection,
  limit = Number.POSITIVE_INFINITY,
): Promise<SequentialResult> {
  const config = {
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: connection.credentials,
  };
  const organizations = new OrganizationsClient(config);
  const sts = new STSClient(config);

  const listStart = performance.now();
  const management = (await organizations.send(new DescribeOrganizationCommand({}))).Organization
    ?.MasterAccountId;
  const accounts: Account[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken: token }));
    pages += 1;
    accounts.push(...(page.Accounts ?? []));
    token = page.NextToken;
  } while (token);
  const listSeconds = (performance.now() - listStart) / 1000;

  const auditable = accounts.filter(
    (account) => account.Id !== management && (account.State ?? account.Status) === 'ACTIVE',
  );
  const auditStart = performance.now();
  let audited = 0;
  for (const account of auditable.slice(0, limit)) {
    try {
      const { Credentials } = await sts.send(
        new AssumeRootCommand({
          TargetPrincipal: account.Id,
          TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' },
          DurationSeconds: 900,
        }),
      );
      const iam = new IAMClient({
        ...config,
        credentials: {
          accessKeyId: Credentials?.AccessKeyId ?? '',
          secretAccessKey: Credentials?.SecretAccessKey ?? '',
          sessionToken: Credentials?.SessionToken ?? '',
        },
      });
      await iam.send(new GetUserCommand({}));
      await iam.send(new GetLoginProfileCommand({})).catch(() => undefined);
      const keys = await iam.send(new ListAccessKeysCommand({}));
      for (const key of keys.AccessKeyMetadata ?? [])
        await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
      await iam.send(new ListSigningCertificatesCommand({}));
      await iam.send(new ListMFADevicesCommand({}));
    } catch {
      // An account denied by an SCP: the loop notes it and goes on, as a script would.
    }
    audited += 1;
  }
  return {
    listSeconds,
    auditSeconds: (performance.now() - auditStart) / 1000,
    audited,
    auditable: auditable.length,
    pages,
  };
}
