import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assumeRootSession } from '../src/aws/root-session.js';
import { AwsRuntime } from '../src/aws/runtime.js';
import { engineConnectionOptions } from '../src/domain/connection-options.js';
import { createEngine } from '../src/engine.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

let fixture: SandboxFixture;
beforeAll(async () => {
  fixture = await startSandbox({ scenario: 'blog' });
});
afterAll(() => fixture.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A HOME with its own ~/.aws files, and nothing from the developer's environment. */
function isolatedAwsEnvironment(files: { credentials?: string; config?: string }): void {
  const home = mkdtempSync(join(tmpdir(), 'rootwarden-aws-'));
  const credentials = join(home, 'credentials');
  const config = join(home, 'config');
  writeFileSync(credentials, files.credentials ?? '');
  writeFileSync(config, files.config ?? '');
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('HOME', home);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
  vi.stubEnv('AWS_CONFIG_FILE', config);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

describe('credentials and endpoints', () => {
  it('uses a named profile of the shared files (standard credential chain) and its region', async () => {
    const who = fixture.sandbox.managementPrincipal();
    isolatedAwsEnvironment({
      credentials: `[mgmt]\naws_access_key_id = ${who.accessKeyId}\naws_secret_access_key = ${who.secretAccessKey}\n`,
      config: '[profile mgmt]\nregion = eu-west-1\n',
    });
    const engine = createEngine({ profile: 'mgmt', endpoint: fixture.url });
    const status = await engine.getOrgStatus();
    expect(status.caller.arn).toBe(who.arn);
    expect(status.region).toBe('eu-west-1');
    await engine.close();
  });

  it('reads credentials from the environment', async () => {
    const who = fixture.sandbox.managementPrincipal();
    isolatedAwsEnvironment({});
    vi.stubEnv('AWS_ACCESS_KEY_ID', who.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', who.secretAccessKey);
    vi.stubEnv('AWS_REGION', 'ap-northeast-1');
    vi.stubEnv('AWS_ENDPOINT_URL', fixture.url);
    const engine = createEngine();
    expect((await engine.getOrgStatus()).caller.role).toBe('management');
    expect((await engine.connection()).region).toBe('ap-northeast-1');
    await engine.close();
  });

  it('explains missing credentials and an unknown profile', async () => {
    isolatedAwsEnvironment({});
    const none = await rejection(() =>
      createEngine({ region: 'us-east-1', endpoint: fixture.url }).getOrgStatus(),
    );
    expect(none.code).toBe('CREDENTIALS_MISSING');
    expect(none.fix).toContain('--profile');
    const unknown = await rejection(() =>
      createEngine({ profile: 'nope', region: 'us-east-1', endpoint: fixture.url }).getOrgStatus(),
    );
    expect(unknown.code).toBe('CREDENTIALS_MISSING');
    expect(unknown.message).toContain('nope');
  });

  it('explains a missing region', async () => {
    isolatedAwsEnvironment({});
    const error = await rejection(() => createEngine({ endpoint: fixture.url }).getOrgStatus());
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fix).toContain('--region');
  });

  it.each([[{ region: 'aws-global' }], [{ region: 'us-east-1', endpoint: 'https://sts.amazonaws.com' }]])(
    'refuses the global STS endpoint (%o), which does not serve AssumeRoot',
    async (options) => {
      const error = await rejection(() =>
        createEngine({
          ...options,
          credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' },
        }).getOrgStatus(),
      );
      expect(error.code).toBe('GLOBAL_STS_ENDPOINT');
      expect(error.fix).toContain('regional');
    },
  );

  it('maps the seed feature errors of AssumeRoot to their own codes', async () => {
    fixture.sandbox.admin.reset();
    const who = fixture.sandbox.managementPrincipal();
    const runtime = await AwsRuntime.create({ region: 'us-east-1', endpoint: fixture.url, credentials: who });
    try {
      // RootCredentialsManagement on, RootSessions off (the seed): the S3 task is refused.
      const sessions = await rejection(() =>
        assumeRootSession(runtime, { accountId: '666666666666', task: 'unlock-s3' }),
      );
      expect(sessions).toMatchObject({ code: 'ROOT_SESSIONS_NOT_ENABLED' });
      expect(sessions.message).toContain('Root sessions feature is not enabled for your AWS Organization.');
      fixture.sandbox.admin.setOrganization({ rootFeatures: [] });
      const access = await rejection(() =>
        assumeRootSession(runtime, { accountId: '666666666666', task: 'audit' }),
      );
      expect(access).toMatchObject({ code: 'ROOT_ACCESS_NOT_ENABLED' });
      expect(access.message).toContain('Service not enabled for AWS Organizations.');
    } finally {
      runtime.destroy();
    }
  });

  it('keeps session credentials out of JSON, inspect and strings', async () => {
    fixture.sandbox.admin.reset();
    const runtime = await AwsRuntime.create({
      region: 'us-east-1',
      endpoint: fixture.url,
      credentials: fixture.sandbox.managementPrincipal(),
    });
    try {
      const session = await assumeRootSession(runtime, { accountId: '111111111111', task: 'audit' });
      const { secretAccessKey, sessionToken } = session.revealCredentials();
      const { inspect } = await import('node:util');
      for (const view of [
        JSON.stringify(session),
        inspect(session),
        `${session}`,
        JSON.stringify({ session }),
      ]) {
        expect(view).not.toContain(secretAccessKey);
        expect(view).not.toContain(sessionToken);
      }
    } finally {
      runtime.destroy();
    }
  });
});

describe('the sandbox seam', () => {
  const loadSandbox = () => import('@rootwarden/aws-sandbox');

  it('starts the sandbox on first use, answers as its management principal, and stops it on close', async () => {
    const engine = createEngine({
      ...engineConnectionOptions({ sandbox: 'exposed', region: 'eu-west-1' }, loadSandbox),
      store: false,
    });
    const connection = await engine.connection();
    expect(connection.sandbox?.scenario).toBe('exposed');
    expect(connection.region).toBe('eu-west-1');
    expect((await engine.getOrgStatus()).caller.role).toBe('management');
    const url = connection.sandbox?.url as string;
    await engine.close();
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it('refuses an unusable scenario as INVALID_INPUT on the sandbox field', async () => {
    const engine = createEngine({
      ...engineConnectionOptions({ sandbox: 'no-such-scenario.json' }, loadSandbox),
      store: false,
    });
    const error = await rejection(() => engine.getOrgStatus());
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'sandbox' } });
    await engine.close();
  });
});
