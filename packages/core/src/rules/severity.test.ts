import { describe, expect, it } from 'vitest';
import { compareRisk, countOpenFindings, countsMeetThreshold, meetsThreshold } from './severity.js';

describe('meetsThreshold', () => {
  it.each([
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['low', 'low', true],
    ['critical', 'never', false],
  ] as const)('%s at --fail-on %s → %s', (severity, failOn, expected) => {
    expect(meetsThreshold(severity, failOn)).toBe(expected);
  });

  it('reads counts', () => {
    const counts = { critical: 0, high: 0, medium: 2, low: 0 };
    expect(countsMeetThreshold(counts, 'medium')).toBe(true);
    expect(countsMeetThreshold(counts, 'high')).toBe(false);
    expect(countsMeetThreshold(counts, 'never')).toBe(false);
  });
});

describe('compareRisk', () => {
  const c = (critical: number, high: number, medium: number, low: number) => ({
    critical,
    high,
    medium,
    low,
  });
  it.each([
    ['one critical beats many highs', c(1, 0, 0, 0), c(0, 9, 9, 9), -1],
    ['more highs at equal criticals', c(1, 2, 0, 0), c(1, 1, 5, 0), -1],
    ['fewer lows is better', c(0, 0, 0, 1), c(0, 0, 0, 3), 1],
    ['alike', c(0, 1, 1, 0), c(0, 1, 1, 0), 0],
  ] as const)('%s', (_name, a, b, sign) => {
    expect(Math.sign(compareRisk(a, b))).toBe(sign);
  });
});

describe('countOpenFindings', () => {
  it('counts per severity, leaving out accepted findings', () => {
    expect(
      countOpenFindings([
        { severity: 'critical' },
        { severity: 'high', accepted: { owner: 'x' } },
        { severity: 'high' },
        { severity: 'low' },
      ]),
    ).toEqual({ critical: 1, high: 1, medium: 0, low: 1 });
  });
});
