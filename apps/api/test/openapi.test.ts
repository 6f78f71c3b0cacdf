import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers.js';

describe('GET /openapi.json', () => {
  let fixture: Fixture;
  let document: Record<string, unknown> & {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
    components: { schemas: Record<string, unknown> };
  };
  beforeAll(async () => {
    fixture = await startFixture();
    document = (await (await fixture.api.app.request('/openapi.json')).json()) as typeof document;
  });
  afterAll(() => fixture.close());

  it('is a valid OpenAPI 3.1 document (validated by @readme/openapi-parser)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI' });
    expect(result.warnings).toEqual([]);
  });

  it('names core’s schemas as components and gives every route the one error shape', () => {
    for (const name of [
      'AuditInput',
      'AuditReport',
      'AuditDiff',
      'OrgStatus',
      'Inventory',
      'CreatePlanInput',
      'Plan',
      'ApplyResult',
      'Error',
    ]) {
      expect(document.components.schemas, name).toHaveProperty(name);
    }
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (path === '/healthz' || path === '/readyz') continue;
        expect(operation.security, `${method} ${path}`).toBeDefined();
        expect(operation.responses, `${method} ${path}`).toHaveProperty('401');
        expect(JSON.stringify(operation.responses['401'])).toContain('#/components/schemas/Error');
      }
    }
  });

  it('matches the snapshot (the API contract: review every change)', async () => {
    const stable = { ...document, info: { ...document.info, version: '<version>' } };
    await expect(`${JSON.stringify(stable, null, 2)}\n`).toMatchFileSnapshot('__snapshots__/openapi.json');
  });
});
