import {
  AuditDiffSchema,
  AuditReportSchema,
  InventorySchema,
  OrgStatusSchema,
  PlanSchema,
  PolicyCheckSchema,
} from '@rootwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, parseSse, serveFixture, startFixture, TOKENS, waitForAudit } from './helpers.js';

// Every route, once through `app.request` (no server) and once through a real HTTP server on an ephemeral
// port with a real client (Node's fetch), against the sandbox.
const TRANSPORTS = ['app.request', 'http'] as const;

describe.each(TRANSPORTS)('every route via %s', (transport) => {
  let fixture: Fixture;
  let server: { url: string; close(): Promise<void> } | undefined;
  const call = (path: string, init: RequestInit & { as?: 'read' | 'audit' | 'remediate' } = {}) => {
    if (transport === 'app.request') return fixture.request(path, init);
    const { as = 'remediate', ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${TOKENS[as]}`);
    return fetch(`${server?.url}${path}`, { ...rest, headers });
  };
  const get = (path: string) => call(path, { as: 'read' });
  const startAudit = async (body?: unknown) => {
    const response = await call('/v1/audits', {
      method: 'POST',
      as: 'audit',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as {
      id: string;
      auditId: string;
      status: string;
      links: Record<string, string>;
    };
  };

  beforeAll(async () => {
    fixture = await startFixture();
    if (transport === 'http') server = await serveFixture(fixture);
  });
  afterAll(async () => {
    await server?.close();
    await fixture.close();
  });

  it('GET /healthz and /readyz answer without a token', async () => {
    const health = await (transport === 'http'
      ? fetch(`${server?.url}/healthz`)
      : fixture.api.app.request('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      // Never disabled: the guard's break-glass task runs on every tick even with no schedule. This
      // in-process app is not started (the rootwarden-api process starts it), so it is `starting`.
      scheduler: {
        state: 'starting',
        schedules: 0,
        nextDueAt: null,
        lastTickAt: null,
        lastError: null,
        errors: 0,
      },
    });
    const ready = await (transport === 'http'
      ? fetch(`${server?.url}/readyz`)
      : fixture.api.app.request('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { store: 'ok' },
      scheduler: { state: 'starting' },
    });
  });

  it('GET /v1/organization returns the org status', async () => {
    const response = await get('/v1/organization');
    expect(response.status).toBe(200);
    const status = OrgStatusSchema.parse(await response.json());
    expect(status.caller.role).toBe('management');
    expect(status.capabilities.audit).toBe(true);
  });

  it('GET /v1/policies/check predicts per account and task, filtered by task and account', async () => {
    const response = await get('/v1/policies/check?task=audit&account=111111111111');
    expect(response.status).toBe(200);
    const check = PolicyCheckSchema.parse(await response.json());
    expect(check.available).toBe(true);
    expect(check.tasks).toEqual(['audit']);
    expect(check.accounts.map((a) => [a.accountId, a.tasks.map((t) => t.verdict)])).toEqual([
      ['111111111111', ['allowed']],
    ]);
    expect((await get('/v1/policies/check?task=nuke')).status).toBe(400);
  });

  it('GET /v1/accounts returns the inventory, optionally under OUs', async () => {
    const response = await get('/v1/accounts');
    expect(response.status).toBe(200);
    const inventory = InventorySchema.parse(await response.json());
    expect(inventory.accounts.map((account) => account.accountId)).toContain('111111111111');
    const rootId = inventory.accounts[0]?.ouPath[0]?.id as string;
    const under = await get(`/v1/accounts?ou=${rootId}&ou=${rootId}`);
    expect(under.status).toBe(200);
    expect(InventorySchema.parse(await under.json()).accounts).toHaveLength(inventory.accounts.length);
  });

  it('POST /v1/audits → 202, GET shows progress then the report; report formats; list; events; diff', async () => {
    const accepted = await startAudit();
    expect(accepted.status).toBe('queued');
    expect(accepted.links.events).toBe(`/v1/audits/${accepted.id}/events`);
    const done = await waitForAudit(get, accepted.id);
    expect(done.status).toBe('succeeded');
    expect(done.auditId).toBe(accepted.id);
    const report = AuditReportSchema.parse(done.report);
    expect(report.auditId).toBe(accepted.id);
    expect(done.progress).toEqual({ done: report.summary.accounts, total: report.summary.accounts });
    expect(report.accounts.find((account) => account.accountId === '111111111111')?.status).toBe('exposed');

    const json = await get(`/v1/audits/${accepted.id}/report`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(AuditReportSchema.parse(await json.json()).auditId).toBe(accepted.id);
    const csv = await get(`/v1/audits/${accepted.id}/report?format=csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain('111111111111');
    const markdown = await get(`/v1/audits/${accepted.id}/report?format=markdown`);
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await markdown.text()).toMatch(/^#/);
    const sarif = await get(`/v1/audits/${accepted.id}/report?format=sarif`);
    expect(sarif.headers.get('content-type')).toBe('application/sarif+json');
    expect(((await sarif.json()) as { version: string }).version).toBe('2.1.0');

    // A prefix of a saved audit works where a full id is not required.
    const prefix = await get(`/v1/audits/${accepted.id.slice(0, 8)}`);
    expect(((await prefix.json()) as { id: string }).id).toBe(accepted.id);

    const list = await get('/v1/audits?limit=5');
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { audits: { auditId: string }[]; jobs: unknown[] };
    expect(listed.audits.map((audit) => audit.auditId)).toContain(accepted.id);
    // One field name for an audit's id across the API: what POST answered is what the list shows.
    expect(accepted.auditId).toBe(accepted.id);

    const events = await get(`/v1/audits/${accepted.id}/events`);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const [final] = parseSse(await events.text());
    expect(final).toMatchObject({ event: 'completed', data: { id: accepted.id, status: 'succeeded' } });

    // Drift: a new root access key on Account2 between two audits.
    fixture.sandbox.admin.addAccessKey('222222222222', {
      accessKeyId: 'AKIADRIFT0000000TEST',
      status: 'Active',
    });
    try {
      const second = await startAudit({ recentDays: 30 });
      expect((await waitForAudit(get, second.id)).status).toBe('succeeded');
      const diffResponse = await get(`/v1/audits/${accepted.id}/diff/${second.id}`);
      expect(diffResponse.status).toBe(200);
      const diff = AuditDiffSchema.parse(await diffResponse.json());
      expect(JSON.stringify(diff)).toContain('AKIADRIFT0000000TEST');
      const markdownDiff = await get(`/v1/audits/${accepted.id}/diff/${second.id}?format=markdown`);
      expect(markdownDiff.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(await markdownDiff.text()).toContain('222222222222');
    } finally {
      fixture.sandbox.admin.removeAccessKey('222222222222', 'AKIADRIFT0000000TEST');
    }
  });

  it('POST /v1/audits with a selection audits only those accounts', async () => {
    const accepted = await startAudit({ accounts: ['111111111111'], concurrency: 2 });
    const done = await waitForAudit(get, accepted.id);
    expect(done.input).toMatchObject({ accounts: ['111111111111'], concurrency: 2 });
    const report = AuditReportSchema.parse(done.report);
    expect(report.selection.accounts).toEqual(['111111111111']);
  });

  it('an audit that fails shows its error and has no report (409)', async () => {
    const accepted = await startAudit({ accounts: ['999999999999'] });
    const done = await waitForAudit(get, accepted.id);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'ACCOUNT_NOT_IN_ORG' }, auditId: null });
    const report = await get(`/v1/audits/${accepted.id}/report`);
    expect(report.status).toBe(409);
    expect(((await report.json()) as { error: { code: string } }).error.code).toBe('AUDIT_HAS_NO_REPORT');
    const listed = (await (await get('/v1/audits')).json()) as { jobs: { id: string; status: string }[] };
    expect(listed.jobs).toContainEqual(expect.objectContaining({ id: accepted.id, status: 'failed' }));
  });

  it('POST /v1/plans → 201, GET /v1/plans/{id}; an unknown plan is 404 PLAN_NOT_FOUND', async () => {
    const created = await call('/v1/plans', {
      method: 'POST',
      as: 'audit',
      body: JSON.stringify({ task: 'allow-password-recovery', account: '222222222222' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const plan = PlanSchema.parse(await created.json());
    const shown = await get(`/v1/plans/${plan.planId}`);
    expect(shown.status).toBe(200);
    expect(PlanSchema.parse(await shown.json())).toEqual(plan);
    const response = await get('/v1/plans/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error).toMatchObject({
      code: 'PLAN_NOT_FOUND',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('GET /openapi.json and /docs are public', async () => {
    const fetchPublic = (path: string) =>
      transport === 'http' ? fetch(`${server?.url}${path}`) : fixture.api.app.request(path);
    const document = await fetchPublic('/openapi.json');
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const page = await fetchPublic('/docs');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/docs/app.js');
    expect((await fetchPublic('/docs/app.js')).status).toBe(200);
    expect((await fetchPublic('/docs/app.css')).status).toBe(200);
  });
});
