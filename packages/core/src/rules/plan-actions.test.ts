import { describe, expect, it } from 'vitest';
import { accessKey, CERTIFICATE, NO_CREDENTIALS, PASSWORD, VIRTUAL_MFA } from '../../test/fixtures.js';
import type { DeletableCredential } from '../domain/plan.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { credentialsObservation } from './observed-state.js';
import {
  deleteCredentialActions,
  deleteCredentialNotes,
  enableActions,
  passwordRecoveryActions,
  unlockPolicyActions,
} from './plan-actions.js';

const A = '111111111111';
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
