import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDiff } from '../src/domain/audit-diff.js';
import { issuedSecrets, type SandboxFixture, startSandbox, TRANSPORTS } from './sandbox.js';

const ACCOUNT1 = '111111111111';
const ACCOUNT2 = '222222222222';
const ACCOUNT3 = '333333333333';
const ACCOUNT1_KEY = 'AKIA6FU7H6FWXAD6YL54';
const ACCOUNT1_MFA = 'arn:aws:iam::111111111111:mfa/Authapp';

describe.each(TRANSPORTS)('drift between saved audits (%s)', (transport) => {
  let blog: SandboxFixture;
  let home: string;
  beforeAll(async () => {
    blog = await startSandbox({ scenario: 'blog' });
    home = join(mkdtempSync(join(tmpdir(), 'rootwarden-drift-')), 'home');
  });
  afterAll(async () => {
    await blog.close();
    rmSync(join(home, '..'), { recursive: true, force: true });
  });

  it('audit, change the sandbox, audit again: the diff shows exactly those changes', async () => {
    const admin = blog.sandbox.admin;
    admin.reset();
    const engine = blog.engine({ transport, home });
    const first = await engine.audit();

    // What drift looks like: a root password re-created, a root key added, an MFA device removed, a
    // key deactivated.
    admin.createLoginProfile(ACCOUNT2, { createDate: '2026-01-05T10:00:00Z' });
    const added = admin.addAccessKey(ACCOUNT3, { status: 'Active' }).accessKeys[0]?.accessKeyId;
    admin.removeMfaDevice(ACCOUNT1, ACCOUNT1_MFA);
    admin.updateAccessKey(ACCOUNT1, ACCOUNT1_KEY, { status: 'Inactive' });
    const second = await engine.audit();

    const diff = await engine.diffAudits();
    expect([diff.before.auditId, diff.after.auditId]).toEqual([first.auditId, second.auditId]);
    expect(diff.organizationId).toBe('o-8j81brsjuj');
    expect(diff.drift).toBe(true);
    expect(diff.accounts).toEqual<AccountDiff[]>([
      {
        accountId: ACCOUNT1,
        name: 'Account1',
        change: 'changed',
        statusBefore: 'exposed',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'access-key', id: ACCOUNT1_KEY, change: 'status-changed', from: 'Active', to: 'Inactive' },
          { kind: 'mfa-device', id: ACCOUNT1_MFA, change: 'disappeared', from: 'virtual', to: null },
        ],
      },
      {
        accountId: ACCOUNT2,
        name: 'Account2',
        change: 'changed',
        statusBefore: 'clean',
        statusAfter: 'exposed',
        credentials: [
          {
            kind: 'password',
            id: 'password',
            change: 'appeared',
            from: null,
            to: '2026-01-05T10:00:00.000Z',
          },
        ],
      },
      {
        accountId: ACCOUNT3,
        name: 'Account3',
        change: 'changed',
        statusBefore: 'clean',
        statusAfter: 'exposed',
        credentials: [
          { kind: 'access-key', id: added as string, change: 'appeared', from: null, to: 'Active' },
        ],
      },
    ]);
    expect(diff.summary).toEqual({
      accountsCompared: 7,
      accountsAdded: 0,
      accountsRemoved: 0,
      accountsChanged: 3,
      statusChanges: 2,
      credentialsAppeared: 2,
      credentialsDisappeared: 1,
      credentialsChanged: 1,
    });
    expect(diff.warnings).toEqual([]);

    // The saved reports are the reports the audits returned.
    expect(await engine.getAudit(first.auditId)).toEqual(first);
    expect((await engine.listAudits()).map((audit) => audit.auditId)).toEqual([
      second.auditId,
      first.auditId,
    ]);

    // Nothing changed since: no drift.
    await engine.audit();
    expect((await engine.diffAudits()).drift).toBe(false);

    // A password deleted and re-created between two audits.
    admin.deleteLoginProfile(ACCOUNT2);
    admin.createLoginProfile(ACCOUNT2, { createDate: '2026-02-01T00:00:00Z' });
    await engine.audit();
    expect((await engine.diffAudits()).accounts).toEqual([
      expect.objectContaining({
        accountId: ACCOUNT2,
        credentials: [
          {
            kind: 'password',
            id: 'password',
            change: 'replaced',
            from: '2026-01-05T10:00:00.000Z',
            to: '2026-02-01T00:00:00.000Z',
          },
        ],
      }),
    ]);
  });

  it('the database holds no secret the sandbox issued', async () => {
    const engine = blog.engine({ transport, home });
    await engine.audit({}, { save: true });
    await engine.close();
    const bytes = ['', '-wal']
      .map((suffix) => join(home, `rootwarden.db${suffix}`))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    const secrets = issuedSecrets(blog.sandbox);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets)
      expect(bytes.includes(secret), 'a sandbox secret is in the database').toBe(false);
  });
});
