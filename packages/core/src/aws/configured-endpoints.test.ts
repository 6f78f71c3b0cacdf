import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfiguredEndpoints } from './configured-endpoints.js';

// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html: the precedence as a table.
const CONFIG = `
[default]
region = us-east-1

[profile global]
endpoint_url = http://global.example

[profile split]
endpoint_url = http://global.example
services = local

[services local]
sts =
  endpoint_url = http://sts.example
s3 =
  endpoint_url = http://s3.example

[profile ignoring]
endpoint_url = http://global.example
ignore_configured_endpoint_urls = true

[profile missing-section]
services = nowhere
`;

const ALL = (url: string) => ({ sts: url, organizations: url, iam: url, s3: url, sqs: url, sso: url });

describe('resolveConfiguredEndpoints', () => {
  beforeAll(() => {
    const directory = mkdtempSync(join(tmpdir(), 'rootwarden-endpoints-'));
    writeFileSync(join(directory, 'config'), CONFIG);
    writeFileSync(join(directory, 'credentials'), '');
    vi.stubEnv('AWS_CONFIG_FILE', join(directory, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(directory, 'credentials'));
  });
  afterAll(() => vi.unstubAllEnvs());

  it.each([
    ['nothing configured', undefined, {}, {}],
    ["the profile's endpoint_url, for every service", 'global', {}, ALL('http://global.example')],
    [
      'a services section beats the profile endpoint_url',
      'split',
      {},
      { ...ALL('http://global.example'), sts: 'http://sts.example', s3: 'http://s3.example' },
    ],
    [
      'AWS_ENDPOINT_URL beats the config file',
      'split',
      { AWS_ENDPOINT_URL: 'http://env.example' },
      ALL('http://env.example'),
    ],
    [
      'AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL',
      'split',
      { AWS_ENDPOINT_URL: 'http://env.example', AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://orgs.example' },
      { ...ALL('http://env.example'), organizations: 'http://orgs.example' },
    ],
    [
      'AWS_ENDPOINT_URL_SSO for the SSO portal of an SSO profile (service id SSO)',
      'global',
      { AWS_ENDPOINT_URL_SSO: 'http://portal.example' },
      { ...ALL('http://global.example'), sso: 'http://portal.example' },
    ],
    [
      'AWS_PROFILE chooses the profile when none is given',
      undefined,
      { AWS_PROFILE: 'global' },
      ALL('http://global.example'),
    ],
    [
      'the profile given beats AWS_PROFILE',
      'split',
      { AWS_PROFILE: 'global' },
      { ...ALL('http://global.example'), sts: 'http://sts.example', s3: 'http://s3.example' },
    ],
    [
      'ignore_configured_endpoint_urls in the profile',
      'ignoring',
      { AWS_ENDPOINT_URL: 'http://env.example' },
      {},
    ],
    [
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true',
      'global',
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      {},
    ],
    [
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false beats the profile',
      'ignoring',
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' },
      ALL('http://global.example'),
    ],
  ] as const)('%s', async (_name, profile, env, expected) => {
    expect(await resolveConfiguredEndpoints(profile, { ...env })).toEqual(expected);
  });

  it('a services section that is not in the file is a clear error naming it', async () => {
    await expect(resolveConfiguredEndpoints('missing-section', {})).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('services section "nowhere"'),
    });
  });
});
