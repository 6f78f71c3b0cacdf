import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

/**
 * The AWS configuration conventions of the AWS CLI and SDKs, through the real binary and a temp
 * AWS_CONFIG_FILE: a profile's `endpoint_url` and `services` section
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html) and `credential_process`
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html), against the sandbox.
 */
describe('AWS config file profiles', () => {
  const sandbox = createSandbox({ scenario: 'blog' });
  let url = '';
  let close: () => Promise<void> = async () => undefined;
  const directory = temporaryDirectory('rootwarden-aws-config-');
  const env: Record<string, string | undefined> = {};

  beforeAll(async () => {
    const server = await sandbox.listen({ port: 0 });
    url = server.url;
    close = () => server.close();
    const who = sandbox.managementPrincipal();
    const script = join(directory, 'credentials.cjs');
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(who.accessKeyId)}, SecretAccessKey: ${JSON.stringify(who.secretAccessKey)} }));`,
    );
    const process_ = `credential_process = "${process.execPath}" "${script}"`;
    writeFileSync(
      join(directory, 'config'),
      [
        '[profile sandbox-endpoint]',
        'region = us-east-1',
        `endpoint_url = ${url}`,
        process_,
        '',
        '[profile sandbox-services]',
        'region = us-east-1',
        // The global endpoint_url goes nowhere: each service's own endpoint must win.
        'endpoint_url = http://127.0.0.1:9',
        'services = sandbox',
        process_,
        '',
        '[services sandbox]',
        ...['sts', 'organizations', 'iam', 's3', 'sqs'].flatMap((service) => [
          `${service} =`,
          `  endpoint_url = ${url}`,
        ]),
        '',
      ].join('\n'),
    );
    writeFileSync(join(directory, 'credentials'), '');
    Object.assign(env, {
      AWS_CONFIG_FILE: join(directory, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials'),
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_ENDPOINT_URL: undefined,
      ROOTWARDEN_HOME: temporaryDirectory(),
    });
  });
  afterAll(() => close());

  const audit = (profile: string) =>
    rootwardenProcessAsync(['audit', '--profile', profile, '--no-save', '--format', 'json'], env);

  it("--profile with endpoint_url and credential_process: the profile's endpoint, not AWS", async () => {
    const result = await audit('sandbox-endpoint');
    expect(result.exitCode, result.stderr).toBe(3);
    expect((JSON.parse(result.stdout) as { accounts: unknown[] }).accounts).toHaveLength(7);
  }, 180_000);

  it('--profile with a services section: each service at its own endpoint', async () => {
    const result = await audit('sandbox-services');
    expect(result.exitCode, result.stderr).toBe(3);
    expect((JSON.parse(result.stdout) as { accounts: unknown[] }).accounts).toHaveLength(7);
  }, 180_000);

  it('AWS_PROFILE behaves like --profile, and org status shows the configured STS endpoint', async () => {
    const result = await rootwardenProcessAsync(['org', 'status', '--json'], {
      ...env,
      AWS_PROFILE: 'sandbox-services',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { stsEndpoint: string }).stsEndpoint).toBe(url);
  }, 180_000);
});
