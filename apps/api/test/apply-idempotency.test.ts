import { rmSync } from 'node:fs';
import type { Sandbox } from '@rootwarden/aws-sandbox';
import { ApplyResultSchema } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { applyJobId } from '../src/idempotent-apply.js';
import {
  BLOG_DELETES,
  countPlanCalls,
  createPlanThrough,
  type Fixture,
  mutations,
  noPlanCalls,
  type PlanCalls,
  startFixture,
  temporaryDirectory,
} from './helpers.js';

// The API's own guarantee around `engine.applyPlan`: one Idempotency-Key, one apply, whatever the
// retries, concurrency or restarts. Real plans, made through the API against the sandbox; "applied" is
// counted twice: calls that reached the real engine, and the mutating calls in the sandbox's call log.

const BLOG = '111111111111';

const fixtures: Fixture[] = [];
const homes: string[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

async function start(calls: PlanCalls, options: { home?: string; sandbox?: Sandbox } = {}) {
  const fixture = await startFixture({
    ...(options.home ? { home: options.home } : {}),
    ...(options.sandbox ? { reuseSandbox: options.sandbox } : {}),
    wrapEngine: (engine) => countPlanCalls(engine, calls),
  });
  fixtures.push(fixture);
  return fixture;
}

async function stop(fixture: Fixture) {
  fixtures.splice(fixtures.indexOf(fixture), 1);
  await fixture.close();
}

const planDeletes = (fixture: Fixture, account = BLOG) =>
  createPlanThrough(fixture.request, { task: 'delete-root-credentials', accounts: [account] });

const apply = (fixture: Fixture, planId: string, key: string) =>
  fixture.request(`/v1/plans/${planId}/apply`, {
    method: 'POST',
    as: 'remediate',
    headers: { 'idempotency-key': key },
  });

describe('POST /v1/plans/{id}/apply with an Idempotency-Key', () => {
  it('the same key twice applies once and replays the first answer', async () => {
    const calls = noPlanCalls();
    const fixture = await start(calls);
    const plan = await planDeletes(fixture);
    expect(plan.actions).toHaveLength(BLOG_DELETES.length);

    const first = await apply(fixture, plan.planId, 'key-1');
    expect(first.status, await first.clone().text()).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const result = ApplyResultSchema.parse(await first.json());
    expect(result.status).toBe('applied');
    expect(result.actions.every((action) => action.outcome === 'done' && action.verified)).toBe(true);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);

    const second = await apply(fixture, plan.planId, 'key-1');
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(result);
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);

    // Another key is another call to the engine, which runs no action of an applied plan again.
    const other = await apply(fixture, plan.planId, 'key-2');
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(ApplyResultSchema.parse(await other.json()).status).toBe('applied');
    expect(calls.applyPlan).toBe(2);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);
  });

  it('concurrent requests with one key share one apply', async () => {
    const calls = noPlanCalls();
    const fixture = await start(calls);
    const plan = await planDeletes(fixture);
    // The apply lasts long enough for every repeat to arrive while it runs.
    fixture.sandbox.admin.setLatency({
      perOperation: { 'iam:DeleteLoginProfile': { fixedMs: 300, jitterMs: 0 } },
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => apply(fixture, plan.planId, 'key-concurrent')),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    expect(ApplyResultSchema.parse(bodies[0]).status).toBe('applied');
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);
  });

  it('reusing a key for another plan is a 409, and that plan is not applied', async () => {
    const calls = noPlanCalls();
    const fixture = await start(calls);
    const deletes = await planDeletes(fixture);
    const recovery = await createPlanThrough(fixture.request, {
      task: 'allow-password-recovery',
      account: '666666666666',
    });
    expect(recovery.actions.map((action) => action.kind)).toEqual(['create-login-profile']);

    const first = await apply(fixture, deletes.planId, 'shared-key');
    expect(first.status, await first.clone().text()).toBe(200);
    expect(ApplyResultSchema.parse(await first.json())).toMatchObject({
      planId: deletes.planId,
      status: 'applied',
    });
    // The attack: a key known to have applied plan A replayed against plan B must neither apply B nor
    // answer with A's result as if it were B's.
    const second = await apply(fixture, recovery.planId, 'shared-key');
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({
      error: { code: 'IDEMPOTENCY_KEY_IN_USE', field: 'Idempotency-Key', location: 'header' },
    });
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);
    // With its own key the other plan applies.
    const own = await apply(fixture, recovery.planId, 'recovery-key');
    expect(own.status).toBe(200);
    expect(mutations(fixture.sandbox)).toEqual([...BLOG_DELETES, 'CreateLoginProfile@666666666666']);
  });

  it('a failed apply is replayed as the same error, without applying again', async () => {
    const calls = noPlanCalls();
    const fixture = await start(calls);
    const { admin } = fixture.sandbox;
    const plan = await planDeletes(fixture);
    // Someone adds a root access key after the plan was made: applying the plan is refused as stale.
    admin.addAccessKey(BLOG, { accessKeyId: 'AKIASTALEPLANKEY0001' });

    const first = await apply(fixture, plan.planId, 'key-stale');
    expect(first.status, await first.clone().text()).toBe(409);
    const second = await apply(fixture, plan.planId, 'key-stale');
    expect(second.status).toBe(409);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [(await first.json()) as { error: object }, (await second.json()) as { error: object }];
    expect(a.error).toMatchObject({ code: 'PLAN_STALE' });
    expect({ ...a.error, requestId: 'x' }).toEqual({ ...b.error, requestId: 'x' });
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual([]);

    // Once the key is gone the plan could be applied again, but the key still answers what it answered.
    admin.removeAccessKey(BLOG, 'AKIASTALEPLANKEY0001');
    const third = await apply(fixture, plan.planId, 'key-stale');
    expect(third.status).toBe(409);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(calls.applyPlan).toBe(1);
    expect(mutations(fixture.sandbox)).toEqual([]);
    const fresh = await apply(fixture, plan.planId, 'key-fresh');
    expect(fresh.status, await fresh.clone().text()).toBe(200);
    expect(calls.applyPlan).toBe(2);
    expect(mutations(fixture.sandbox)).toEqual(BLOG_DELETES);
  });

  it('the key survives a restart: the replay comes from the store, and an interrupted apply is never re-run', async () => {
    const home = temporaryDirectory();
    homes.push(home);
    const calls = noPlanCalls();
    const before = await start(calls, { home });
    const { sandbox } = before;
    const plan = await planDeletes(before);
    const first = await apply(before, plan.planId, 'key-restart');
    expect(first.status, await first.clone().text()).toBe(200);
    const answer = await first.json();
    expect(mutations(sandbox)).toEqual(BLOG_DELETES);
    await stop(before);

    // The API restarts (new engine, new app, same history database) in front of the same AWS.
    const after = await start(calls, { home, sandbox });
    const replay = await apply(after, plan.planId, 'key-restart');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(answer);
    expect(calls.applyPlan).toBe(1);
    expect(mutations(sandbox)).toEqual(BLOG_DELETES);

    // A process that died mid-apply left its job running; the next process marks it interrupted and refuses
    // to run it again under the same key. The plan is real and has work left, so a re-run would show.
    sandbox.admin.reset();
    const pending = await planDeletes(after);
    expect(pending.actions).toHaveLength(BLOG_DELETES.length);
    const jobs = await after.engine.jobs();
    const id = applyJobId('remediate-client', 'key-crashed');
    const at = new Date().toISOString();
    await jobs.createJob({
      id,
      kind: 'apply',
      status: 'running',
      createdAt: at,
      updatedAt: at,
      input: { planId: pending.planId },
      auditId: null,
      error: null,
    });
    await stop(after);
    const third = await start(calls, { home, sandbox });
    const refused = await apply(third, pending.planId, 'key-crashed');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; field: string; fix: string } };
    expect(body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE', field: 'Idempotency-Key' });
    expect(body.error.fix).toContain('new Idempotency-Key');
    expect(calls.applyPlan).toBe(1);
    expect(mutations(sandbox)).toEqual([]);

    // As the error says: a new key applies the plan.
    const resumed = await apply(third, pending.planId, 'key-after-crash');
    expect(resumed.status, await resumed.clone().text()).toBe(200);
    expect(ApplyResultSchema.parse(await resumed.json()).status).toBe('applied');
    expect(calls.applyPlan).toBe(2);
    expect(mutations(sandbox)).toEqual(BLOG_DELETES);
  });
});
