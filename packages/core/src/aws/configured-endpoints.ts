import { loadSharedConfigFiles } from '@smithy/core/config';
import { CoreError } from '../errors.js';

/**
 * The services rootwarden calls, by their key in a `services` section of the shared config file and
 * the suffix of their `AWS_ENDPOINT_URL_<SERVICE>` variable (the service id, upper-cased, spaces as `_`).
 */
export const ENDPOINT_SERVICES = {
  sts: 'STS',
  organizations: 'ORGANIZATIONS',
  iam: 'IAM',
  s3: 'S3',
  sqs: 'SQS',
  // IAM Identity Center's portal, called by the credential chain of SSO profiles.
  sso: 'SSO',
} as const;
export type EndpointService = keyof typeof ENDPOINT_SERVICES;
export type ConfiguredEndpoints = Partial<Record<EndpointService, string>>;

const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/**
 * The endpoint of each service as the AWS CLI and SDKs configure it, per the AWS SDKs and Tools
 * Reference Guide, "Service-specific endpoints"
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), highest first:
 * `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section
 * (`<service> = \n  endpoint_url = …`), the profile's `endpoint_url`; none at all when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's `ignore_configured_endpoint_urls`) is true.
 *
 * The SDK for JavaScript reads the same settings itself (`@smithy/core` endpoints,
 * `getEndpointFromConfig`), but only for the profile of `AWS_PROFILE`: it does not pass a client's
 * `profile` to that lookup, so `--profile dev` with an `endpoint_url` would reach real AWS. Resolving them
 * here for the profile in use, with the SDK's own config file parser, and handing each client its
 * endpoint, keeps `--profile` and `AWS_PROFILE` alike.
 */
export async function resolveConfiguredEndpoints(
  profile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfiguredEndpoints> {
  const profileName = profile ?? (env.AWS_PROFILE || undefined) ?? 'default';
  const { configFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const settings = configFile[profileName] ?? {};
  const ignore =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== undefined && env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== ''
      ? isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
      : isTrue(settings.ignore_configured_endpoint_urls);
  if (ignore) return {};
  let services: Record<string, string | undefined> = {};
  if (settings.services) {
    const section = configFile[`services.${settings.services}`];
    if (!section)
      throw new CoreError(
        'INVALID_INPUT',
        `AWS profile "${profileName}" names a services section "${settings.services}" that is not in ${env.AWS_CONFIG_FILE ?? '~/.aws/config'}.`,
        {
          fix: `Add a [services ${settings.services}] section (e.g. sts =\\n  endpoint_url = http://localhost:4566), or remove "services" from the profile.`,
          details: { field: 'profile', profile: profileName },
        },
      );
    services = section;
  }
  const endpoints: ConfiguredEndpoints = {};
  for (const [service, id] of Object.entries(ENDPOINT_SERVICES) as [EndpointService, string][]) {
    const endpoint =
      env[`AWS_ENDPOINT_URL_${id}`] ||
      env.AWS_ENDPOINT_URL ||
      services[`${service}.endpoint_url`] ||
      settings.endpoint_url ||
      undefined;
    if (endpoint) endpoints[service] = endpoint;
  }
  return endpoints;
}
