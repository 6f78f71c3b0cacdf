import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatePlanInput } from '../src/domain/plan.js';
import { EXPOSED, mutations, temporaryHome } from './plans.js';
import { issuedSecrets, rejection, type SandboxFixture, startSandbox } from './sandbox.js';

const UNKNOWN_PLAN = '00000000-0000-4000-8000-000000000000';

describe('bad input gets its own code and a clear message', () => {
  let exposed: SandboxFixture;
  let blog: SandboxFixture;
  let home: string;
  beforeAll(async () => {
    exposed = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
    blog = await startSandbox({ scenario: 'blog', quotas: { enabled: false } });
    home = temporaryHome();
  });
  afterAll(async () => {
    await exposed.close();
    await blog.close();
    rmSync(join(home, '..'), { recursive: true, force: true });
  });

  const queue = (account: string, name: string) => `http://127.0.0.1:1/${account}/${name}`;
  const table: Array<{
    name: string;
    org?: 'blog';
    input: () => CreatePlanInput;
    code: string;
    message: RegExp;
    fix?: RegExp;
  }> = [
    {
      name: 'the management account as target',
      input: () => ({ task: 'delete-root-credentials', accounts: [EXPOSED.management] }),
      code: 'MANAGEMENT_ACCOUNT_TARGET',
      message: /300000000000 is the management account of organization o-exp0sed000/,
    },
    {
      name: 'the management account, for an unlock',
      input: () => ({ task: 'unlock-s3-bucket-policy', account: EXPOSED.management, bucket: 'any-bucket' }),
      code: 'MANAGEMENT_ACCOUNT_TARGET',
      message: /management account/,
    },
    {
      name: 'an account outside the organization',
      input: () => ({ task: 'allow-password-recovery', account: '999999999999' }),
      code: 'ACCOUNT_NOT_IN_ORG',
      message: /999999999999 is not a member of organization o-exp0sed000/,
      fix: /rootwarden accounts list/,
    },
    {
      name: 'a suspended account',
      input: () => ({ task: 'delete-root-credentials', accounts: [EXPOSED.legacySuspended] }),
      code: 'ACCOUNT_NOT_ACTIVE',
      message: /300000000008 is SUSPENDED: AssumeRoot only targets ACTIVE member accounts/,
    },
    {
      name: 'a bucket that does not exist',
      input: () => ({
        task: 'unlock-s3-bucket-policy',
        account: EXPOSED.lockedData,
        bucket: 'no-such-bucket',
      }),
      code: 'RESOURCE_NOT_FOUND',
      message: /Bucket no-such-bucket is not in account 300000000011/,
    },
    {
      name: 'a bucket of another account',
      input: () => ({
        task: 'unlock-s3-bucket-policy',
        account: EXPOSED.payments,
        bucket: EXPOSED.lockedBucket,
      }),
      code: 'RESOURCE_NOT_FOUND',
      message: /Bucket exposed-locked-audit-logs is not in account 300000000003/,
    },
    {
      name: 'a queue that does not exist',
      input: () => ({
        task: 'unlock-sqs-queue-policy',
        account: EXPOSED.lockedData,
        queueUrl: queue(EXPOSED.lockedData, 'no-such-queue'),
      }),
      code: 'RESOURCE_NOT_FOUND',
      message:
        /Queue http:\/\/127\.0\.0\.1:1\/300000000011\/no-such-queue does not exist in account 300000000011/,
    },
    {
      name: 'a queue URL of another account',
      input: () => ({
        task: 'unlock-sqs-queue-policy',
        account: EXPOSED.payments,
        queueUrl: queue(EXPOSED.lockedData, EXPOSED.lockedQueue),
      }),
      code: 'INVALID_INPUT',
      message: /belongs to account 300000000011, not 300000000003/,
    },
    {
      name: 'a malformed bucket name',
      input: () => ({ task: 'unlock-s3-bucket-policy', account: EXPOSED.lockedData, bucket: 'Bad_Bucket' }),
      code: 'INVALID_INPUT',
      message: /^bucket: must be an S3 bucket name/,
    },
    {
      name: 'a malformed queue URL',
      input: () => ({
        task: 'unlock-sqs-queue-policy',
        account: EXPOSED.lockedData,
        queueUrl: 'locked-events',
      }),
      code: 'INVALID_INPUT',
      message: /^queueUrl: must be an SQS queue URL/,
    },
    {
      name: 'a malformed account id',
      input: () => ({ task: 'delete-root-credentials', accounts: ['12345'] }),
      code: 'INVALID_INPUT',
      message: /^accounts\[0\]: must be a 12-digit AWS account id/,
    },
    {
      name: 'neither accounts nor all-exposed',
      input: () => ({ task: 'delete-root-credentials' }),
      code: 'INVALID_INPUT',
      message: /name the accounts to clean/,
      fix: /--account ID .* or --all-exposed/,
    },
    {
      name: 'both accounts and all-exposed',
      input: () => ({ task: 'delete-root-credentials', accounts: [EXPOSED.payments], allExposed: true }),
      code: 'INVALID_INPUT',
      message: /either accounts or allExposed/,
    },
    {
      name: 'an unknown task',
      input: () => ({ task: 'delete-everything' }) as never,
      code: 'INVALID_INPUT',
      message: /^task: /,
    },
    {
      name: 'an S3 unlock where the organization has no root sessions',
      org: 'blog',
      input: () => ({
        task: 'unlock-s3-bucket-policy',
        account: '555555555555',
        bucket: 'account5-locked-bucket',
      }),
      code: 'ROOT_SESSIONS_NOT_ENABLED',
      message: /Root sessions .* are not enabled/,
      fix: /rootwarden org enable/,
    },
    {
      name: 'an SQS unlock where the organization has no root sessions',
      org: 'blog',
      input: () => ({
        task: 'unlock-sqs-queue-policy',
        account: '555555555555',
        queueUrl: queue('555555555555', 'account5-locked-queue'),
      }),
      code: 'ROOT_SESSIONS_NOT_ENABLED',
      message: /Root sessions/,
    },
  ];

  it.each(table)('$name → $code', async ({ org, input, code, message, fix }) => {
    const fx = org === 'blog' ? blog : exposed;
    const before = fx.sandbox.admin.calls().length;
    const error = await rejection(() => fx.engine({ home }).createPlan(input()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    if (fix) expect(error.fix).toMatch(fix);
    expect(mutations(fx.sandbox.admin.calls().slice(before))).toEqual([]);
  });

  it('a task the organization has not enabled: root credentials management off', async () => {
    blog.sandbox.admin.setOrganization({ rootFeatures: [] });
    try {
      const error = await rejection(() =>
        blog.engine({ home }).createPlan({ task: 'delete-root-credentials', accounts: ['111111111111'] }),
      );
      expect(error.code).toBe('ROOT_ACCESS_NOT_ENABLED');
      expect(error.fix).toContain('rootwarden org enable');
    } finally {
      blog.sandbox.admin.reset();
    }
  });

  it('enable-root-access from the delegated administrator', async () => {
    const error = await rejection(() =>
      exposed.engine({ home, principal: 'delegated-admin' }).createPlan({ task: 'enable-root-access' }),
    );
    expect(error.code).toBe('NOT_AUTHORIZED_CALLER');
    expect(error.message).toContain('Only the management account (300000000000)');
  });

  it.each([
    ['getPlan', (id: string) => exposed.engine({ home }).getPlan(id)],
    ['applyPlan', (id: string) => exposed.engine({ home }).applyPlan(id)],
    ['restorePolicy', (id: string) => exposed.engine({ home }).restorePolicy({ planId: id })],
  ] as const)('%s: unknown and malformed plan ids', async (_method, call) => {
    const unknown = await rejection(() => call(UNKNOWN_PLAN));
    expect([unknown.code, unknown.message]).toEqual(['PLAN_NOT_FOUND', `No saved plan ${UNKNOWN_PLAN}.`]);
    expect(unknown.fix).toContain('rootwarden plan');
    const malformed = await rejection(() => call('not-a-plan'));
    expect(malformed.code).toBe('INVALID_INPUT');
    expect(malformed.message).toBe('planId: must be a plan id like 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab');
  });

  it('restore-policy of a plan without backups, or of a resource it did not back up', async () => {
    const engine = exposed.engine({ home });
    const plan = await engine.createPlan({ task: 'allow-password-recovery', account: EXPOSED.devSandbox });
    const none = await rejection(() => engine.restorePolicy({ planId: plan.planId }));
    expect(none.code).toBe('RESOURCE_NOT_FOUND');
    expect(none.message).toContain('backed up no policy');
    const unlock = await engine.createPlan({
      task: 'unlock-s3-bucket-policy',
      account: EXPOSED.lockedData,
      bucket: EXPOSED.lockedBucket,
    });
    const other = await rejection(() =>
      engine.restorePolicy({ planId: unlock.planId, resource: 'other-bucket' }),
    );
    expect(other.code).toBe('RESOURCE_NOT_FOUND');
    expect(other.message).toContain(`has no backup of other-bucket; it has: ${EXPOSED.lockedBucket}`);
  });

  it('without a store, plans cannot be kept', async () => {
    const error = await rejection(() =>
      exposed.engine().createPlan({ task: 'allow-password-recovery', account: EXPOSED.devSandbox }),
    );
    expect(error.code).toBe('STORE_UNAVAILABLE');
  });
});

describe('openRootSession', () => {
  let fx: SandboxFixture;
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
  });
  afterAll(() => fx.close());

  it('a task-scoped session whose credentials only show when revealed', async () => {
    const session = await fx
      .engine()
      .openRootSession({ accountId: EXPOSED.payments, task: 'delete-credentials' });
    expect(session.toJSON()).toMatchObject({ accountId: EXPOSED.payments, task: 'delete-credentials' });
    const credentials = session.revealCredentials();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const live = fx.sandbox.admin.sessions().find((s) => s.accessKeyId === credentials.accessKeyId);
    expect(live?.taskPolicy).toContain('IAMDeleteRootUserCredentials');
    const shown = [JSON.stringify(session), String(session), `${session}`].join(' ');
    for (const secret of issuedSecrets(fx.sandbox)) expect(shown.includes(secret)).toBe(false);
  });

  it.each([
    [{ accountId: EXPOSED.management }, 'MANAGEMENT_ACCOUNT_TARGET'],
    [{ accountId: '999999999999' }, 'ACCOUNT_NOT_IN_ORG'],
    [{ accountId: EXPOSED.legacySuspended }, 'ACCOUNT_NOT_ACTIVE'],
    [{ accountId: '123' }, 'INVALID_INPUT'],
    [{ accountId: EXPOSED.payments, task: 'root' }, 'INVALID_INPUT'],
    [{ accountId: EXPOSED.payments, durationSeconds: 901 }, 'INVALID_INPUT'],
  ])('%j → %s', async (input, code) => {
    const error = await rejection(() => fx.engine().openRootSession(input as never));
    expect(error.code).toBe(code);
  });
});
