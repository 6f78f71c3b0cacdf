import { ApplyResultSchema, PlanSchema } from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, type Fixture, issuedSecrets, startFixture, TRANSPORTS } from './helpers.js';

// Plan → apply end to end through the engine's real workflow, against the sandbox: scopes, idempotent
// apply (the same key twice, one apply), verification, and no secret anywhere.

const EXPOSED = '111111111111';

describe.each(TRANSPORTS)('plans through the engine, via %s', (transport) => {
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };
  beforeAll(async () => {
    fixture = await startFixture();
    client = await clientFor(fixture, transport);
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  const createPlan = async (body: unknown) => {
    const response = await client.request('/v1/plans', {
      method: 'POST',
      as: 'audit',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const plan = PlanSchema.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/v1/plans/${plan.planId}`);
    return plan;
  };
  const apply = (planId: string, key: string, as: 'read' | 'audit' | 'remediate' = 'remediate') =>
    client.request(`/v1/plans/${planId}/apply`, { method: 'POST', as, headers: { 'idempotency-key': key } });

  it('creates a plan (reading only), shows it, and applies it once per Idempotency-Key, verified', async () => {
    const before = fixture.sandbox.admin.rootCredentials(EXPOSED);
    expect(before.loginProfile).not.toBeNull();
    const plan = await createPlan({ task: 'delete-root-credentials', accounts: [EXPOSED] });
    expect(plan.status).toBe('ready');
    expect(plan.actions.length).toBeGreaterThan(0);
    // Planning changed nothing.
    expect(fixture.sandbox.admin.rootCredentials(EXPOSED)).toEqual(before);

    const shown = await client.request(`/v1/plans/${plan.planId}`, { as: 'read' });
    expect(PlanSchema.parse(await shown.json()).planId).toBe(plan.planId);

    // Scope: only remediate applies.
    expect((await apply(plan.planId, 'k', 'read')).status).toBe(403);
    expect((await apply(plan.planId, 'k', 'audit')).status).toBe(403);

    const deletes = () =>
      fixture.sandbox.admin
        .calls({ service: 'iam' })
        .filter((call) => /^(Delete|Deactivate)/.test(call.operation)).length;
    const first = await apply(plan.planId, `apply-${transport}`);
    expect(first.status, await first.clone().text()).toBe(200);
    const result = ApplyResultSchema.parse(await first.json());
    expect(result.status).toBe('applied');
    expect(result.actions.every((action) => action.verified)).toBe(true);
    const after = fixture.sandbox.admin.rootCredentials(EXPOSED);
    expect(after.loginProfile).toBeNull();
    expect(after.accessKeys).toEqual([]);
    const deleteCalls = deletes();

    const again = await apply(plan.planId, `apply-${transport}`);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(result);
    expect(deletes()).toBe(deleteCalls);
  });

  it('an unknown plan is 404 PLAN_NOT_FOUND; a plan for an account outside the org is 422', async () => {
    const missing = await client.request('/v1/plans/00000000-0000-4000-8000-000000000000', { as: 'read' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('PLAN_NOT_FOUND');
    const outside = await client.request('/v1/plans', {
      method: 'POST',
      as: 'audit',
      body: JSON.stringify({ task: 'allow-password-recovery', account: '999999999999' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(outside.status).toBe(422);
  });

  it('S3 unlock: 409 until root sessions are enabled, then plan and apply; no secret in any answer or log', async () => {
    const body = {
      task: 'unlock-s3-bucket-policy',
      account: '555555555555',
      bucket: 'account5-locked-bucket',
    };
    const refused = await client.request('/v1/plans', {
      method: 'POST',
      as: 'audit',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'ROOT_SESSIONS_NOT_ENABLED',
    );
    fixture.sandbox.admin.setOrganization({ rootFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    const plan = await createPlan(body);
    const response = await apply(plan.planId, `s3-${transport}`);
    const applied = await response.text();
    expect(response.status, applied).toBe(200);
    expect(fixture.sandbox.admin.bucketPolicy('account5-locked-bucket')).toBeNull();
    const text = JSON.stringify(plan) + applied + fixture.logs.join('\n');
    for (const secret of issuedSecrets(fixture.sandbox)) expect(text.includes(secret)).toBe(false);
  });
});
