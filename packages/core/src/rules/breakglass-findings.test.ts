import { describe, expect, it } from 'vitest';
import type { BreakglassWindow } from '../domain/breakglass.js';
import { breakglassFindings } from './breakglass-findings.js';

const A = '111111111111';
const B = '222222222222';
const NOW = new Date('2026-12-02T12:00:00.000Z');

function window(overrides: Partial<BreakglassWindow>): BreakglassWindow {
  return {
    id: 'w1',
    accountId: A,
    organizationId: 'o-example',
    ticket: 'INC-123',
    openedAt: '2026-12-02T10:00:00.000Z',
    until: '2026-12-02T14:00:00.000Z',
    openedBy: 'arn:aws:iam::999999999999:user/alice',
    openedByUser: 'alice',
    planId: 'p1',
    closedAt: null,
    closedBy: null,
    cleanupPlanId: null,
    cleanupError: null,
    ...overrides,
  };
}

describe('breakglassFindings', () => {
  it.each([
    { case: 'no window', windows: [], expected: [] },
    { case: 'an open window of the account', windows: [window({})], expected: ['w1:open'] },
    { case: 'a window of another account', windows: [window({ accountId: B })], expected: [] },
    {
      case: 'a closed window',
      windows: [window({ closedAt: '2026-12-02T11:00:00.000Z', closedBy: 'bob' })],
      expected: [],
    },
    {
      case: 'a window past its end, not closed yet',
      windows: [window({ until: '2026-12-02T11:00:00.000Z' })],
      expected: ['w1:ended'],
    },
    {
      case: 'a window ending exactly now counts as ended',
      windows: [window({ until: NOW.toISOString() })],
      expected: ['w1:ended'],
    },
    {
      case: 'two open windows',
      windows: [window({}), window({ id: 'w2', ticket: 'INC-9' })],
      expected: ['w1:open', 'w2:open'],
    },
  ])('$case', ({ windows, expected }) => {
    const findings = breakglassFindings(windows, A, NOW);
    expect(
      findings.map(
        (finding) =>
          `${finding.resource?.replace('breakglass:', '')}:${finding.message.includes('is not closed yet') ? 'ended' : 'open'}`,
      ),
    ).toEqual(expected);
    for (const finding of findings)
      expect(finding).toMatchObject({ code: 'BREAKGLASS_WINDOW_OPEN', severity: 'high' });
  });

  it('names the ticket, the opener and the end time', () => {
    const [finding] = breakglassFindings([window({})], A, NOW);
    expect(finding?.message).toContain('INC-123');
    expect(finding?.message).toContain('alice');
    expect(finding?.message).toContain('arn:aws:iam::999999999999:user/alice');
    expect(finding?.message).toContain('2026-12-02T14:00:00.000Z');
    expect(finding?.message).toContain(`rootwarden breakglass close ${A}`);
  });
});
