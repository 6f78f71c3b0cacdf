import {
  EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand,
  ListOrganizationsFeaturesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { partitionOfArn } from '../rules/partition.js';
import { abortable, callAws } from './call-aws.js';
import type { CallHooks } from './organizations.js';
import type { AwsRuntime } from './runtime.js';

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

export async function getCallerIdentity(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<CallerIdentity> {
  const output = await callAws(
    () => runtime.sts.send(new GetCallerIdentityCommand({}), abortable(hooks.signal)),
    {
      operation: 'GetCallerIdentity',
      ...hooks,
    },
  );
  const arn = output.Arn ?? '';
  runtime.partition = partitionOfArn(arn) ?? runtime.partition;
  return { accountId: output.Account ?? '', arn, userId: output.UserId ?? '' };
}

export type RootFeature = 'RootCredentialsManagement' | 'RootSessions';

/** iam:ListOrganizationsFeatures: which centralized root access features the organization has on. */
export async function listRootFeatures(runtime: AwsRuntime, hooks: CallHooks = {}): Promise<RootFeature[]> {
  const output = await callAws(
    () => runtime.iam.send(new ListOrganizationsFeaturesCommand({}), abortable(hooks.signal)),
    {
      operation: 'ListOrganizationsFeatures',
      ...hooks,
    },
  );
  return (output.EnabledFeatures ?? []) as RootFeature[];
}

export async function enableRootFeature(
  runtime: AwsRuntime,
  feature: RootFeature,
  hooks: CallHooks = {},
): Promise<RootFeature[]> {
  const options = abortable(hooks.signal);
  const enable =
    feature === 'RootCredentialsManagement'
      ? () => runtime.iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}), options)
      : () => runtime.iam.send(new EnableOrganizationsRootSessionsCommand({}), options);
  const output = await callAws(enable, {
    operation: `EnableOrganizations${feature}`,
    ...hooks,
  });
  return (output.EnabledFeatures ?? []) as RootFeature[];
}
