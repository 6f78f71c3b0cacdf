import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/domain/events.js';
import { INITIAL_CONCURRENCY } from '../src/workflows/audit.js';
import { expectedCredentials } from './expected.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

let fixture: SandboxFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('resilience', () => {
  it('survives a throttling storm: tight quotas plus injected faults, every account present and correct', async () => {
    // AssumeRoot's bucket holds 20 calls and all but never refills by itself; the test refills it each
    // time it ran dry (as time would). A real-time refill rate made the storm depend on the machine's
    // speed: a slow run spread its calls thinly enough never to be throttled at all.
    const quotas = {
      rules: {
        'sts:AssumeRoot': { rate: 0.001, burst: 20 },
        'iam:*': { rate: 10, burst: 4 },
        'organizations:ListAccounts': { rate: 4, burst: 2 },
      },
    };
    fixture = await startSandbox({
      scenario: 'generated:120:7',
      seed: 11,
      quotas,
      faults: [{ rate: 0.12, kind: 'random' }],
    });
    const sandboxAdmin = fixture.sandbox.admin;
    let refilledAfter = 0;
    const events: EngineEvent[] = [];
    const report = await fixture.engine().audit(
      { concurrency: 32 },
      {
        onEvent: (event) => {
          events.push(event);
          if (event.type !== 'throttled') return;
          const calls = sandboxAdmin.calls();
          const ranDry = calls.some(
            (call) =>
              call.seq > refilledAfter && call.injected === 'quota' && call.operation === 'AssumeRoot',
          );
          if (!ranDry) return;
          refilledAfter = calls.at(-1)?.seq ?? refilledAfter;
          sandboxAdmin.setQuotas(quotas);
        },
      },
    );

    const admin = fixture.sandbox.admin;
    expect(report.accounts).toHaveLength(admin.scenario().accounts);
    expect(new Set(report.accounts.map((result) => result.accountId)).size).toBe(report.accounts.length);
    for (const result of report.accounts) {
      const account = admin.account(result.accountId);
      if (result.status === 'skipped') continue;
      if (account.scpDeniesRootSession) {
        expect(result).toMatchObject({ status: 'unknown', error: { code: 'AWS_ACCESS_DENIED' } });
        continue;
      }
      expect(result.status, `${result.accountId}: ${JSON.stringify(result.error)}`).not.toBe('unknown');
      expect(result.rootCredentials).toEqual(expectedCredentials(admin.rootCredentials(result.accountId)));
    }
    const calls = admin.calls();
    expect(calls.filter((call) => call.injected === 'quota').length).toBeGreaterThan(0);
    expect(
      calls.filter((call) => call.injected === 'fault' || call.injected === 'drop').length,
    ).toBeGreaterThan(0);
    // The engine saw the throttling and backed off.
    expect(events.some((event) => event.type === 'throttled')).toBe(true);
    // Backed off: the bound fell at least once (it also grows on demand from INITIAL_CONCURRENCY).
    const bounds = [
      INITIAL_CONCURRENCY,
      ...events.flatMap((event) => (event.type === 'concurrency-changed' ? [event.concurrency] : [])),
    ];
    expect(bounds.some((bound, index) => index > 0 && bound < (bounds[index - 1] as number))).toBe(true);
    expect(events.filter((event) => event.type === 'account-done')).toHaveLength(report.accounts.length);
    // Progress comes at once; each full result follows its progress event (OU names may come later).
    const audited = events.flatMap((event, index) =>
      event.type === 'account-audited' ? [[event.accountId, index] as const] : [],
    );
    expect(audited).toHaveLength(report.accounts.length);
    const doneAt = new Map(
      events.flatMap((event, index) =>
        event.type === 'account-done' ? [[event.result.accountId, index] as const] : [],
      ),
    );
    for (const [accountId, index] of audited) expect(doneAt.get(accountId)).toBeGreaterThan(index);
  }, 120_000);

  it('re-assumes a root session that expired mid-audit', async () => {
    fixture = await startSandbox({ scenario: 'blog' });
    const admin = fixture.sandbox.admin;
    // The sandbox's clock runs ahead of ours, so our copy of the expiry looks valid while AWS's has passed:
    // only AWS's ExpiredToken answer can tell the engine. ListAccessKeys is slow, so GetAccessKeyLastUsed
    // arrives after the 1-second session has expired.
    admin.advanceClock(10 * 60_000);
    admin.setLatency({ perOperation: { 'iam:ListAccessKeys': { fixedMs: 1500, jitterMs: 0 } } });
    const report = await fixture.engine({ sessionDurationSeconds: 1 }).audit({ accounts: ['111111111111'] });

    const [account1] = report.accounts;
    expect(account1?.status).toBe('exposed');
    expect(account1?.rootCredentials).toEqual(expectedCredentials(admin.rootCredentials('111111111111')));
    const calls = admin.calls();
    expect(calls.filter((call) => call.operation === 'AssumeRoot' && call.outcome === 'OK')).toHaveLength(2);
    expect(
      calls.filter((call) => call.operation === 'GetAccessKeyLastUsed').map((call) => call.outcome),
    ).toEqual(['ExpiredToken', 'OK']);
  });

  it('gives a partial report, marked incomplete, when aborted', async () => {
    fixture = await startSandbox({ scenario: 'generated:200:3', latencyMs: 40 });
    const controller = new AbortController();
    let done = 0;
    const report = await fixture.engine().audit(
      { concurrency: 4 },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'account-done' && ++done === 5) controller.abort();
        },
      },
    );
    expect(report.complete).toBe(false);
    const audited = report.accounts.filter(
      (result) => result.status === 'clean' || result.status === 'exposed',
    );
    const aborted = report.accounts.filter((result) => result.error?.code === 'ABORTED');
    expect(audited.length).toBeGreaterThanOrEqual(4);
    expect(aborted.length).toBeGreaterThan(0);
    expect(
      audited.length +
        aborted.length +
        report.summary.skipped +
        report.accounts.filter((r) => r.error?.code === 'AWS_ACCESS_DENIED').length,
    ).toBe(report.accounts.length);
    for (const result of audited) {
      expect(result.rootCredentials).toEqual(
        expectedCredentials(fixture.sandbox.admin.rootCredentials(result.accountId)),
      );
    }
  });

  it('starts auditing before the account listing ends (pipelining)', async () => {
    fixture = await startSandbox({ scenario: 'generated:200:5', latencyMs: 20 });
    await fixture.engine().audit();
    const calls = fixture.sandbox.admin.calls();
    const firstAssume =
      calls.find((call) => call.operation === 'AssumeRoot')?.seq ?? Number.POSITIVE_INFINITY;
    const listings = calls.filter((call) => call.operation === 'ListAccounts');
    expect(listings.length).toBeGreaterThan(5);
    expect(firstAssume).toBeLessThan(listings.at(-1)?.seq ?? 0);
  });
});
