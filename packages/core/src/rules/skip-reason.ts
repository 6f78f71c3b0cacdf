import type { SkipReason } from '../domain/account.js';

export interface SkipContext {
  managementAccountId: string;
  exclude: ReadonlySet<string>;
}

export interface Skip {
  reason: SkipReason;
  detail: string;
}

/**
 * Why AssumeRoot must not, or cannot, target an account: it only targets ACTIVE member accounts,
 * never the management account (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management);
 * the user may also exclude accounts.
 */
export function skipReasonFor(
  account: { accountId: string; state: string },
  context: SkipContext,
): Skip | undefined {
  if (account.accountId === context.managementAccountId) {
    return {
      reason: 'MANAGEMENT_ACCOUNT',
      detail: 'management account: AssumeRoot only targets member accounts',
    };
  }
  if (account.state !== 'ACTIVE') {
    return {
      reason: 'NOT_ACTIVE',
      detail: `account is ${account.state}: AssumeRoot only targets ACTIVE accounts`,
    };
  }
  if (context.exclude.has(account.accountId)) {
    return { reason: 'EXCLUDED', detail: 'excluded by the user (--exclude)' };
  }
  return undefined;
}
