import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, type ScenarioInput } from '@rootwarden/aws-sandbox';
import { describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, STACK_TRACE, temporaryDirectory } from './helpers.js';

// Issue 9 through the real binary: a new user's custom scenario files and the codes and fixes the CLI
// shows for them (the API and MCP tests check the same codes and fixes).
function scenarioFile(change: (scenario: ScenarioInput) => void): string {
  const scenario = loadScenario('real-world') as ScenarioInput;
  change(scenario);
  const file = join(temporaryDirectory(), 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}
const run = (args: string[]) => rootwardenProcessAsync(args, { ROOTWARDEN_HOME: temporaryDirectory() });

describe('real AWS semantics in the CLI', { timeout: 180_000 }, () => {
  it('audits every ACTIVE member account as a least-privilege delegated-admin role', async () => {
    // The scenario's default principal is the role with sts:AssumeRoot, iam:ListOrganizationsFeatures,
    // organizations:DescribeOrganization and organizations:ListAccounts only.
    const file = scenarioFile((scenario) => {
      for (const principal of scenario.principals) principal.default = principal.name === 'least-privilege';
    });
    const result = await run(['audit', '--sandbox', file, '--format', 'json', '--fail-on', 'never']);
    expect(result.stderr).not.toContain('NOT_AUTHORIZED_CALLER');
    expect(result.exitCode).toBe(4); // one account refused alone: partial
    const report = JSON.parse(result.stdout);
    expect(report.caller.role).toBe('delegated-admin');
    expect(report.summary).toMatchObject({ accounts: 6, skipped: 1, unknown: 1 });
    expect(result.stderr).toContain(
      'Warning: OU paths show OU ids, not names: organizations:ListRoots was denied (AccessDenied).',
    );
    expect(result.stderr).toContain('[OU_NAMES_UNAVAILABLE]');

    const status = await run(['org', 'status', '--sandbox', file]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('(delegated-admin)');
    expect(status.stdout).toContain('No problems found.');
    expect(status.stdout).toContain('Optional permissions you lack (none stops an audit):');
    expect(status.stdout).toContain(
      'organizations:ListDelegatedAdministrators: shows which account is the IAM delegated administrator',
    );
  });

  it('stops once with the fix when STS is deactivated in the region', async () => {
    const result = await run(['audit', '--sandbox', 'real-world', '--region', 'ap-east-1']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[STS_REGION_DISABLED]');
    expect(result.stderr).toContain('Activate STS in this region');
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it.each(['aws-cn', 'aws-us-gov'] as const)(
    'refuses a caller in partition %s before any AssumeRoot',
    async (partition) => {
      const file = scenarioFile((scenario) => {
        scenario.partition = partition;
      });
      const result = await run(['audit', '--sandbox', file]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`Centralized root access is not available in partition ${partition}`);
      expect(result.stderr).toContain('[PARTITION_NOT_SUPPORTED]');
      expect(result.stderr).not.toMatch(STACK_TRACE);
    },
  );

  it('org enable turns on both features by default', async () => {
    const result = await run(['org', 'enable', '--sandbox', 'blog', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Enable privileged root actions in member accounts .* — done/);
  });
});
