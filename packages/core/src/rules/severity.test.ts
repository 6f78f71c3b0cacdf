import { describe, expect, it } from 'vitest';
import { countsMeetThreshold, meetsThreshold } from './severity.js';

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
