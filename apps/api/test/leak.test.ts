import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientFor,
  type Fixture,
  issuedSecrets,
  startFixture,
  TOKENS,
  TRANSPORTS,
  waitForAudit,
} from './helpers.js';

// No session credential (every secret the sandbox issued, read from its admin surface) may appear in any
// response, SSE event, log line or stored job; nor may an API token appear in the logs.
describe('leak test', () => {
  let fixture: Fixture;
  const seen: string[] = [];

  beforeAll(async () => {
    fixture = await startFixture({ sandbox: { scenario: 'blog' } });
    for (const transport of TRANSPORTS) {
      const client = await clientFor(fixture, transport);
      const call = async (path: string, init: Parameters<typeof client.request>[1] = {}) => {
        const response = await client.request(path, init);
        seen.push(
          `${response.status} ${JSON.stringify([...response.headers])}\n${await response.clone().text()}`,
        );
        return response;
      };
      try {
        await call('/v1/organization', { as: 'read' });
        await call('/v1/accounts', { as: 'read' });
        const ids: string[] = [];
        for (let round = 0; round < 2; round += 1) {
          const started = await client.request('/v1/audits', { method: 'POST', as: 'audit' });
          const { id } = (await started.json()) as { id: string };
          ids.push(id);
          await call(`/v1/audits/${id}/events`, { as: 'read' });
          seen.push(JSON.stringify(await waitForAudit((path) => client.request(path, { as: 'read' }), id)));
        }
        for (const format of ['json', 'csv', 'markdown', 'sarif'])
          await call(`/v1/audits/${ids[0]}/report?format=${format}`, { as: 'read' });
        await call('/v1/audits', { as: 'read' });
        await call(`/v1/audits/${ids[0]}/diff/${ids[1]}`, { as: 'read' });
        await call(`/v1/audits/${ids[0]}/diff/${ids[1]}?format=markdown`, { as: 'read' });
        const created = await call('/v1/plans', {
          method: 'POST',
          as: 'audit',
          body: JSON.stringify({ task: 'delete-root-credentials', accounts: ['111111111111'] }),
          headers: { 'content-type': 'application/json' },
        });
        const { planId } = (await created.json()) as { planId: string };
        await call(`/v1/plans/${planId}`, { as: 'read' });
        for (let attempt = 0; attempt < 2; attempt += 1)
          await call(`/v1/plans/${planId}/apply`, {
            method: 'POST',
            headers: { 'idempotency-key': `leak-${transport}` },
          });
        await call('/v1/plans/00000000-0000-4000-8000-000000000000', { as: 'read' });
        await call('/v1/audits', {
          method: 'POST',
          as: 'audit',
          body: '{"accounts":["999999999999"]}',
          headers: { 'content-type': 'application/json' },
        });
      } finally {
        await client.close();
      }
    }
  });
  afterAll(() => fixture.close());

  it('the sandbox issued root-session secrets (the test is meaningful)', () => {
    const kinds = new Set(fixture.sandbox.admin.secrets().map((secret) => secret.kind));
    expect(kinds).toContain('session-secret-access-key');
    expect(kinds).toContain('session-token');
  });

  it('no secret in any response or SSE event', () => {
    const secrets = issuedSecrets(fixture.sandbox);
    const text = seen.join('\n');
    expect(text).toContain('event: completed');
    expect(text).toContain('"status":"applied"');
    for (const secret of secrets)
      expect(text.includes(secret), 'a secret leaked into a response').toBe(false);
  });

  it('no secret, and no API token, in any log line', () => {
    const text = fixture.logs.join('\n');
    expect(fixture.logs.length).toBeGreaterThan(20);
    for (const secret of [...issuedSecrets(fixture.sandbox), ...Object.values(TOKENS)])
      expect(text.includes(secret), 'a secret leaked into the log').toBe(false);
  });

  it('no secret in any stored job, nor anywhere in the database files', async () => {
    const jobs = await (await fixture.engine.jobs()).listJobs({ limit: 1000 });
    expect(jobs.length).toBeGreaterThan(2);
    const stored = JSON.stringify(jobs);
    const files = readdirSync(fixture.home).map((name) =>
      readFileSync(join(fixture.home, name)).toString('latin1'),
    );
    for (const secret of issuedSecrets(fixture.sandbox)) {
      expect(stored.includes(secret), 'a secret leaked into a job').toBe(false);
      for (const file of files)
        expect(file.includes(secret), 'a secret leaked into the database').toBe(false);
    }
  });
});
