import { describe, expect, it } from 'vitest';
import { accessKey, CERTIFICATE, NO_CREDENTIALS, PASSWORD, VIRTUAL_MFA } from '../../test/fixtures.js';
import type { DeletableCredential, PlanAction, PlanActionKind } from '../domain/plan.js';
import type { Observation, RootCredentialsObservation } from '../domain/plan-observation.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import {
  actionEffect,
  credentialsObservation,
  desiredStateHolds,
  diffObservations,
  fingerprintOf,
  itemKey,
  observationCovers,
  observationItems,
  unexplainedChanges,
} from './observed-state.js';
import { deleteCredentialActions, passwordRecoveryActions, unlockPolicyActions } from './plan-actions.js';

const A = '111111111111';
const B = '222222222222';
const KEY1 = 'AKIAAAAAAAAAAAAAAAA1';
const KEY2 = 'AKIAAAAAAAAAAAAAAAA2';
const QUEUE = `https://sqs.eu-west-1.amazonaws.com/${A}/jobs`;
const ALL: DeletableCredential[] = ['password', 'access-keys', 'signing-certificates', 'mfa'];

const exposed: RootCredentials = {
  ...NO_CREDENTIALS,
  loginProfile: PASSWORD,
  accessKeys: [accessKey(KEY2, 'Inactive'), accessKey(KEY1)],
  signingCertificates: [CERTIFICATE],
  mfaDevices: [VIRTUAL_MFA],
};

const planAction = (accountId: string | null, kind: PlanActionKind, target: string): PlanAction => ({
  actionId: `${accountId ?? 'organization'}:${kind}:${target}`,
  accountId,
  kind,
  target,
  taskPolicy: null,
  description: kind,
});
const bucket = (accountId: string, resource: string, policySha256: string | null): Observation => ({
  type: 's3-bucket-policy',
  accountId,
  resource,
  region: 'us-east-1',
  policySha256,
});
const queue = (policySha256: string | null): Observation => ({
  type: 'sqs-queue-policy',
  accountId: A,
  resource: QUEUE,
  region: 'eu-west-1',
  policySha256,
});
const organization = (on: boolean): Observation => ({
  type: 'organization',
  organizationId: 'o-1',
  trustedAccess: on,
  rootCredentialsManagement: on,
  rootSessions: on,
});

describe('itemKey: one key for what an observation holds and what an action changes', () => {
  // Every action kind (a Record, so a new kind fails to compile until it has a row): the key its
  // effect names, an observation holding that item and one without it.
  const table: Record<
    PlanActionKind,
    {
      action: PlanAction;
      key: string;
      effect: 'gone' | 'appeared';
      holding: Observation;
      without: Observation;
    }
  > = {
    'delete-login-profile': {
      action: planAction(A, 'delete-login-profile', 'password'),
      key: `${A}:password`,
      effect: 'gone',
      holding: credentialsObservation(A, exposed, ['password']),
      without: credentialsObservation(A, NO_CREDENTIALS, ['password']),
    },
    'create-login-profile': {
      action: planAction(A, 'create-login-profile', 'password'),
      key: `${A}:password`,
      effect: 'appeared',
      holding: credentialsObservation(A, exposed, ['password']),
      without: credentialsObservation(A, NO_CREDENTIALS, ['password']),
    },
    'delete-access-key': {
      action: planAction(A, 'delete-access-key', KEY1),
      key: `${A}:access-key:${KEY1}`,
      effect: 'gone',
      holding: credentialsObservation(A, exposed, ALL),
      without: credentialsObservation(A, { ...exposed, accessKeys: [accessKey(KEY2)] }, ALL),
    },
    'delete-signing-certificate': {
      action: planAction(A, 'delete-signing-certificate', CERTIFICATE.certificateId),
      key: `${A}:signing-certificate:${CERTIFICATE.certificateId}`,
      effect: 'gone',
      holding: credentialsObservation(A, exposed, ALL),
      without: credentialsObservation(A, { ...exposed, signingCertificates: [] }, ALL),
    },
    'deactivate-mfa-device': {
      action: planAction(A, 'deactivate-mfa-device', VIRTUAL_MFA.serialNumber),
      key: `${A}:mfa-device:${VIRTUAL_MFA.serialNumber}`,
      effect: 'gone',
      holding: credentialsObservation(A, exposed, ALL),
      without: credentialsObservation(A, { ...exposed, mfaDevices: [] }, ALL),
    },
    'delete-bucket-policy': {
      action: planAction(A, 'delete-bucket-policy', 'logs'),
      key: `${A}:s3-bucket-policy:logs`,
      effect: 'gone',
      holding: bucket(A, 'logs', 'abc'),
      without: bucket(A, 'logs', null),
    },
    'remove-queue-policy': {
      action: planAction(A, 'remove-queue-policy', QUEUE),
      key: `${A}:sqs-queue-policy:${QUEUE}`,
      effect: 'gone',
      holding: queue('abc'),
      without: queue(null),
    },
    'enable-trusted-access': {
      action: planAction(null, 'enable-trusted-access', 'iam.amazonaws.com'),
      key: 'organization:trusted-access',
      effect: 'appeared',
      holding: organization(true),
      without: organization(false),
    },
    'enable-root-credentials-management': {
      action: planAction(null, 'enable-root-credentials-management', 'RootCredentialsManagement'),
      key: 'organization:root-credentials-management',
      effect: 'appeared',
      holding: organization(true),
      without: organization(false),
    },
    'enable-root-sessions': {
      action: planAction(null, 'enable-root-sessions', 'RootSessions'),
      key: 'organization:root-sessions',
      effect: 'appeared',
      holding: organization(true),
      without: organization(false),
    },
  };
  it.each(Object.entries(table))('%s', (_kind, { action, key, effect, holding, without }) => {
    expect(actionEffect(action)).toEqual({ key, effect });
    expect([...observationItems(holding).keys()]).toContain(key);
    expect([...observationItems(without).keys()]).not.toContain(key);
    expect(desiredStateHolds(action, [holding])).toBe(effect === 'appeared');
    expect(desiredStateHolds(action, [without])).toBe(effect === 'gone');
  });

  it.each([
    [A, 'password', undefined, `${A}:password`],
    [A, 'access-key', KEY1, `${A}:access-key:${KEY1}`],
    [null, 'root-sessions', undefined, 'organization:root-sessions'],
    [B, 'sqs-queue-policy', QUEUE, `${B}:sqs-queue-policy:${QUEUE}`],
  ] as const)('itemKey(%s, %s, %s) is %s', (accountId, kind, id, key) => {
    expect(itemKey(accountId, kind, id)).toBe(key);
  });
});

describe('observationCovers: the observation that sees what an action changes', () => {
  it.each([
    [
      'the account of a credential action',
      credentialsObservation(A, exposed, ALL),
      planAction(A, 'delete-access-key', KEY1),
      true,
    ],
    [
      'another account',
      credentialsObservation(B, exposed, ALL),
      planAction(A, 'delete-access-key', KEY1),
      false,
    ],
    [
      'a bucket whose name holds the account id',
      bucket(B, `logs-${A}`, 'x'),
      planAction(A, 'delete-access-key', KEY1),
      false,
    ],
    [
      'the bucket of a bucket action',
      bucket(A, 'logs', 'x'),
      planAction(A, 'delete-bucket-policy', 'logs'),
      true,
    ],
    [
      'another bucket of the same account',
      bucket(A, 'data', 'x'),
      planAction(A, 'delete-bucket-policy', 'logs'),
      false,
    ],
    [
      'the root user for a bucket action',
      credentialsObservation(A, exposed, ALL),
      planAction(A, 'delete-bucket-policy', 'logs'),
      false,
    ],
    [
      "a bucket named like a queue action's target",
      bucket(A, QUEUE, 'x'),
      planAction(A, 'remove-queue-policy', QUEUE),
      false,
    ],
    ['the queue of a queue action', queue('x'), planAction(A, 'remove-queue-policy', QUEUE), true],
    [
      'the organization for an organization action',
      organization(false),
      planAction(null, 'enable-root-sessions', 'RootSessions'),
      true,
    ],
    [
      'the organization for an account action',
      organization(false),
      planAction(A, 'delete-login-profile', 'password'),
      false,
    ],
    [
      'an account for an organization action',
      credentialsObservation(A, exposed, ALL),
      planAction(null, 'enable-trusted-access', 'iam.amazonaws.com'),
      false,
    ],
  ] as const)('%s: %s', (_name, observation, action, covers) => {
    expect(observationCovers(observation, action)).toBe(covers);
  });
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
    const [unlock] = unlockPolicyActions(policy('one') as Parameters<typeof unlockPolicyActions>[0]);
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
