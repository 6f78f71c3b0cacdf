import { builtInScenarioNames } from '@rootwarden/aws-sandbox';
import { describe, expect, it } from 'vitest';
import { normalizeSandboxArgument, SANDBOX_SCENARIOS } from './sandbox-argument.js';

describe('normalizeSandboxArgument', () => {
  it.each([
    [
      ['audit', '--sandbox'],
      ['audit', '--sandbox=blog'],
    ],
    [
      ['audit', '--sandbox', 'exposed'],
      ['audit', '--sandbox=exposed'],
    ],
    [
      ['audit', '--sandbox', 'generated:500'],
      ['audit', '--sandbox=generated:500'],
    ],
    [
      ['audit', '--sandbox', 'generated:500:7', '--json'],
      ['audit', '--sandbox=generated:500:7', '--json'],
    ],
    [
      ['audit', '--sandbox', './org.json'],
      ['audit', '--sandbox=./org.json'],
    ],
    [
      ['apply', '--sandbox', '3f2a9c4e-1b2c-4d5e-8f90-0123456789ab'],
      ['apply', '--sandbox=blog', '3f2a9c4e-1b2c-4d5e-8f90-0123456789ab'],
    ],
    [
      ['audit', '--sandbox', '--json'],
      ['audit', '--sandbox=blog', '--json'],
    ],
    [
      ['audit', '--sandbox', 'blgo'],
      ['audit', '--sandbox=blgo'],
    ],
    [
      ['audit', '--sandbox', 'Exposd'],
      ['audit', '--sandbox=Exposd'],
    ],
    [
      ['apply', '--sandbox', '3f2a9c4e'],
      ['apply', '--sandbox=blog', '3f2a9c4e'],
    ],
    [
      ['exec', '--sandbox', '--', 'cmd', '--sandbox'],
      ['exec', '--sandbox=blog', '--', 'cmd', '--sandbox'],
    ],
  ])('%o → %o', (argv, expected) => {
    expect(normalizeSandboxArgument(argv)).toEqual(expected);
  });

  it('knows the sandbox’s built-in scenarios', () => {
    expect([...SANDBOX_SCENARIOS].sort()).toEqual(
      builtInScenarioNames.filter((name) => !name.startsWith('generated')).sort(),
    );
  });
});
