import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAN_MOUNT, mountSmallFilesystem, type SmallFilesystem } from '@rootwarden/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, startFixture, temporaryDirectory, waitForAudit } from './helpers.js';

// A full or read-only disk never costs the report (issue 16.5): the job names the real cause, the
// client still gets its report, and /readyz says the store is not ready and why.
let fixture: Fixture | undefined;
let disk: SmallFilesystem | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  disk?.remove();
  disk = undefined;
});

async function readiness(request: Fixture['request']) {
  const response = await request('/readyz', { as: null });
  const body = (await response.json()) as { status: string; checks: Record<string, string> };
  return { status: response.status, body: { status: body.status, checks: body.checks } };
}

describe('a store that cannot be opened: /readyz names the cause', () => {
  it('an uncreatable home (a file in the way): STORE_UNAVAILABLE, ENOTDIR', async () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'a-file'), 'x');
    fixture = await startFixture({ sandbox: { scenario: 'blog' }, home: join(dir, 'a-file', 'home') });
    expect(await readiness(fixture.request)).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { store: 'STORE_UNAVAILABLE', storeCause: 'ENOTDIR' } },
    });
  });

  it.skipIf(!CAN_MOUNT)('a read-only home (a read-only tmpfs): STORE_UNAVAILABLE, EROFS', async () => {
    disk = mountSmallFilesystem(256 * 1024, true);
    fixture = await startFixture({ sandbox: { scenario: 'blog' }, home: join(disk?.path as string, 'home') });
    expect(await readiness(fixture.request)).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { store: 'STORE_UNAVAILABLE', storeCause: 'EROFS' } },
    });
  });
});

describe.skipIf(!CAN_MOUNT)('a disk that fills up during an audit (a small tmpfs)', () => {
  it('the job names SQLITE_FULL, the report is still served, /readyz is not ready', {
    timeout: 180_000,
  }, async () => {
    disk = mountSmallFilesystem(512 * 1024);
    const home = join(disk?.path as string, 'home');
    mkdirSync(home);
    // The empty history and its job fit in 512 KiB; the report of 300 accounts (with its WAL) does not.
    fixture = await startFixture({ sandbox: { scenario: 'generated:300' }, home });
    const { request } = fixture;
    expect(await readiness(request)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: 'ok' } },
    });

    const started = await request('/v1/audits', { method: 'POST', as: 'audit' });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const job = (await waitForAudit((path) => request(path, { as: 'read' }), id, 150_000)) as {
      status: string;
      error: { code: string; message: string; fix?: string; details?: { cause?: string } } | null;
      report?: { auditId: string; complete: boolean; accounts: unknown[] };
    };
    // The audit itself completed: only its save failed, and the job says so with the real cause.
    expect(job.status).toBe('succeeded');
    expect(job.error).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { cause: 'SQLITE_FULL' } });
    expect(job.error?.message).toContain('SQLITE_FULL');
    expect(job.error?.message).not.toContain('rollback');
    expect(job.error?.fix).toContain('writable directory with free space');
    expect(job.report).toMatchObject({ auditId: id, complete: true });
    expect(job.report?.accounts).toHaveLength(300);

    const report = await request(`/v1/audits/${id}/report?format=csv`, { as: 'read' });
    expect(report.status).toBe(200);
    expect((await report.text()).trim().split('\r\n')).toHaveLength(1 + 300);

    expect(await readiness(request)).toEqual({
      status: 503,
      body: { status: 'not-ready', checks: { store: 'STORE_UNAVAILABLE', storeCause: 'SQLITE_FULL' } },
    });
  });
});
