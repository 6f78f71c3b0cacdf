import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '@rootwarden/aws-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

/**
 * The AWS configuration conventions of the AWS CLI and SDKs, through the real binary and a temp
 * AWS_CONFIG_FILE: a profile's `endpoint_url` and `services` section
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), `credential_process`
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html), `role_arn` +
 * `source_profile` (https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html)
 * and IAM Identity Center `sso_session` profiles with the token `aws sso login` caches
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html), against the sandbox.
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
    const organizationAdmin = `arn:aws:iam::${who.accountId}:role/OrganizationAdmin`;
    // What `aws sso login --sso-session corp` leaves behind: ~/.aws/sso/cache/<sha1 of the session name>.json.
    const sso = sandbox.issueSsoAccessToken('alice@example.com');
    const cache = join(directory, 'home', '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, `${createHash('sha1').update('corp').digest('hex')}.json`),
      JSON.stringify({ ...sso, region: 'us-east-1', startUrl: 'https://example.awsapps.com/start' }),
    );
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
        // A role assumed from the credential_process profile, at the role profile's endpoint.
        '[profile sandbox-role]',
        'region = us-east-1',
        `endpoint_url = ${url}`,
        `role_arn = ${organizationAdmin}`,
        'role_session_name = rootwarden-test',
        'source_profile = sandbox-endpoint',
        '',
        // IAM Identity Center: the permission set OrganizationAdmin in the management account.
        '[profile sandbox-sso]',
        'region = us-east-1',
        `endpoint_url = ${url}`,
        'sso_session = corp',
        `sso_account_id = ${who.accountId}`,
        'sso_role_name = OrganizationAdmin',
        '',
        '[sso-session corp]',
        'sso_region = us-east-1',
        'sso_start_url = https://example.awsapps.com/start',
        'sso_registration_scopes = sso:account:access',
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
      HOME: join(directory, 'home'),
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

  const callerOf = async (profile: string) => {
    const result = await rootwardenProcessAsync(['org', 'status', '--profile', profile, '--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { caller: { arn: string } }).caller.arn;
  };
  const calls = (operation: string) =>
    sandbox.admin.calls({ operation }).filter((call) => call.outcome === 'OK');

  it('role_arn + source_profile: AssumeRole at the profile endpoint, then the audit as that role', async () => {
    const before = calls('AssumeRole').length;
    const result = await audit('sandbox-role');
    expect(result.exitCode, result.stderr).toBe(3);
    expect((JSON.parse(result.stdout) as { accounts: unknown[] }).accounts).toHaveLength(7);
    const assumed = calls('AssumeRole').slice(before);
    expect(assumed.length).toBeGreaterThan(0);
    // Signed with the source profile's keys (credential_process), not the role's.
    expect(assumed.every((call) => call.callerArn === sandbox.managementPrincipal().arn)).toBe(true);
    expect(await callerOf('sandbox-role')).toMatch(
      /^arn:aws:sts::\d{12}:assumed-role\/OrganizationAdmin\/rootwarden-test$/,
    );
  }, 180_000);

  it("an sso_session profile: the cached token's role credentials from the profile's SSO endpoint", async () => {
    const before = calls('GetRoleCredentials').length;
    const result = await audit('sandbox-sso');
    expect(result.exitCode, result.stderr).toBe(3);
    expect((JSON.parse(result.stdout) as { accounts: unknown[] }).accounts).toHaveLength(7);
    expect(calls('GetRoleCredentials').length).toBeGreaterThan(before);
    expect(await callerOf('sandbox-sso')).toMatch(
      /^arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_OrganizationAdmin_[0-9a-f]+\/alice@example\.com$/,
    );
  }, 180_000);
});
