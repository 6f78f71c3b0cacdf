import { describe, expect, it } from 'vitest';
import type { RootFeature } from '../aws/identity-and-features.js';
import { type FeatureNeed, featureVerdict } from './feature-gate.js';

const RCM: RootFeature = 'RootCredentialsManagement';
const RS: RootFeature = 'RootSessions';

describe('featureVerdict', () => {
  it.each<[FeatureNeed, RootFeature[], string | undefined, boolean]>([
    ['RootCredentialsManagement', [RCM], undefined, false],
    ['RootCredentialsManagement', [RS], 'ROOT_ACCESS_NOT_ENABLED', false],
    ['RootCredentialsManagement', [], 'ROOT_ACCESS_NOT_ENABLED', false],
    ['RootSessions', [RCM, RS], undefined, false],
    ['RootSessions', [RCM], 'ROOT_SESSIONS_NOT_ENABLED', false],
    // Password recovery: refuse only when neither reading of AWS's documentation lets it run.
    ['password-recovery', [], 'ROOT_ACCESS_NOT_ENABLED', false],
    ['password-recovery', [RCM], undefined, true],
    ['password-recovery', [RS], undefined, true],
    ['password-recovery', [RCM, RS], undefined, false],
  ])('%s with %j → refusal %s, warning %s', (need, enabled, refusal, warns) => {
    const verdict = featureVerdict(need, enabled);
    expect(verdict.refusal?.code).toBe(refusal);
    expect(verdict.warning !== undefined).toBe(warns);
    if (verdict.refusal) expect(verdict.refusal.fix).toContain('rootwarden org enable');
  });
});
