import { describe, expect, it } from 'vitest';
import { skipReasonFor } from './skip-reason.js';

const context = { managementAccountId: '123456789012', exclude: new Set(['222222222222']) };

describe('skipReasonFor', () => {
  it.each([
    [{ accountId: '123456789012', state: 'ACTIVE' }, 'MANAGEMENT_ACCOUNT'],
    [{ accountId: '111111111111', state: 'SUSPENDED' }, 'NOT_ACTIVE'],
    [{ accountId: '111111111111', state: 'CLOSED' }, 'NOT_ACTIVE'],
    [{ accountId: '111111111111', state: 'PENDING_CLOSURE' }, 'NOT_ACTIVE'],
    [{ accountId: '111111111111', state: 'PENDING_ACTIVATION' }, 'NOT_ACTIVE'],
    [{ accountId: '222222222222', state: 'ACTIVE' }, 'EXCLUDED'],
    [{ accountId: '333333333333', state: 'ACTIVE' }, undefined],
  ])('%o → %s', (account, reason) => {
    expect(skipReasonFor(account, context)?.reason).toBe(reason);
  });

  it('prefers the management-account reason over an exclusion', () => {
    expect(
      skipReasonFor(
        { accountId: '123456789012', state: 'ACTIVE' },
        { ...context, exclude: new Set(['123456789012']) },
      )?.reason,
    ).toBe('MANAGEMENT_ACCOUNT');
  });
});
