import { createSandbox, loadScenario, type SandboxOptions } from '@rootwarden/aws-sandbox';
import { createEngine, OrgStatusSchema } from '@rootwarden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditResultSchema } from '../src/audit-result.js';
import { type Connected, connectInMemory, errorOf, textOf } from './helpers.js';

// Issue 9 through the MCP server with a real client: the same codes and fixes as the CLI and the API.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connect(
  scenario: SandboxOptions['scenario'],
  options: { principal?: string; region?: string } = {},
): Promise<Connected> {
  const sandbox = createSandbox({ scenario });
  const server = await sandbox.listen({ port: 0 });
  const who = options.principal ? sandbox.principal(options.principal) : sandbox.managementPrincipal();
  const engine = createEngine({
    region: options.region ?? 'us-east-1',
    endpoint: server.url,
    credentials: who,
    store: false,
  });
  const connection = await connectInMemory({ engine });
  cleanups.push(
    () => server.close(),
    () => engine.close(),
    () => connection.close(),
  );
  return connection;
}

describe('real AWS semantics in the MCP server', () => {
  it('a least-privilege delegated-admin role: status with its missing permissions, and a full audit', async () => {
    const { client } = await connect('real-world', { principal: 'least-privilege' });
    const statusResult = await client.callTool({ name: 'get-org-status', arguments: {} });
    expect(statusResult.isError).toBeFalsy();
    const status = OrgStatusSchema.parse(statusResult.structuredContent);
    expect(status.caller.role).toBe('delegated-admin');
    expect(textOf(statusResult)).toContain('Optional permissions this caller lacks');
    expect(textOf(statusResult)).toContain('No problems found.');

    const auditResult = await client.callTool({ name: 'audit-root-credentials', arguments: {} });
    expect(auditResult.isError).toBeFalsy();
    const audit = AuditResultSchema.parse(auditResult.structuredContent);
    expect(audit.summary).toMatchObject({ accounts: 6, skipped: 1, unknown: 1 });
    expect(audit.warnings?.map((warning) => warning.code)).toEqual(['OU_NAMES_UNAVAILABLE']);
    expect(textOf(auditResult)).toContain('Warning (OU_NAMES_UNAVAILABLE)');
  });

  it('STS deactivated in the region: one tool error STS_REGION_DISABLED with the fix', async () => {
    const { client } = await connect('real-world', { region: 'ap-east-1' });
    const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} });
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({
      code: 'STS_REGION_DISABLED',
      kind: 'setup',
      fix: expect.stringContaining('Activate STS in this region'),
    });
  });

  it.each(['aws-cn', 'aws-us-gov'] as const)(
    'a caller in %s: PARTITION_NOT_SUPPORTED with the fix',
    async (partition) => {
      const scenario = loadScenario('real-world');
      scenario.partition = partition;
      const { client } = await connect(scenario);
      const result = await client.callTool({ name: 'audit-root-credentials', arguments: {} });
      expect(result.isError).toBe(true);
      expect(errorOf(result)).toMatchObject({
        code: 'PARTITION_NOT_SUPPORTED',
        kind: 'setup',
        fix: expect.stringContaining('aws partition'),
      });
      expect(textOf(result)).toContain(`partition ${partition}`);
    },
  );
});
