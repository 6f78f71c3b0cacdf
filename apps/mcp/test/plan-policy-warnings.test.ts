import type { ScenarioInput } from '@rootwarden/aws-sandbox';
import { PlanSchema } from '@rootwarden/core';
import { POLICY_WARNING_ACCOUNT, POLICY_WARNING_TEXT, policyWarningScenario } from '@rootwarden/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, type SandboxFixture, startSandbox, temporaryHome, textOf } from './helpers.js';

let fixture: SandboxFixture;
let home: ReturnType<typeof temporaryHome>;
beforeAll(async () => {
  fixture = await startSandbox({ scenario: policyWarningScenario() as unknown as ScenarioInput });
  home = temporaryHome();
});
afterAll(async () => {
  await fixture.close();
  home.remove();
});

/** plan-privileged-task warns before anyone applies when the organization's SCPs will refuse the task. */
describe('plan-privileged-task: accounts the policies will refuse', () => {
  it('are listed as warnings in the text and the structured plan', async () => {
    const { client, close } = await connectInMemory({
      engine: fixture.engine({ home: home.home }),
      allowMutations: true,
    });
    try {
      const result = await client.callTool({
        name: 'plan-privileged-task',
        arguments: { task: 'delete-root-credentials', accounts: [POLICY_WARNING_ACCOUNT] },
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      const plan = PlanSchema.parse(result.structuredContent);
      expect(plan.actions.map((action) => action.kind)).toContain('delete-login-profile');
      expect(plan.notes).toContainEqual(expect.stringContaining(POLICY_WARNING_TEXT));
      // Notes carry names from AWS: JSON-quoted data in the model's text.
      expect(textOf(result)).toContain(
        `Note: ${JSON.stringify(`Warning: ${POLICY_WARNING_TEXT}`).slice(0, -1)}`,
      );
    } finally {
      await close();
    }
  });
});
