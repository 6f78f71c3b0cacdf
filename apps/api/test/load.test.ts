import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientFor, type Fixture, startFixture, waitForAudit } from './helpers.js';

// The light version of scripts/load.mjs: correctness under load only (no timing assertions here; the
// script reports requests/s and latency). Default limits: one token's burst covers 200 requests at once.
describe('200 concurrent mixed reads while 5 audits run, over real HTTP', () => {
  let fixture: Fixture;
  let client: { request: Client; close(): Promise<void> };
  beforeAll(async () => {
    fixture = await startFixture({ sandbox: { scenario: 'generated:40' } });
    client = await clientFor(fixture, 'http');
  });
  afterAll(async () => {
    await client.close();
    await fixture.close();
  });

  it('answers every request without error and loses no audit', async () => {
    const accepted = await Promise.all(
      Array.from({ length: 5 }, () => client.request('/v1/audits', { method: 'POST', as: 'audit' })),
    );
    expect(accepted.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = await Promise.all(
      accepted.map(async (response) => ((await response.json()) as { id: string }).id),
    );
    const paths = ['/v1/organization', '/v1/accounts', '/v1/audits', '/healthz', '/openapi.json'];
    const reads = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const path = index % 6 === 5 ? `/v1/audits/${ids[index % ids.length]}` : (paths[index % 6] as string);
        const response = await client.request(path, { as: 'read' });
        await response.arrayBuffer();
        return `${response.status} ${path}`;
      }),
    );
    expect(reads.filter((line) => !line.startsWith('200 '))).toEqual([]);
    for (const id of ids) {
      const job = await waitForAudit((path) => client.request(path, { as: 'read' }), id, 120_000);
      expect(job.status, id).toBe('succeeded');
    }
    const listed = (await (await client.request('/v1/audits?limit=50', { as: 'read' })).json()) as {
      audits: { auditId: string }[];
    };
    expect(listed.audits.map((audit) => audit.auditId)).toEqual(expect.arrayContaining(ids));
    expect(fixture.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
