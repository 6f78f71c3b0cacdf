import { createSandbox, loadScenario } from '@rootwarden/aws-sandbox';
import { AuditReportSchema, OrgStatusSchema } from '@rootwarden/core';
import { describe, expect, it } from 'vitest';
import { type Fixture, startFixture, waitForAudit } from './helpers.js';

// Issue 9 through the HTTP API: the same codes and fixes as the CLI and the MCP server.
async function withFixture(
  options: Parameters<typeof startFixture>[0],
  body: (fixture: Fixture) => Promise<void>,
): Promise<void> {
  const fixture = await startFixture(options);
  try {
    await body(fixture);
  } finally {
    await fixture.close();
  }
}

async function audit(fixture: Fixture): Promise<Record<string, unknown>> {
  const response = await fixture.request('/v1/audits', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return waitForAudit((path) => fixture.request(path), id);
}

describe('real AWS semantics in the HTTP API', () => {
  it('a least-privilege delegated-admin role: organization status and a full audit', async () => {
    const sandbox = createSandbox({ scenario: 'real-world' });
    await withFixture(
      { reuseSandbox: sandbox, engine: { credentials: sandbox.principal('least-privilege') } },
      async (fixture) => {
        const org = await fixture.request('/v1/organization');
        expect(org.status).toBe(200);
        const status = OrgStatusSchema.parse(await org.json());
        expect(status.caller.role).toBe('delegated-admin');
        expect(status.problems).toEqual([]);
        expect(status.missingPermissions.map((missing) => missing.permission)).toContain(
          'organizations:ListDelegatedAdministrators',
        );
        const done = await audit(fixture);
        expect(done.status).toBe('succeeded');
        const report = AuditReportSchema.parse(done.report);
        expect(report.summary).toMatchObject({ accounts: 6, skipped: 1, unknown: 1 });
        expect(report.warnings?.map((warning) => warning.code)).toEqual(['OU_NAMES_UNAVAILABLE']);
      },
    );
  });

  it('STS deactivated in the region: the audit fails once with STS_REGION_DISABLED and the fix', async () => {
    await withFixture(
      { sandbox: { scenario: 'real-world' }, engine: { region: 'ap-east-1' } },
      async (fixture) => {
        const done = await audit(fixture);
        expect(done.status).toBe('failed');
        expect(done.error).toMatchObject({
          code: 'STS_REGION_DISABLED',
          fix: expect.stringContaining('Activate STS in this region'),
        });
      },
    );
  });

  it.each(['aws-cn', 'aws-us-gov'] as const)(
    'a caller in %s: 502 PARTITION_NOT_SUPPORTED with the fix',
    async (partition) => {
      const scenario = loadScenario('real-world');
      scenario.partition = partition;
      await withFixture({ sandbox: { scenario } }, async (fixture) => {
        const response = await fixture.request('/v1/plans', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ task: 'allow-password-recovery', account: '400000000005' }),
        });
        expect(response.status).toBe(502);
        const body = (await response.json()) as { error: { code: string; message: string; fix: string } };
        expect(body.error.code).toBe('PARTITION_NOT_SUPPORTED');
        expect(body.error.message).toContain(partition);
        expect(body.error.fix).toContain('aws partition');
        expect(fixture.sandbox.admin.calls().filter((call) => call.operation === 'AssumeRoot')).toEqual([]);
      });
    },
  );
});
