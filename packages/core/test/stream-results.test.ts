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

describe('results wait only for their own OU names', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await startSandbox({ scenario: 'generated:60:3', quotas: { enabled: false } });
  });
  afterAll(() => fixture.close());

  it('an account is reported once its path is named, while the OUs are still being listed', async () => {
    // Every ListOrganizationalUnitsForParent waits here until the test lets it go: the walk has
    // named the root (ListRoots), and no OU.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = fixture.sandbox.requestHandler;
    const gated = {
      handle: async (request: { headers: Record<string, string> }, options?: unknown) => {
        if (request.headers['x-amz-target']?.endsWith('.ListOrganizationalUnitsForParent')) await gate;
        return handler.handle(request as never, options as never);
      },
    };
    const total = fixture.sandbox.admin.scenario().accounts;
    const doneBeforeRelease: AccountAuditResult[] = [];
    let released = false;
    let audited = 0;
    const report = await fixture
      .engine({ endpoint: 'http://sandbox.in-process', requestHandler: gated as never })
      .audit(
        {},
        {
          streamResults: false,
          onEvent: (event) => {
            if (event.type === 'account-done' && !released) doneBeforeRelease.push(event.result);
            // Every account audited (or skipped): only the OU names are missing.
            if (event.type !== 'account-audited') return;
            audited += 1;
            if (audited === total) {
              released = true;
              release();
            }
          },
        },
      );
    expect(report.complete).toBe(true);
    // Exactly the accounts right under the root, with its name; the others waited for their OUs'.
    const shallow = report.accounts.filter((result) => result.ouPath.length === 1);
    expect(shallow.length).toBeGreaterThan(0);
    expect(shallow.length).toBeLessThan(report.accounts.length);
    expect(doneBeforeRelease.map((result) => result.accountId).sort()).toEqual(
      shallow.map((result) => result.accountId),
    );
    const byId = new Map(report.accounts.map((result) => [result.accountId, result]));
    for (const result of doneBeforeRelease) expect(result.ouPath).toEqual(byId.get(result.accountId)?.ouPath);
  });
});
