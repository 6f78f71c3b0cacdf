import { describe, expect, it } from 'vitest';
import { accessKey, NO_CREDENTIALS } from '../../test/fixtures.js';
import type { PlanAction } from '../domain/plan.js';
import type { Observation } from '../domain/plan-observation.js';
import { credentialsObservation } from './observed-state.js';
import { deleteCredentialActions, enableActions, unlockPolicyActions } from './plan-actions.js';
import { type ActionRun, type Reobservation, verifyActions } from './verify-actions.js';

const A = '111111111111';
const B = '222222222222';
const KEY = 'AKIAAAAAAAAAAAAAAAA1';

const withKey = credentialsObservation(A, { ...NO_CREDENTIALS, accessKeys: [accessKey(KEY)] }, [
  'access-keys',
]);
const keyGone = credentialsObservation(A, NO_CREDENTIALS, ['access-keys']);
const [deleteKey] = deleteCredentialActions(A, { ...NO_CREDENTIALS, accessKeys: [accessKey(KEY)] }, [
  'access-keys',
]) as [PlanAction];
const bucket = (accountId: string, resource: string, policySha256: string | null) =>
  ({ type: 's3-bucket-policy', accountId, resource, region: 'us-east-1', policySha256 }) as const;
const [deletePolicy] = unlockPolicyActions(bucket(A, 'logs', 'abc')) as [PlanAction];
const orgOff: Observation = {
  type: 'organization',
  organizationId: 'o-1',
  trustedAccess: false,
  rootCredentialsManagement: true,
  rootSessions: true,
};
const [enableTrust] = enableActions(orgOff, true) as [PlanAction];

const done: ActionRun = { outcome: 'done' };
const failed: ActionRun = { outcome: 'failed', reason: 'IAM_ACCESS_DENIED: no' };

describe('verifyActions', () => {
  const table: Array<{
    name: string;
    action: PlanAction;
    run?: ActionRun;
    reobserved: Reobservation[];
    appliedEarlier?: boolean;
    expected: { outcome: string; reason?: string; verified: boolean };
  }> = [
    {
      name: 'done, and observed again the key is gone',
      action: deleteKey,
      run: done,
      reobserved: [{ planned: withKey, now: keyGone }],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: 'done, but observed again the key is still there',
      action: deleteKey,
      run: done,
      reobserved: [{ planned: withKey, now: withKey }],
      expected: { outcome: 'done', reason: 'observed again, the change is not there', verified: false },
    },
    {
      name: 'applied earlier, and the key came back since',
      action: deleteKey,
      run: { outcome: 'already-done' },
      reobserved: [{ planned: withKey, now: withKey }],
      appliedEarlier: true,
      expected: {
        outcome: 'already-done',
        reason: 'applied earlier, but observed again the change is not there any more: make a new plan',
        verified: false,
      },
    },
    {
      name: 'the account could not be observed again (its absence is not "the key is gone")',
      action: deleteKey,
      run: done,
      reobserved: [{ planned: withKey, failure: 'AssumeRoot was denied' }],
      expected: { outcome: 'done', reason: 'could not verify: AssumeRoot was denied', verified: false },
    },
    {
      name: 'another account could not be observed again',
      action: deleteKey,
      run: done,
      reobserved: [
        { planned: withKey, now: keyGone },
        { planned: credentialsObservation(B, NO_CREDENTIALS, ['access-keys']), failure: 'throttled' },
      ],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: "a bucket of another account named after this account's id could not be observed again",
      action: deleteKey,
      run: done,
      reobserved: [
        { planned: withKey, now: keyGone },
        { planned: bucket(B, `logs-${A}`, 'abc'), failure: 'throttled' },
      ],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: 'the bucket policy is gone',
      action: deletePolicy,
      run: done,
      reobserved: [{ planned: bucket(A, 'logs', 'abc'), now: bucket(A, 'logs', null) }],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: 'the bucket could not be observed again',
      action: deletePolicy,
      run: done,
      reobserved: [{ planned: bucket(A, 'logs', 'abc'), failure: 'NoSuchBucket' }],
      expected: { outcome: 'done', reason: 'could not verify: NoSuchBucket', verified: false },
    },
    {
      name: 'another bucket of the same account could not be observed again',
      action: deletePolicy,
      run: done,
      reobserved: [
        { planned: bucket(A, 'logs', 'abc'), now: bucket(A, 'logs', null) },
        { planned: bucket(A, 'data', 'abc'), failure: 'throttled' },
      ],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: 'the organization could not be observed again',
      action: enableTrust,
      run: done,
      reobserved: [{ planned: orgOff, failure: 'AccessDenied' }],
      expected: { outcome: 'done', reason: 'could not verify: AccessDenied', verified: false },
    },
    {
      name: 'trusted access is on now',
      action: enableTrust,
      run: done,
      reobserved: [{ planned: orgOff, now: { ...orgOff, trustedAccess: true } }],
      expected: { outcome: 'done', verified: true },
    },
    {
      name: 'a failed action keeps its own reason',
      action: deleteKey,
      run: failed,
      reobserved: [{ planned: withKey, failure: 'throttled' }],
      expected: { outcome: 'failed', reason: 'IAM_ACCESS_DENIED: no', verified: false },
    },
    {
      name: 'an action that was not run',
      action: deleteKey,
      reobserved: [{ planned: withKey, now: withKey }],
      expected: { outcome: 'skipped', reason: 'not run', verified: false },
    },
    {
      name: 'a skipped action whose change holds anyway is verified',
      action: deleteKey,
      reobserved: [{ planned: withKey, now: keyGone }],
      expected: { outcome: 'skipped', reason: 'not run', verified: true },
    },
  ];
  it.each(table)('$name', ({ action, run, reobserved, appliedEarlier, expected }) => {
    const runs = new Map(run === undefined ? [] : [[action.actionId, run]]);
    expect(
      verifyActions({ actions: [action], runs, reobserved, appliedEarlier: appliedEarlier ?? false }),
    ).toEqual([{ actionId: action.actionId, ...expected }]);
  });
});
