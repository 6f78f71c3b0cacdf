import { describe, expect, it } from 'vitest';
import { type AccountSpec, accessKey, makeReport, PASSWORD } from '../../test/fixtures.js';
import type { AuditReport } from '../domain/audit.js';
import type { BreakglassWindow } from '../domain/breakglass.js';
import type { Severity } from '../domain/common.js';
import type { FindingException } from '../domain/exception.js';
import type { GuardEvent } from '../domain/guard.js';
import { decideNotifications, diffInventory } from './decide-notifications.js';

const A = '111111111111';
const B = '222222222222';
const NOW = new Date('2026-11-02T12:00:00.000Z');
const KEY = 'AKIAAAAAAAAAAAAAAAA1';

const clean = (accountId = A): AccountSpec => ({ accountId, name: 'Prod', credentials: {} });
const withPassword = (accountId = A): AccountSpec => ({
  accountId,
  name: 'Prod',
  credentials: { loginProfile: PASSWORD, mfaDevices: [] },
});
const withKey = (accountId = A): AccountSpec => ({
  accountId,
  name: 'Prod',
  credentials: { accessKeys: [accessKey(KEY)] },
});

function report(
  auditId: string,
  accounts: AccountSpec[],
  edit: (report: AuditReport) => void = () => {},
  extra: { complete?: boolean; selection?: Partial<AuditReport['selection']> } = {},
) {
  const made = makeReport({
    auditId,
    startedAt: auditId === 'old' ? '2026-11-01T10:00:00.000Z' : '2026-11-02T10:00:00.000Z',
    accounts,
    ...extra,
  });
  edit(made);
  return made;
}

function exception(expiresAt: string): FindingException {
  return {
    id: 'exc-1',
    accountId: A,
    findingCode: 'ROOT_PASSWORD_PRESENT',
    reason: 'migration',
    owner: 'team-a',
    expiresAt,
    createdAt: '2026-10-01T00:00:00.000Z',
    createdBy: 'alice',
    source: 'store',
  };
}

function window(until: string, closedAt: string | null = null): BreakglassWindow {
  return {
    id: 'bg-1',
    accountId: A,
    organizationId: 'o-a1b2c3d4e5',
    ticket: 'INC-123',
    openedAt: '2026-11-02T08:00:00.000Z',
    until,
    openedBy: 'arn:aws:iam::999999999999:user/admin',
    openedByUser: 'alice',
    planId: 'plan-1',
    closedAt,
    closedBy: closedAt ? 'alice' : null,
    cleanupPlanId: null,
    cleanupError: null,
  };
}

type Row = {
  name: string;
  previous: AuditReport | undefined;
  current: AuditReport;
  threshold?: Severity;
  exceptions?: FindingException[];
  windows?: BreakglassWindow[];
  /** kind:accountId[:resource or detail] of every event, in order. */
  expected: string[];
};

const summary = (event: GuardEvent) =>
  [
    event.kind,
    event.accountId,
    event.resource ?? event.findingCode ?? (event.invited === undefined ? '' : `invited=${event.invited}`),
  ]
    .filter((part) => part !== '')
    .join(':');

const table: Row[] = [
  {
    name: 'nothing changed: nothing to notify',
    previous: report('old', [withPassword()]),
    current: report('new', [withPassword()]),
    expected: [],
  },
  {
    name: 'first audit (no previous): every finding at or above the threshold is new, no inventory change',
    previous: undefined,
    current: report('new', [withKey(), clean(B)]),
    expected: [`new-finding:${A}:${KEY}`],
  },
  {
    name: 'clean → exposed: drift (went exposed, credential appeared) and the new finding',
    previous: report('old', [withPassword()]),
    current: report('new', [withKey()]),
    expected: [`new-finding:${A}:${KEY}`, `credentials-appeared:${A}:${KEY}`],
  },
  {
    name: 'an account clean before and exposed now',
    previous: report('old', [clean()]),
    current: report('new', [withKey()]),
    expected: [`new-finding:${A}:${KEY}`, `went-exposed:${A}`, `credentials-appeared:${A}:${KEY}`],
  },
  {
    name: 'a new finding below the threshold is not notified, the drift is',
    previous: report('old', [clean()]),
    current: report('new', [withPassword()]),
    threshold: 'critical',
    expected: [`went-exposed:${A}`, `credentials-appeared:${A}:password`],
  },
  {
    name: 'an account unknown before: its findings are not called new, no drift',
    previous: report('old', [{ accountId: A, status: 'unknown' }]),
    current: report('new', [withKey()]),
    expected: [],
  },
  {
    name: 'an account unknown now: nothing is decided about it',
    previous: report('old', [clean()]),
    current: report('new', [{ accountId: A, status: 'unknown' }]),
    expected: [],
  },
  {
    name: 'an accepted finding is not notified',
    previous: report('old', [clean()]),
    current: report('new', [withKey()], (r) => {
      for (const finding of r.accounts[0]?.findings ?? [])
        finding.accepted = {
          exceptionId: 'e',
          reason: 'r',
          owner: 'o',
          expiresAt: '2027-01-01T00:00:00.000Z',
          source: 'store',
        };
    }),
    expected: [`went-exposed:${A}`, `credentials-appeared:${A}:${KEY}`],
  },
  {
    name: 'an invited account joined with credentials: added (invited) and its findings',
    previous: report('old', [clean()]),
    current: report('new', [clean(), withKey(B)], (r) => {
      const added = r.accounts.find((account) => account.accountId === B);
      if (added) added.joinedMethod = 'INVITED';
    }),
    expected: [`new-finding:${B}:${KEY}`, `account-added:${B}:invited=true`],
  },
  {
    name: 'a created account joined clean: added, low',
    previous: report('old', [clean()]),
    current: report('new', [clean(), clean(B)], (r) => {
      const added = r.accounts.find((account) => account.accountId === B);
      if (added) added.joinedMethod = 'CREATED';
    }),
    expected: [`account-added:${B}:invited=false`],
  },
  {
    name: 'an account moved to another OU',
    previous: report('old', [clean()]),
    current: report('new', [clean()], (r) => {
      const moved = r.accounts[0];
      if (moved) moved.ouPathText = 'Root/Sandbox';
    }),
    expected: [`account-moved:${A}`],
  },
  {
    name: 'an account removed (same selection, complete)',
    previous: report('old', [clean(), clean(B)]),
    current: report('new', [clean()]),
    expected: [`account-removed:${B}`],
  },
  {
    name: 'a "missing" account of an interrupted audit is not called removed',
    previous: report('old', [clean(), clean(B)]),
    current: report('new', [clean()], undefined, { complete: false }),
    expected: [],
  },
  {
    name: 'a "missing" account of another selection is not called removed',
    previous: report('old', [clean(), clean(B)]),
    current: report('new', [clean()], undefined, { selection: { accounts: [A] } }),
    expected: [],
  },
  {
    name: 'an exception that ends within the warning days',
    previous: report('old', [clean()]),
    current: report('new', [clean()]),
    exceptions: [exception('2026-11-05T00:00:00.000Z')],
    expected: [`exception-expiring:${A}:ROOT_PASSWORD_PRESENT`],
  },
  {
    name: 'an exception that ends later, or already ended, is not notified',
    previous: report('old', [clean()]),
    current: report('new', [clean()]),
    exceptions: [exception('2026-12-30T00:00:00.000Z'), exception('2026-11-01T00:00:00.000Z')],
    expected: [],
  },
  {
    name: 'an open break-glass window is notified; a closed one is not',
    previous: report('old', [clean()]),
    current: report('new', [clean()]),
    windows: [
      window('2026-11-02T16:00:00.000Z'),
      window('2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z'),
    ],
    expected: [`breakglass-open:${A}`],
  },
];

describe('decideNotifications', () => {
  it.each(table)('$name', (row) => {
    const events = decideNotifications({
      previous: row.previous,
      current: row.current,
      exceptions: row.exceptions ?? [],
      openWindows: row.windows ?? [],
      threshold: row.threshold ?? 'high',
      exceptionWarningDays: 7,
      now: NOW,
    });
    expect(events.map(summary)).toEqual(row.expected);
  });

  it('a break-glass window past its end is critical, a running one high', () => {
    const current = report('new', [clean()]);
    const [overdue] = decideNotifications({
      previous: undefined,
      current,
      exceptions: [],
      openWindows: [window('2026-11-02T11:00:00.000Z')],
      threshold: 'high',
      exceptionWarningDays: 7,
      now: NOW,
    });
    expect(overdue).toMatchObject({ kind: 'breakglass-open', severity: 'critical', ticket: 'INC-123' });
  });

  it('links the plan prepared for an added account', () => {
    const events = decideNotifications({
      previous: report('old', [clean()]),
      current: report('new', [clean(), withKey(B)]),
      exceptions: [],
      openWindows: [],
      threshold: 'high',
      exceptionWarningDays: 7,
      now: NOW,
      plans: new Map([[B, 'plan-42']]),
    });
    expect(events.find((event) => event.kind === 'account-added')).toMatchObject({
      accountId: B,
      planId: 'plan-42',
      severity: 'high',
    });
  });
});

describe('diffInventory', () => {
  it('names added, moved and removed accounts', () => {
    const previous = report('old', [clean(), clean(B)]);
    const current = report('new', [clean()], (r) => {
      const moved = r.accounts[0];
      if (moved) moved.ouPathText = 'Root/Sandbox';
    });
    expect(
      diffInventory(previous, current).map((change) => [change.change, change.account.accountId]),
    ).toEqual([
      ['moved', A],
      ['removed', B],
    ]);
    expect(diffInventory(undefined, current)).toEqual([]);
  });
});
