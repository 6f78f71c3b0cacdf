import { CoreError, type Engine } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, startFixture, temporaryDirectory } from './helpers.js';
import { STUB_PLAN, withStubPlans } from './stub-plans.js';

// The API's own guarantee around `engine.applyPlan`: one Idempotency-Key, one apply, whatever the
// retries, concurrency or restarts. The engine's plan methods are canned here (see plans.test.ts for the
// real workflow end to end).

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function start(
  counters: { applied: number },
  options: { home?: string; wrap?: (engine: Engine) => Engine } = {},
) {
  const fixture = await startFixture({
    ...(options.home ? { home: options.home } : {}),
    wrapEngine: (engine) => (options.wrap ?? ((e: Engine) => e))(withStubPlans(engine, counters)),
  });
  fixtures.push(fixture);
  return fixture;
}

const apply = (fixture: Fixture, key: string, planId = STUB_PLAN.planId) =>
  fixture.request(`/v1/plans/${planId}/apply`, {
    method: 'POST',
    as: 'remediate',
    headers: { 'idempotency-key': key },
  });

describe('POST /v1/plans/{id}/apply with an Idempotency-Key', () => {
  it('the same key twice applies once and replays the first answer', async () => {
    const counters = { applied: 0 };
    const fixture = await start(counters);
    const first = await apply(fixture, 'key-1');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await apply(fixture, 'key-1');
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(counters.applied).toBe(1);
    // Another key is another apply (the engine decides what an applied plan does then).
    expect((await apply(fixture, 'key-2')).status).toBe(200);
    expect(counters.applied).toBe(2);
  });

  it('concurrent requests with one key share one apply', async () => {
    const counters = { applied: 0 };
    const fixture = await start(counters);
    const answers = await Promise.all(Array.from({ length: 8 }, () => apply(fixture, 'key-concurrent')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(counters.applied).toBe(1);
  });

  it('a key is scoped to its plan', async () => {
    const counters = { applied: 0 };
    const fixture = await start(counters);
    expect((await apply(fixture, 'shared-key', 'aaaaaaaa-1b2c-4d5e-8f90-0123456789ab')).status).toBe(200);
    expect((await apply(fixture, 'shared-key', 'bbbbbbbb-1b2c-4d5e-8f90-0123456789ab')).status).toBe(200);
    expect(counters.applied).toBe(2);
  });

  it('a failed apply is replayed as the same error, without applying again', async () => {
    const counters = { applied: 0 };
    const fixture = await start(counters, {
      wrap: (engine) => ({
        ...engine,
        async applyPlan() {
          counters.applied += 1;
          throw new CoreError('PLAN_STALE', 'Account 111111111111 changed since the plan was made.', {
            fix: 'Plan again.',
          });
        },
      }),
    });
    const first = await apply(fixture, 'key-stale');
    expect(first.status).toBe(409);
    const second = await apply(fixture, 'key-stale');
    expect(second.status).toBe(409);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [(await first.json()) as { error: object }, (await second.json()) as { error: object }];
    expect({ ...a.error, requestId: 'x' }).toEqual({ ...b.error, requestId: 'x' });
    expect(counters.applied).toBe(1);
  });

  it('the key survives a restart: the replay comes from the store, and an interrupted apply is never re-run', async () => {
    const home = temporaryDirectory();
    const counters = { applied: 0 };
    const before = await start(counters, { home });
    const answer = await (await apply(before, 'key-restart')).json();
    await before.close();
    fixtures.splice(fixtures.indexOf(before), 1);

    const after = await start(counters, { home });
    const replay = await apply(after, 'key-restart');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(answer);
    expect(counters.applied).toBe(1);

    // A process that died mid-apply left its job running; the next process marks it interrupted and refuses
    // to run it again under the same key.
    const jobs = await after.engine.jobs();
    const { createHash } = await import('node:crypto');
    const id = `apply-${createHash('sha256').update(`${STUB_PLAN.planId}\nkey-crashed`).digest('hex').slice(0, 40)}`;
    const at = new Date().toISOString();
    await jobs.createJob({
      id,
      kind: 'apply',
      status: 'running',
      createdAt: at,
      updatedAt: at,
      input: {},
      auditId: null,
      error: null,
    });
    await after.close();
    fixtures.splice(fixtures.indexOf(after), 1);
    const third = await start(counters, { home });
    const refused = await apply(third, 'key-crashed');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; field: string; fix: string } };
    expect(body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE', field: 'Idempotency-Key' });
    expect(body.error.fix).toContain('new Idempotency-Key');
    expect(counters.applied).toBe(1);
  });
});
