import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import { AuditInputSchema } from './audit.js';
import { parseInput } from './parse-input.js';

describe('parseInput', () => {
  it('fills defaults', () => {
    expect(parseInput(AuditInputSchema, {})).toEqual({
      accounts: [],
      ous: [],
      exclude: [],
      concurrency: 32,
      recentDays: 90,
    });
  });

  it('names every bad field in an INVALID_INPUT CoreError', () => {
    let error: unknown;
    try {
      parseInput(AuditInputSchema, { accounts: ['111122223333', '12345'], concurrency: 0, colour: 'red' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CoreError);
    const coreError = error as CoreError;
    expect(coreError.code).toBe('INVALID_INPUT');
    expect(coreError.message).toContain('accounts[1]: must be a 12-digit AWS account id');
    expect(coreError.message).toContain('concurrency:');
    expect(coreError.message).toContain('colour');
    expect(coreError.details?.field).toBe('accounts[1]');
  });
});
