import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApplyResult, ApplyResultSchema, type Plan, PlanSchema } from '../src/domain/plan.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { describeCall, EXPOSED, isReadOnly, mutations, temporaryHome, wrapStore } from './plans.js';
import { issuedSecrets, rejection, type SandboxFixture, startSandbox } from './sandbox.js';

/**
 * Every task end to end against the sandbox over HTTP (real SDK clients, a real SQLite file): the
 * plan shows exactly the sandbox's state and changes nothing; apply changes exactly that.
 */
describe('plan → apply against the sandbox', () => {
  let fx: SandboxFixture;
  let home: string;
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'exposed', quotas: { enabled: false } });
    home = temporaryHome();
  });
  afterAll(async () => {
    await fx.close();
    rmSync(join(home, '..'), { recursive: true, force: true });
  });
  beforeEach(() => fx.sandbox.admin.reset());
  const admin = () => fx.sandbox.admin;
  const engine = (options: Parameters<SandboxFixture['engine']>[0] = {}) => fx.engine({ home, ...options });

  /** Plans with a fresh engine and returns the plan and the calls planning made. */
  async function plan(input: Parameters<ReturnType<typeof engine>['createPlan']>[0]) {
    const since = admin().calls().at(-1)?.seq ?? 0;
    const made = await engine().createPlan(input);
    return { plan: PlanSchema.parse(made), calls: admin().calls({ sinceSeq: since }) };
  }
  async function apply(planId: string) {
    const since = admin().calls().at(-1)?.seq ?? 0;
    const result = ApplyResultSchema.parse(await engine().applyPlan(planId));
    return { result, calls: admin().calls({ sinceSeq: since }) };
  }

  describe('delete-root-credentials', () => {
    it('plans exactly the sandbox state, reading with the audit task policy only', async () => {
      const accounts = [EXPOSED.payments, EXPOSED.web, EXPOSED.shared];
      const { plan: made, calls } = await plan({ task: 'delete-root-credentials', accounts });
      const expected = accounts.flatMap((accountId) => {
        const root = admin().rootCredentials(accountId);
        return [
          ...root.accessKeys.map((key) => `${accountId}:delete-access-key:${key.accessKeyId}`),
          ...root.signingCertificates.map(
            (c) => `${accountId}:delete-signing-certificate:${c.certificateId}`,
          ),
          ...(root.loginProfile ? [`${accountId}:delete-login-profile:password`] : []),
          ...root.mfaDevices.map((d) => `${accountId}:deactivate-mfa-device:${d.serialNumber}`),
        ];
      });
      expect(made.actions.map((action) => action.actionId).sort()).toEqual(expected.sort());
      expect(made.actions.every((action) => action.taskPolicy === 'IAMDeleteRootUserCredentials')).toBe(true);
      expect(made).toMatchObject({
        task: 'delete-root-credentials',
        status: 'ready',
        organizationId: 'o-exp0sed000',
      });
      expect(Date.parse(made.expiresAt) - Date.parse(made.createdAt)).toBe(3600_000);
      // Read-only, and every root session the plan opened used the audit task policy.
      expect(mutations(calls)).toEqual([]);
      const sessionPolicies = new Set(calls.map((call) => call.sessionTaskPolicy).filter(Boolean));
      expect([...sessionPolicies]).toEqual(['IAMAuditRootUserCredentials']);
      expect(await engine().getPlan(made.planId)).toEqual(made);
    });

    it('apply deletes exactly that, with the delete task policy, journaled and verified', async () => {
      const accounts = [EXPOSED.payments, EXPOSED.web];
      const untouched = admin().rootCredentials(EXPOSED.shared);
      const { plan: made } = await plan({ task: 'delete-root-credentials', accounts });
      const { result, calls } = await apply(made.planId);
      expect(result).toMatchObject({ planId: made.planId, status: 'applied', resumed: false });
      expect(result.actions.map((action) => [action.actionId, action.outcome, action.verified])).toEqual(
        made.actions.map((action) => [action.actionId, 'done', true]),
      );
      for (const accountId of accounts)
        expect(admin().rootCredentials(accountId)).toMatchObject({
          loginProfile: null,
          accessKeys: [],
          signingCertificates: [],
          mfaDevices: [],
        });
      expect(admin().rootCredentials(EXPOSED.shared)).toEqual(untouched);
      // Each planned action is exactly one successful call, inside a delete session.
      expect(mutations(calls).map(describeCall).sort()).toEqual(
        [
          'DeleteAccessKey@300000000003 (IAMDeleteRootUserCredentials) OK',
          'DeleteAccessKey@300000000003 (IAMDeleteRootUserCredentials) OK',
          'DeleteLoginProfile@300000000003 (IAMDeleteRootUserCredentials) OK',
          'DeactivateMFADevice@300000000003 (IAMDeleteRootUserCredentials) OK',
          'DeleteSigningCertificate@300000000004 (IAMDeleteRootUserCredentials) OK',
          'DeleteLoginProfile@300000000004 (IAMDeleteRootUserCredentials) OK',
          'DeactivateMFADevice@300000000004 (IAMDeleteRootUserCredentials) OK',
        ].sort(),
      );
      // Reads around the deletions (stale check, verification) use the audit session.
      const readPolicies = new Set(
        calls
          .filter((call) => isReadOnly(call) && call.sessionTaskPolicy)
          .map((call) => call.sessionTaskPolicy),
      );
      expect([...readPolicies]).toEqual(['IAMAuditRootUserCredentials']);

      const store = await openSqliteStore({ home });
      try {
        const journal = await store.listJournal(made.planId);
        // Accounts run in parallel; inside each action, a `before` then an `after`.
        for (const action of made.actions)
          expect(
            journal
              .filter((entry) => entry.actionId === action.actionId)
              .map((entry) => `${entry.phase}:${entry.outcome}`),
          ).toEqual(['before:pending', 'after:done']);
        expect(journal).toHaveLength(made.actions.length * 2);
        expect((await store.getPlan(made.planId))?.status).toBe('applied');
      } finally {
        await store.close();
      }
    });

    it('--only access-keys leaves the other credentials; a second apply repeats nothing', async () => {
      const before = admin().rootCredentials(EXPOSED.payments);
      const { plan: made } = await plan({
        task: 'delete-root-credentials',
        accounts: [EXPOSED.payments],
        only: ['access-keys'],
      });
      expect(made.actions.map((action) => action.kind)).toEqual(['delete-access-key', 'delete-access-key']);
      await apply(made.planId);
      expect(admin().rootCredentials(EXPOSED.payments)).toEqual({ ...before, accessKeys: [] });

      const again = await apply(made.planId);
      expect(mutations(again.calls)).toEqual([]);
      expect(again.result).toMatchObject({ status: 'applied', resumed: true });
      expect(again.result.actions.every((action) => action.outcome === 'done' && action.verified)).toBe(true);
    });

    it('--all-exposed plans every exposed member account it could audit and notes the others', async () => {
      const { plan: made, calls } = await plan({ task: 'delete-root-credentials', allExposed: true });
      expect(mutations(calls)).toEqual([]);
      const accounts = [...new Set(made.actions.map((action) => action.accountId))].sort();
      // Exposed ACTIVE members; not the management account, the suspended/closing ones, or the SCP-locked one.
      expect(accounts).toEqual([
        EXPOSED.logArchive,
        EXPOSED.payments,
        EXPOSED.web,
        EXPOSED.devSandbox,
        '300000000006',
        EXPOSED.shared,
        '300000000013',
      ]);
      expect(made.notes).toContain(
        `Account ${EXPOSED.scpLocked} (ScpLocked) could not be audited (AWS_ACCESS_DENIED): not in this plan.`,
      );
      const { result } = await apply(made.planId);
      expect(result.status).toBe('applied');
      const audit = await engine().audit();
      expect(
        audit.accounts.filter((account) => account.status === 'exposed').map((a) => a.accountId),
      ).toEqual([]);
    });

    it('refuses a stale plan and says what changed, changing nothing', async () => {
      const { plan: made } = await plan({ task: 'delete-root-credentials', accounts: [EXPOSED.payments] });
      admin().addSigningCertificate(EXPOSED.payments, { certificateId: 'NEWCERT0000000000000000000000' });
      admin().removeMfaDevice(EXPOSED.payments, 'arn:aws:iam::300000000003:mfa/root-account-mfa-device');
      const since = admin().calls().at(-1)?.seq ?? 0;
      const error = await rejection(() => engine().applyPlan(made.planId));
      expect(error.code).toBe('PLAN_STALE');
      expect(error.message).toContain(
        'account 300000000003: signing certificate NEWCERT0000000000000000000000 appeared',
      );
      expect(error.message).toContain(
        'account 300000000003: MFA device arn:aws:iam::300000000003:mfa/root-account-mfa-device is gone',
      );
      expect(error.fix).toContain('make a new plan');
      expect(mutations(admin().calls({ sinceSeq: since }))).toEqual([]);
      expect((await engine().getPlan(made.planId)).status).toBe('ready');
    });

    it('refuses an expired plan', async () => {
      const { plan: made } = await plan({ task: 'delete-root-credentials', accounts: [EXPOSED.payments] });
      const later = () => new Date(Date.parse(made.expiresAt) + 1000);
      const since = admin().calls().at(-1)?.seq ?? 0;
      const error = await rejection(() => engine({ now: later }).applyPlan(made.planId));
      expect(error.code).toBe('PLAN_EXPIRED');
      expect(error.message).toContain(`expired at ${made.expiresAt}`);
      expect(admin().calls({ sinceSeq: since })).toEqual([]);
    });

    it('a credential gone between the stale check and its deletion (NoSuchEntity) counts as already done', async () => {
      const { plan: made } = await plan({
        task: 'delete-root-credentials',
        accounts: [EXPOSED.devSandbox],
      });
      // Someone deletes the key while apply runs: right when its `before` entry is written.
      const inner = await openSqliteStore({ home });
      const racing = wrapStore(inner, {
        async appendJournal(entry) {
          if (entry.phase === 'before') admin().removeAccessKey(EXPOSED.devSandbox, 'AKIAEXPOSED0000005A1');
          return inner.appendJournal(entry);
        },
      });
      try {
        const result = await engine({ store: racing }).applyPlan(made.planId);
        expect(result.actions).toEqual([
          { actionId: made.actions[0]?.actionId, outcome: 'already-done', verified: true },
        ]);
        expect(result.status).toBe('applied');
        expect(mutations(admin().calls()).map(describeCall).at(-1)).toBe(
          'DeleteAccessKey@300000000005 (IAMDeleteRootUserCredentials) NoSuchEntity',
        );
        const journal = await inner.listJournal(made.planId);
        expect(journal.map((entry) => `${entry.phase}:${entry.outcome}`)).toEqual([
          'before:pending',
          'after:already-done',
        ]);
      } finally {
        await inner.close();
      }
    });

    it('does not deactivate MFA when deleting the password failed', async () => {
      const { plan: made } = await plan({ task: 'delete-root-credentials', accounts: [EXPOSED.web] });
      // An SCP denies root sessions exactly while the password is being deleted (AccessDenied: not retried).
      const inner = await openSqliteStore({ home });
      const denying = wrapStore(inner, {
        async appendJournal(entry) {
          if (entry.actionId.includes('delete-login-profile'))
            admin().setAccount(EXPOSED.web, { scpDeniesRootSession: entry.phase === 'before' });
          return inner.appendJournal(entry);
        },
      });
      let result: ApplyResult;
      try {
        result = await engine({ store: denying }).applyPlan(made.planId);
      } finally {
        await inner.close();
      }
      expect(result.status).toBe('failed');
      const outcome = (kind: string) => result.actions.find((action) => action.actionId.includes(kind));
      expect(outcome('delete-signing-certificate')).toMatchObject({ outcome: 'done', verified: true });
      expect(outcome('delete-login-profile')).toMatchObject({ outcome: 'failed', verified: false });
      expect(outcome('delete-login-profile')?.reason).toMatch(/^AWS_ACCESS_DENIED: DeleteLoginProfile/);
      expect(outcome('deactivate-mfa-device')).toMatchObject({ outcome: 'skipped', verified: false });
      expect(outcome('deactivate-mfa-device')?.reason).toContain('password without MFA');
      expect(admin().rootCredentials(EXPOSED.web).mfaDevices).toHaveLength(1);
      expect((await engine().getPlan(made.planId)).status).toBe('failed');

      // Re-running apply finishes the rest (a failed plan is resumable) and repeats nothing finished.
      const again = await apply(made.planId);
      expect(again.result).toMatchObject({ status: 'applied', resumed: true });
      expect(mutations(again.calls).map((call) => call.operation)).toEqual([
        'DeleteLoginProfile',
        'DeactivateMFADevice',
      ]);
    });
  });

  describe('allow-password-recovery', () => {
    it('creates a login profile without a password, with IAMCreateRootUserPassword', async () => {
      expect(admin().rootCredentials(EXPOSED.devSandbox).loginProfile).toBeNull();
      const { plan: made, calls } = await plan({
        task: 'allow-password-recovery',
        account: EXPOSED.devSandbox,
      });
      expect(mutations(calls)).toEqual([]);
      expect(new Set(calls.map((call) => call.sessionTaskPolicy).filter(Boolean))).toEqual(
        new Set(['IAMAuditRootUserCredentials']),
      );
      expect(made.actions).toEqual([
        expect.objectContaining({
          actionId: `${EXPOSED.devSandbox}:create-login-profile:password`,
          taskPolicy: 'IAMCreateRootUserPassword',
        }),
      ]);
      const { result, calls: applied } = await apply(made.planId);
      expect(result.status).toBe('applied');
      expect(admin().rootCredentials(EXPOSED.devSandbox).loginProfile).not.toBeNull();
      expect(mutations(applied).map(describeCall)).toEqual([
        'CreateLoginProfile@300000000005 (IAMCreateRootUserPassword) OK',
      ]);
    });

    it('has nothing to do when the root user has a password', async () => {
      const { plan: made } = await plan({ task: 'allow-password-recovery', account: EXPOSED.payments });
      expect(made.actions).toEqual([]);
      expect(made.notes[0]).toContain('already has a password');
      const { result, calls } = await apply(made.planId);
      expect(result).toMatchObject({ status: 'applied', actions: [] });
      expect(mutations(calls)).toEqual([]);
    });
  });

  describe.each([
    {
      task: 'unlock-s3-bucket-policy' as const,
      input: () => ({
        task: 'unlock-s3-bucket-policy' as const,
        account: EXPOSED.lockedData,
        bucket: EXPOSED.lockedBucket,
      }),
      policy: () => admin().bucketPolicy(EXPOSED.lockedBucket),
      setPolicy: (text: string | null) => admin().setBucketPolicy(EXPOSED.lockedBucket, text),
      taskPolicy: 'S3UnlockBucketPolicy',
      remove: 'DeleteBucketPolicy',
      put: 'PutBucketPolicy',
    },
    {
      task: 'unlock-sqs-queue-policy' as const,
      input: () => ({
        task: 'unlock-sqs-queue-policy' as const,
        account: EXPOSED.lockedData,
        queueUrl: `${fx.url}/${EXPOSED.lockedData}/${EXPOSED.lockedQueue}`,
      }),
      policy: () => admin().queuePolicy(EXPOSED.lockedData, EXPOSED.lockedQueue),
      setPolicy: (text: string | null) =>
        admin().setQueuePolicy(EXPOSED.lockedData, EXPOSED.lockedQueue, text),
      taskPolicy: 'SQSUnlockQueuePolicy',
      remove: 'SetQueueAttributes',
      put: 'SetQueueAttributes',
    },
  ])('$task', ({ input, policy, setPolicy, taskPolicy, remove, put }) => {
    // Odd but valid formatting and non-ASCII text: a restore must give back these exact bytes.
    const ODD =
      '{\n  "Version": "2012-10-17",\r\n\t"Statement": [ {"Sid":"Légal—hold ✓","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"} ]   }';

    it('plans with its own task session (Get/List only) and backs the policy up byte for byte', async () => {
      setPolicy(ODD);
      const { plan: made, calls } = await plan(input());
      expect(mutations(calls)).toEqual([]);
      expect(new Set(calls.map((call) => call.sessionTaskPolicy).filter(Boolean))).toEqual(
        new Set([taskPolicy]),
      );
      expect(made.actions).toHaveLength(1);
      expect(made.actions[0]?.taskPolicy).toBe(taskPolicy);
      expect(made.backups).toHaveLength(1);
      expect(made.backups[0]?.policy).toBe(ODD);
      expect(made.backups[0]?.policy).toBe(policy());
    });

    it('apply removes the policy; restore-policy puts it back byte for byte', async () => {
      setPolicy(ODD);
      const { plan: made } = await plan(input());
      const { result, calls } = await apply(made.planId);
      expect(result).toMatchObject({ status: 'applied', actions: [{ outcome: 'done', verified: true }] });
      expect(policy()).toBeNull();
      expect(mutations(calls).map(describeCall)).toEqual([
        `${remove}@${EXPOSED.lockedData} (${taskPolicy}) OK`,
      ]);

      const since = admin().calls().at(-1)?.seq ?? 0;
      const restored = await engine().restorePolicy({ planId: made.planId });
      expect(restored).toMatchObject({ status: 'applied', actions: [{ outcome: 'done', verified: true }] });
      expect(policy()).toBe(ODD);
      expect(mutations(admin().calls({ sinceSeq: since })).map(describeCall)).toEqual([
        `${put}@${EXPOSED.lockedData} (${taskPolicy}) OK`,
      ]);
      // Restoring again changes nothing.
      const twice = await engine().restorePolicy({
        planId: made.planId,
        resource: made.backups[0]?.resource,
      });
      expect(twice.actions[0]).toMatchObject({ outcome: 'already-done', verified: true });
    });

    it('restore-policy leaves a newer policy alone', async () => {
      const { plan: made } = await plan(input());
      await apply(made.planId);
      const newer = '{"Version":"2012-10-17","Statement":[]}';
      setPolicy(newer);
      const restored = await engine().restorePolicy({ planId: made.planId });
      expect(restored.status).toBe('failed');
      expect(restored.actions[0]?.reason).toContain('has another policy now');
      expect(policy()).toBe(newer);
    });

    it('a resource without a policy: nothing to unlock', async () => {
      setPolicy(null);
      const { plan: made } = await plan(input());
      expect(made.actions).toEqual([]);
      expect(made.backups).toEqual([]);
      expect(made.notes[0]).toContain('has no policy; nothing to unlock');
    });

    it('refuses a plan whose policy changed since', async () => {
      const { plan: made } = await plan(input());
      setPolicy('{"Version":"2012-10-17","Statement":[]}');
      const error = await rejection(() => engine().applyPlan(made.planId));
      expect(error.code).toBe('PLAN_STALE');
      expect(error.message).toMatch(/policy changed/);
    });
  });

  it('one apply at a time per plan: a second run is refused while the first holds the plan', async () => {
    const { plan: made } = await plan({ task: 'delete-root-credentials', accounts: [EXPOSED.payments] });
    // The first run stops at its first journal write until the test lets it go on.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const inner = await openSqliteStore({ home });
    const held = wrapStore(inner, {
      async appendJournal(entry) {
        reached();
        await gate;
        return inner.appendJournal(entry);
      },
    });
    try {
      const first = engine({ store: held }).applyPlan(made.planId);
      await atGate;
      const second = await rejection(() => engine().applyPlan(made.planId));
      expect(second.code).toBe('PLAN_BUSY');
      expect(second.message).toContain(`Plan ${made.planId} is being applied by another run`);
      expect(second.fix).toContain('run apply again after that time');
      release();
      expect((await first).status).toBe('applied');
    } finally {
      await inner.close();
    }
    // Given back at the end: the next run may claim it (and finds the plan applied).
    expect((await engine().applyPlan(made.planId)).status).toBe('applied');
  });

  it('a claim of another process: refused while it lasts; taken over when its process is gone', async () => {
    const { plan: made } = await plan({ task: 'allow-password-recovery', account: EXPOSED.devSandbox });
    const store = await openSqliteStore({ home });
    const until = new Date(Date.now() + 60_000).toISOString();
    try {
      await store.claimPlan(made.planId, {
        owner: 'other-host:4242:run',
        now: new Date().toISOString(),
        until,
      });
      expect((await rejection(() => engine().applyPlan(made.planId))).code).toBe('PLAN_BUSY');
      // A process of this host that no longer exists (pid 2^22 + 1 is above Linux's pid_max).
      await store.releasePlan(made.planId, 'other-host:4242:run');
      const dead = `${hostname()}:4194305:run`;
      await store.claimPlan(made.planId, { owner: dead, now: new Date().toISOString(), until });
      expect((await engine().applyPlan(made.planId)).status).toBe('applied');
    } finally {
      await store.close();
    }
  });

  it('an applied plan stays applied; its journal and plan never hold a secret', async () => {
    const { plan: made } = await plan({ task: 'delete-root-credentials', accounts: [EXPOSED.shared] });
    await apply(made.planId);
    const store = await openSqliteStore({ home });
    try {
      const text = JSON.stringify([await store.getPlan(made.planId), await store.listJournal(made.planId)]);
      for (const secret of issuedSecrets(fx.sandbox)) expect(text.includes(secret)).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('enable-root-access as a plan', () => {
  let fx: SandboxFixture;
  let home: string;
  beforeAll(async () => {
    fx = await startSandbox({ scenario: 'blog', quotas: { enabled: false } });
    home = temporaryHome();
  });
  afterAll(async () => {
    await fx.close();
    rmSync(join(home, '..'), { recursive: true, force: true });
  });

  it('plans the missing switches, applies them in order, and verifies', async () => {
    const before = fx.sandbox.admin.calls().length;
    const made: Plan = await fx
      .engine({ home })
      .createPlan({ task: 'enable-root-access', rootSessions: true });
    expect(mutations(fx.sandbox.admin.calls().slice(before))).toEqual([]);
    expect(made.actions.map((action) => [action.actionId, action.accountId, action.taskPolicy])).toEqual([
      ['organization:enable-root-sessions:RootSessions', null, null],
    ]);
    expect(made.notes).toEqual(['Already enabled: trusted access for IAM, RootCredentialsManagement.']);
    const result = await fx.engine({ home }).applyPlan(made.planId);
    expect(result).toMatchObject({ status: 'applied', actions: [{ outcome: 'done', verified: true }] });
    expect((await fx.engine().getOrgStatus()).rootSessions).toBe(true);
  });
});
