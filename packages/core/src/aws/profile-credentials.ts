import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { ConfiguredEndpoints } from './configured-endpoints.js';

type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

/**
 * The caller's credentials from the standard chain (environment, SSO, shared files with
 * `credential_process` or `role_arn` + `source_profile`, container and instance metadata), with the
 * calls that chain itself makes sent where the profile sends those services: the `sts:AssumeRole` of
 * a `role_arn` profile to its STS endpoint, an SSO profile's `GetRoleCredentials` to its SSO endpoint
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html: service ids `STS`, `SSO`).
 * Without configured endpoints the chain is the SDK's own, untouched.
 */
export function profileCredentialChain(
  profile: string | undefined,
  region: string,
  endpoints: ConfiguredEndpoints,
): AwsCredentialIdentityProvider {
  return fromNodeProviderChain({
    ...(profile === undefined ? {} : { profile }),
    ...(endpoints.sts === undefined ? {} : { roleAssumer: roleAssumerAt(endpoints.sts, region) }),
    // Only SSO (and its token refresh) reads clientConfig once a roleAssumer is given.
    ...(endpoints.sso === undefined ? {} : { clientConfig: { endpoint: endpoints.sso } }),
  });
}

/**
 * What the SDK's default role assumer does (`getDefaultRoleAssumer` of @aws-sdk/client-sts: one STS
 * client signing with the source profile's credentials, `AssumeRole`, the credentials out), at an
 * explicit endpoint, which that helper's typed options (`STSRoleAssumerOptions`) leave out.
 */
function roleAssumerAt(endpoint: string, region: string) {
  let client: STSClient | undefined;
  let source: AwsCredentialIdentity | undefined;
  return async (
    sourceCredentials: AwsCredentialIdentity,
    params: AssumeRoleCommandInput,
  ): Promise<AwsCredentialIdentity> => {
    source = sourceCredentials;
    client ??= new STSClient({
      region,
      endpoint,
      ignoreConfiguredEndpointUrls: true,
      credentials: async () => source as AwsCredentialIdentity,
    });
    const { Credentials, AssumedRoleUser } = await client.send(new AssumeRoleCommand(params));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
      throw new Error(`Invalid response from STS AssumeRole for role ${params.RoleArn}`);
    const accountId = AssumedRoleUser?.Arn?.split(':')[4] || undefined;
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken === undefined ? {} : { sessionToken: Credentials.SessionToken }),
      ...(Credentials.Expiration === undefined ? {} : { expiration: Credentials.Expiration }),
      ...(accountId === undefined ? {} : { accountId }),
    };
  };
}
