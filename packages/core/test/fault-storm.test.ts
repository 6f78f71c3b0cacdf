import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/domain/events.js';
import { expectedCredentials } from './expected.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

// Issue 16 point 8: under a storm of random faults (throttles, 5xx, dropped connections on half of all
// requests) an audit still finishes with every account present and correct. Speed is measured with
// `pnpm bench -- --fault-rate 0.5` (not here: no timing assertions on shared machines).

let fixture: SandboxFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('fault storm', () => {
  it('50% random faults: the audit completes and every account is correct', async () => {
    fixture = await startSandbox({
      scenario: 'generated:150:3',
      seed: 5,
      faults: [{ rate: 0.5, kind: 'random' }],
    });
    const events: EngineEvent[] = [];
    const report = await fixture.engine().audit({}, { onEvent: (event) => events.push(event) });

    const admin = fixture.sandbox.admin;
    expect(report.complete).toBe(true);
    expect(report.accounts).toHaveLength(admin.scenario().accounts);
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
    const injected = admin.calls().filter((call) => call.injected === 'fault' || call.injected === 'drop');
    expect(injected.length).toBeGreaterThan(500);
    // Scattered throttles among many answers do not starve the audit: concurrency never fell to 1.
    const lowest = Math.min(
      32,
      ...events.flatMap((event) => (event.type === 'concurrency-changed' ? [event.concurrency] : [])),
    );
    expect(lowest).toBeGreaterThan(1);
  }, 300_000);
});
