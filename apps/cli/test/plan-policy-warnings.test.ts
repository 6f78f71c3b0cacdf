import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_WARNING_ACCOUNT, POLICY_WARNING_TEXT, policyWarningScenario } from '@rootwarden/test-utils';
import { describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

/** `plan` warns before anyone applies when the organization's SCPs will refuse the task (issue 12, point 3). */
describe('rootwarden plan: accounts the policies will refuse', () => {
  it('are listed as warnings in the table and in --json', async () => {
    const dir = temporaryDirectory();
    const scenario = join(dir, 'policy-warning.json');
    writeFileSync(scenario, JSON.stringify(policyWarningScenario()));
    const plan = (format: string[]) =>
      rootwardenProcessAsync(
        [
          'plan',
          'delete-root-credentials',
          '--account',
          POLICY_WARNING_ACCOUNT,
          '--sandbox',
          scenario,
          ...format,
        ],
        { ROOTWARDEN_HOME: dir },
      );
    const table = await plan([]);
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toContain('delete');
    expect(table.stdout).toContain('Notes:');
    expect(table.stdout.replace(/\s*\n\s*/g, ' ')).toContain(POLICY_WARNING_TEXT);
    const json = await plan(['--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const { notes, actions } = JSON.parse(json.stdout) as { notes: string[]; actions: { kind: string }[] };
    expect(actions.map((action) => action.kind)).toContain('delete-login-profile');
    expect(notes).toContainEqual(expect.stringContaining(POLICY_WARNING_TEXT));
  }, 240_000);
});
