import { describe, expect, it } from 'vitest';
import { accessKey, CERTIFICATE, NO_CREDENTIALS, PASSWORD, VIRTUAL_MFA } from '../../test/fixtures.js';
import type { DeletableCredential, PlanAction } from '../domain/plan.js';
import type { Observation, RootCredentialsObservation } from '../domain/plan-observation.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import {
  credentialsObservation,
  deleteCredentialActions,
  deleteCredentialNotes,
  desiredStateHolds,
  diffObservations,
  enableActions,
  fingerprintOf,
  passwordRecoveryActions,
  unexplainedChanges,
  unlockPolicyActions,
} from './plan-actions.js';

const A = '111111111111';
const B = '222222222222';
const KEY1 = 'AKIAAAAAAAAAAAAAAAA1';
const KEY2 = 'AKIAAAAAAAAAAAAAAAA2';
const ALL: DeletableCredential[] = ['password', 'access-keys', 'signing-certificates', 'mfa'];

const exposed: RootCredentials = {
  ...NO_CREDENTIALS,
  loginProfile: PASSWORD,
  accessKeys: [accessKey(KEY2, 'Inactive'), accessKey(KEY1)],
  signingCertificates: [CERTIFICATE],
  mfaDevices: [VIRTUAL_MFA],
};

describe('deleteCredentialActions', () => {
  const table: Array<{
    name: string;
    credentials: RootCredentials;
    only: DeletableCredential[];
    kinds: string[];
  }> = [
    { name: 'nothing to delete', credentials: NO_CREDENTIALS, only: ALL, kinds: [] },
    {
      name: 'everything, keys first and MFA last',
      credentials: exposed,
      only: ALL,
      kinds: [
        'delete-access-key:AKIAAAAAAAAAAAAAAAA2',
        'delete-access-key:AKIAAAAAAAAAAAAAAAA1',
        `delete-signing-certificate:${CERTIFICATE.certificateId}`,
        'delete-login-profile:password',
        `deactivate-mfa-device:${VIRTUAL_MFA.serialNumber}`,
      ],
    },
    {
      name: '--only access-keys',
      credentials: exposed,
      only: ['access-keys'],
      kinds: ['delete-access-key:AKIAAAAAAAAAAAAAAAA2', 'delete-access-key:AKIAAAAAAAAAAAAAAAA1'],
    },
    {
      name: '--only password without a password',
      credentials: { ...exposed, loginProfile: null },
      only: ['password'],
      kinds: [],
    },
    {
      name: '--only mfa,password',
      credentials: exposed,
      only: ['mfa', 'password'],
      kinds: ['delete-login-profile:password', `deactivate-mfa-device:${VIRTUAL_MFA.serialNumber}`],
    },
  ];
  it.each(table)('$name', ({ credentials, only, kinds }) => {
    const actions = deleteCredentialActions(A, credentials, only);
    expect(actions.map((action) => `${action.kind}:${action.target}`)).toEqual(kinds);
    for (const action of actions) {
      expect(action.actionId).toBe(`${A}:${action.kind}:${action.target}`);
      expect(action.taskPolicy).toBe('IAMDeleteRootUserCredentials');
      expect(action.accountId).toBe(A);
    }
  });

  it('describes each credential for review', () => {
    const [first] = deleteCredentialActions(A, exposed, ['access-keys']);
    expect(first?.description).toBe(
      'Delete root access key AKIAAAAAAAAAAAAAAAA2 (Inactive, created 2025-12-13, last used never)',
    );
  });

  it('notes: nothing to do, a password left without MFA, virtual devices left unassigned', () => {
    expect(deleteCredentialNotes(A, NO_CREDENTIALS, ALL)).toEqual([
      `Account ${A}: the root user has no credentials of the selected kinds; nothing to do.`,
    ]);
    expect(deleteCredentialNotes(A, exposed, ['mfa'])).toEqual([
      `Account ${A}: the root password stays while its MFA is deactivated; add password to --only to delete both.`,
      `Account ${A}: deactivated virtual MFA devices stay in the account, unassigned (no root task policy allows DeleteVirtualMFADevice).`,
    ]);
  });
});

describe('other tasks', () => {
  it('allow-password-recovery creates a login profile only when there is none', () => {
    const without = credentialsObservation(A, NO_CREDENTIALS, ['password']);
    const withOne = credentialsObservation(A, exposed, ['password']);
    expect(passwordRecoveryActions(without)).toEqual([
      expect.objectContaining({
        actionId: `${A}:create-login-profile:password`,
        kind: 'create-login-profile',
        taskPolicy: 'IAMCreateRootUserPassword',
      }),
    ]);
    expect(passwordRecoveryActions(withOne)).toEqual([]);
  });

  it.each([
    ['s3-bucket-policy', 'delete-bucket-policy', 'S3UnlockBucketPolicy'],
    ['sqs-queue-policy', 'remove-queue-policy', 'SQSUnlockQueuePolicy'],
  ] as const)('unlock %s: an action only when a policy exists', (type, kind, taskPolicy) => {
    const base = { type, accountId: A, resource: 'r', region: 'us-east-1' };
    expect(unlockPolicyActions({ ...base, policySha256: 'abc' })).toEqual([
      expect.objectContaining({ kind, taskPolicy, target: 'r', actionId: `${A}:${kind}:r` }),
    ]);
    expect(unlockPolicyActions({ ...base, policySha256: null })).toEqual([]);
  });

  it.each([
    [false, false, false, false, ['enable-trusted-access', 'enable-root-credentials-management']],
    [
      false,
      false,
      false,
      true,
      ['enable-trusted-access', 'enable-root-credentials-management', 'enable-root-sessions'],
    ],
    [true, false, false, true, ['enable-root-credentials-management', 'enable-root-sessions']],
    [true, true, false, false, []],
    [true, true, false, true, ['enable-root-sessions']],
    [true, true, true, true, []],
  ])(
    'enable-root-access (trusted %s, rcm %s, sessions %s, --root-sessions %s)',
    (trusted, rcm, rs, ask, kinds) => {
      const actions = enableActions(
        {
          type: 'organization',
          organizationId: 'o-1',
          trustedAccess: trusted,
          rootCredentialsManagement: rcm,
          rootSessions: rs,
        },
        ask,
      );
      expect(actions.map((action) => action.kind)).toEqual(kinds);
      for (const action of actions) expect([action.accountId, action.taskPolicy]).toEqual([null, null]);
    },
  );
});

describe('staleness', () => {
  const planned: RootCredentialsObservation = credentialsObservation(A, exposed, ALL);
  const actions = deleteCredentialActions(A, exposed, ALL);
  const byKind = (kind: string, target?: string) =>
    actions.find(
      (action) => action.kind === kind && (target === undefined || action.target === target),
    ) as PlanAction;
  const now = (credentials: Partial<RootCredentials>) =>
    credentialsObservation(A, { ...exposed, ...credentials }, ALL);

  const table: Array<{
    name: string;
    current: Observation[];
    started: PlanAction[];
    changes: string[];
    unexplained: string[];
  }> = [
    { name: 'nothing changed', current: [planned], started: [], changes: [], unexplained: [] },
    {
      name: 'a key appeared',
      current: [now({ accessKeys: [...exposed.accessKeys, accessKey('AKIAAAAAAAAAAAAAAAA3')] })],
      started: [],
      changes: [`account ${A}: access key AKIAAAAAAAAAAAAAAAA3 appeared`],
      unexplained: [`account ${A}: access key AKIAAAAAAAAAAAAAAAA3 appeared`],
    },
    {
      name: 'the password is gone, nobody of this plan started on it',
      current: [now({ loginProfile: null })],
      started: [],
      changes: [`account ${A}: the root password is gone`],
      unexplained: [`account ${A}: the root password is gone`],
    },
    {
      name: 'the password is gone after an interrupted run started deleting it',
      current: [now({ loginProfile: null })],
      started: [byKind('delete-login-profile')],
      changes: [`account ${A}: the root password is gone`],
      unexplained: [],
    },
    {
      name: 'a started deletion does not explain a new credential',
      current: [now({ accessKeys: [accessKey(KEY2, 'Inactive')], mfaDevices: [] })],
      started: [byKind('delete-access-key', KEY1)],
      changes: [
        `account ${A}: access key ${KEY1} is gone`,
        `account ${A}: MFA device ${VIRTUAL_MFA.serialNumber} is gone`,
      ],
      unexplained: [`account ${A}: MFA device ${VIRTUAL_MFA.serialNumber} is gone`],
    },
    {
      name: 'a key status change is not a change of what the plan deletes',
      current: [now({ accessKeys: [accessKey(KEY2, 'Active'), accessKey(KEY1, 'Inactive')] })],
      started: [],
      changes: [],
      unexplained: [],
    },
    {
      name: 'an account that could not be observed again',
      current: [],
      started: [],
      changes: [`account ${A}: could not be observed again`],
      unexplained: [`account ${A}: could not be observed again`],
    },
  ];
  it.each(table)('$name', ({ current, started, changes, unexplained }) => {
    const diff = diffObservations([planned], current);
    expect(diff.map((change) => change.description)).toEqual(changes);
    expect(unexplainedChanges(diff, started).map((change) => change.description)).toEqual(unexplained);
  });

  it('a changed or removed policy', () => {
    const policy = (sha: string | null): Observation => ({
      type: 's3-bucket-policy',
      accountId: B,
      resource: 'b',
      region: 'us-east-1',
      policySha256: sha,
    });
    const [unlock] = unlockPolicyActions(policy('one') as never);
    expect(diffObservations([policy('one')], [policy('two')]).map((c) => c.description)).toEqual([
      `bucket b (account ${B}): the bucket policy changed`,
    ]);
    const removed = diffObservations([policy('one')], [policy(null)]);
    expect(removed.map((c) => c.description)).toEqual([`bucket b (account ${B}): the bucket policy is gone`]);
    expect(unexplainedChanges(removed, [unlock as PlanAction])).toEqual([]);
    expect(desiredStateHolds(unlock as PlanAction, [policy(null)])).toBe(true);
    expect(desiredStateHolds(unlock as PlanAction, [policy('one')])).toBe(false);
  });

  it('desired state: gone for deletions, present for a new login profile', () => {
    const gone = now({ accessKeys: [accessKey(KEY2, 'Inactive')] });
    expect(desiredStateHolds(byKind('delete-access-key', KEY1), [gone])).toBe(true);
    expect(desiredStateHolds(byKind('delete-access-key', KEY2), [gone])).toBe(false);
    const [create] = passwordRecoveryActions(credentialsObservation(A, NO_CREDENTIALS, ['password']));
    expect(desiredStateHolds(create as PlanAction, [credentialsObservation(A, exposed, ['password'])])).toBe(
      true,
    );
    expect(
      desiredStateHolds(create as PlanAction, [credentialsObservation(A, NO_CREDENTIALS, ['password'])]),
    ).toBe(false);
  });

  it('the fingerprint ignores the order of observations and of credentials, not their identity', () => {
    const other = credentialsObservation(B, NO_CREDENTIALS, ALL);
    expect(fingerprintOf([planned, other])).toBe(fingerprintOf([other, planned]));
    expect(fingerprintOf([planned])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fingerprintOf([now({ accessKeys: [accessKey(KEY1)] })])).not.toBe(fingerprintOf([planned]));
    const used = { ...accessKey(KEY1), lastUsedDate: '2026-11-01T00:00:00.000Z', lastUsedService: 's3' };
    expect(fingerprintOf([now({ accessKeys: [used, accessKey(KEY2, 'Inactive')] })])).toBe(
      fingerprintOf([planned]),
    );
  });
});
