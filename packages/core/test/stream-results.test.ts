import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountAuditResult } from '../src/domain/audit.js';
import { type SandboxFixture, startSandbox } from './sandbox.js';

describe('streamed audit results', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'generated:60:3', quotas: { enabled: false } });
  });
  afterAll(() => fixture.close());

  const withoutTime = (result: AccountAuditResult) => ({ ...result, auditedAt: null });

  it('hands each result out once and keeps none: same results and summary as a kept report', async () => {
    const kept = await fixture.engine().audit();
    const streamed: AccountAuditResult[] = [];
    const report = await fixture.engine().audit(
      {},
      {
        streamResults: true,
        onEvent: (event) => {
          if (event.type === 'account-done') streamed.push(event.result);
        },
      },
    );
    expect(report.accounts).toEqual([]);
    expect(report.summary).toEqual(kept.summary);
    expect(new Set(streamed.map((result) => result.accountId)).size).toBe(streamed.length);
    expect(streamed.map(withoutTime).sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual(
      kept.accounts.map(withoutTime),
    );
  });

  it('an interrupted streamed audit still hands out every listed account (unfinished ones ABORTED)', async () => {
    const controller = new AbortController();
    const streamed: AccountAuditResult[] = [];
    const report = await fixture.engine().audit(
      { concurrency: 2 },
      {
        signal: controller.signal,
        streamResults: true,
        onEvent: (event) => {
          if (event.type === 'inventory-page') controller.abort();
          if (event.type === 'account-done') streamed.push(event.result);
        },
      },
    );
    expect(report.complete).toBe(false);
    expect(report.summary.accounts).toBe(streamed.length);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.some((result) => result.error?.code === 'ABORTED')).toBe(true);
  });
});
