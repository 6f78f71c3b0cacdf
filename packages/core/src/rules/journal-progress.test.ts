import { describe, expect, it } from 'vitest';
import { accessKey, NO_CREDENTIALS } from '../../test/fixtures.js';
import type { JournalEntry } from '../store/store.js';
import { finalStatus, journalProgress, startedActions } from './journal-progress.js';
import { deleteCredentialActions } from './plan-actions.js';

const A = '111111111111';
const [first, second] = deleteCredentialActions(
  A,
  { ...NO_CREDENTIALS, accessKeys: [accessKey('AKIAAAAAAAAAAAAAAAA1'), accessKey('AKIAAAAAAAAAAAAAAAA2')] },
  ['access-keys'],
) as [
  NonNullable<ReturnType<typeof deleteCredentialActions>[0]>,
  NonNullable<ReturnType<typeof deleteCredentialActions>[0]>,
];

let sequence = 0;
function entry(
  actionId: string,
  phase: JournalEntry['phase'],
  outcome: JournalEntry['outcome'],
  detail: unknown = {},
): JournalEntry {
  sequence += 1;
  return {
    planId: 'p',
    sequence,
    actionId,
    phase,
    outcome,
    at: `2026-11-28T10:00:0${sequence % 10}.000Z`,
    detail,
  };
}

describe('journalProgress', () => {
  const table: Array<{ name: string; journal: JournalEntry[]; states: string[]; started: string[] }> = [
    { name: 'empty journal', journal: [], states: ['not-started', 'not-started'], started: [] },
    {
      name: 'killed after the first before entry',
      journal: [entry(first.actionId, 'before', 'pending')],
      states: ['in-doubt', 'not-started'],
      started: [first.actionId],
    },
    {
      name: 'first finished, second in doubt',
      journal: [
        entry(first.actionId, 'before', 'pending'),
        entry(first.actionId, 'after', 'done'),
        entry(second.actionId, 'before', 'pending'),
      ],
      states: ['finished', 'in-doubt'],
      started: [first.actionId, second.actionId],
    },
    {
      name: 'a failed action is not finished (it runs again)',
      journal: [
        entry(first.actionId, 'before', 'pending'),
        entry(first.actionId, 'after', 'failed', { reason: 'x' }),
      ],
      states: ['failed', 'not-started'],
      started: [first.actionId],
    },
    {
      name: 'found done by observation after a resume (no before)',
      journal: [entry(first.actionId, 'after', 'already-done', { via: 'observation' })],
      states: ['finished', 'not-started'],
      started: [first.actionId],
    },
    {
      name: 'skipped is not started',
      journal: [entry(second.actionId, 'after', 'skipped', { reason: 'password kept' })],
      states: ['not-started', 'skipped'],
      started: [],
    },
    {
      name: 'a retry after a failure that succeeded',
      journal: [
        entry(first.actionId, 'before', 'pending'),
        entry(first.actionId, 'after', 'failed', { reason: 'THROTTLED' }),
        entry(first.actionId, 'before', 'pending'),
        entry(first.actionId, 'after', 'already-done'),
      ],
      states: ['finished', 'not-started'],
      started: [first.actionId],
    },
    {
      name: 'entries of restore-policy (not plan actions) are ignored',
      journal: [entry(`${A}:restore-s3-bucket-policy:b`, 'after', 'done')],
      states: ['not-started', 'not-started'],
      started: [],
    },
  ];
  it.each(table)('$name', ({ journal, states, started }) => {
    const progress = journalProgress([first, second], journal);
    expect([first, second].map((action) => progress.get(action.actionId)?.state)).toEqual(states);
    expect(startedActions([first, second], journal).map((action) => action.actionId)).toEqual(started);
  });

  it('keeps the reason of a failure', () => {
    const progress = journalProgress(
      [first],
      [entry(first.actionId, 'after', 'failed', { reason: 'AWS_ACCESS_DENIED: no' })],
    );
    expect(progress.get(first.actionId)).toMatchObject({ state: 'failed', reason: 'AWS_ACCESS_DENIED: no' });
  });
});

describe('finalStatus', () => {
  it.each([
    [[{ outcome: 'done', verified: true }], 'applied'],
    [[{ outcome: 'already-done', verified: true }], 'applied'],
    [[], 'applied'],
    [[{ outcome: 'done', verified: false }], 'failed'],
    [[{ outcome: 'failed', verified: true }], 'failed'],
    [[{ outcome: 'skipped', verified: false }], 'failed'],
  ] as const)('%j → %s', (results, status) => {
    expect(finalStatus(results.map((result, index) => ({ actionId: String(index), ...result })))).toBe(
      status,
    );
  });
});
