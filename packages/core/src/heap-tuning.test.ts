import { describe, expect, it } from 'vitest';
import { semiSpaceGrowthFactor, YOUNG_GENERATION_LIMIT_BYTES } from './heap-tuning.js';

const MB = 1024 * 1024;

describe('semiSpaceGrowthFactor', () => {
  it.each([
    { young: 1 * MB, limit: YOUNG_GENERATION_LIMIT_BYTES, factor: 2 },
    { young: 2 * MB, limit: YOUNG_GENERATION_LIMIT_BYTES, factor: 2 },
    { young: 4 * MB - 1, limit: YOUNG_GENERATION_LIMIT_BYTES, factor: 2 },
    { young: 4 * MB, limit: YOUNG_GENERATION_LIMIT_BYTES, factor: 1 },
    { young: 32 * MB, limit: YOUNG_GENERATION_LIMIT_BYTES, factor: 1 },
    { young: 16 * MB, limit: 32 * MB, factor: 2 },
  ])(
    'a young generation of $young bytes under a $limit-byte limit grows by $factor',
    ({ young, limit, factor }) => {
      expect(semiSpaceGrowthFactor(young, limit)).toBe(factor);
    },
  );
});
