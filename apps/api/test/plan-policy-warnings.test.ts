import type { ScenarioInput } from '@rootwarden/aws-sandbox';
import { POLICY_WARNING_ACCOUNT, POLICY_WARNING_TEXT, policyWarningScenario } from '@rootwarden/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanThrough, type Fixture, startFixture } from './helpers.js';

/** POST /v1/plans warns before anyone applies when the organization's SCPs will refuse the task. */
describe('POST /v1/plans: accounts the policies will refuse', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({
      sandbox: { scenario: policyWarningScenario() as unknown as ScenarioInput },
    });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('are listed as warnings in the plan notes', async () => {
    const plan = await createPlanThrough(fixture.request, {
      task: 'delete-root-credentials',
      accounts: [POLICY_WARNING_ACCOUNT],
    });
    expect(plan.actions.map((action) => action.kind)).toContain('delete-login-profile');
    expect(plan.notes).toContainEqual(expect.stringContaining(POLICY_WARNING_TEXT));
  });
});
