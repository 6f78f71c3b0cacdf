import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createSandbox,
  generateScenario,
  loadScenario,
  ScenarioError,
  ScenarioSchema,
} from '../src/index.js';
import { blogScenario } from '../src/scenarios/built-ins.js';

function problems(input: unknown): string[] {
  try {
    loadScenario(JSON.stringify(input));
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  return [];
}

describe('built-in scenarios', () => {
  it('all validate against the schema', () => {
    for (const name of ['blog', 'clean', 'exposed']) {
      const scenario = loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(ScenarioSchema.safeParse(scenario).success).toBe(true);
    }
  });

  it('blog mirrors the seed organization', () => {
    const s = loadScenario('blog');
    expect(s.organization).toMatchObject({
      id: 'o-8j81brsjuj',
      managementAccountId: '123456789012',
      rootFeatures: ['RootCredentialsManagement'],
    });
    expect(s.accounts.map((a) => a.name)).toEqual([
      'Management',
      'Account1',
      'Account2',
      'Account3',
      'Account4',
      'Account5',
      'Account6',
    ]);
    const account1 = s.accounts[1]?.rootUser;
    expect(account1?.accessKeys).toHaveLength(1);
    expect(account1?.mfaDevices[0]?.serialNumber).toBe('arn:aws:iam::111111111111:mfa/Authapp');
    expect(s.accounts[6]?.rootUser).toMatchObject({
      passwordLastUsed: '2025-06-18T02:05:10Z',
      accessKeys: [],
      mfaDevices: [],
    });
    expect(s.principals.map((p) => p.name)).toEqual(
      expect.arrayContaining(['management', 'delegated-admin', 'no-rights', 'management-root']),
    );
  });

  it('exposed has every kind of finding', () => {
    const sandbox = createSandbox({ scenario: 'exposed' });
    const states = sandbox.admin;
    const kinds = new Set<string>();
    for (let n = 0; n <= 13; n += 1)
      for (const d of states.rootCredentials(String(300000000000 + n)).mfaDevices) kinds.add(d.kind);
    expect(kinds).toEqual(new Set(['virtual', 'fido', 'hardware']));
    const payments = states.rootCredentials('300000000003');
    expect(payments.accessKeys.map((k) => k.status)).toEqual(['Active', 'Inactive']);
    expect(payments.accessKeys[1]?.lastUsed).toBeNull();
    expect(Date.parse(payments.accessKeys[0]?.lastUsed?.date ?? '')).toBeGreaterThan(
      Date.now() - 3 * 86_400_000,
    );
  });
});

describe('generated scenarios', () => {
  // How fast it builds is `pnpm bench`'s business, not a test's (machines are shared): here, what it builds.
  it('builds 10,000 distinct accounts in a valid organization (every parent exists), reproducibly', () => {
    const sandbox = createSandbox({ scenario: 'generated:10000' });
    expect(sandbox.admin.scenario().accounts).toBe(10_000);
    const built = loadScenario('generated:10000');
    expect(ScenarioSchema.safeParse(built).success).toBe(true);
    const ids = built.accounts.map((account) => account.id);
    expect(new Set(ids).size).toBe(10_000);
    // The sandbox answers for every account it built, the last one too.
    expect(sandbox.admin.account(ids.at(-1) as string).id).toBe(ids.at(-1));
    const a = generateScenario({ accounts: 300, seed: 9 });
    expect(generateScenario({ accounts: 300, seed: 9 })).toEqual(a);
    expect(generateScenario({ accounts: 300, seed: 10 })).not.toEqual(a);
  });

  it('validates and has a realistic mix', () => {
    const s = loadScenario('generated:500:4');
    expect(ScenarioSchema.safeParse(s).success).toBe(true);
    const withKeys = s.accounts.filter((a) => a.rootUser.accessKeys.length > 0).length;
    const withPassword = s.accounts.filter((a) => a.rootUser.loginProfile).length;
    const inactive = s.accounts.filter((a) => a.state !== 'ACTIVE').length;
    expect(withKeys).toBeGreaterThan(20);
    expect(withPassword).toBeGreaterThan(100);
    expect(inactive).toBeGreaterThan(0);
    expect(s.organization.organizationalUnits.some((ou) => ou.parentId.startsWith('ou-'))).toBe(true);
  });
});

describe('scenario validation', () => {
  it('names the bad field', () => {
    const base = blogScenario();
    const accounts = base.accounts.map((a) => ({ ...a }));
    accounts[3] = {
      ...(accounts[3] as (typeof accounts)[number]),
      rootUser: {
        accessKeys: ['AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2', 'AKIAAAAAAAAAAAAAAAA3'].map((id) => ({
          accessKeyId: id,
          createDate: 'now',
        })),
      },
    };
    expect(problems({ ...base, accounts })).toEqual([
      'accounts[3].rootUser.accessKeys: at most 2 access keys',
    ]);
    expect(problems({ ...base, organization: { ...base.organization, id: 'org-1' } })).toEqual([
      'organization.id: must look like o-xxxxxxxxxx',
    ]);
    const badDate = problems({
      ...base,
      accounts: [{ ...base.accounts[0], joinedTimestamp: 'yesterday' }, ...base.accounts.slice(1)],
    });
    expect(badDate).toEqual(['accounts[0].joinedTimestamp: must be an ISO 8601 date or now[+-]N(s|m|h|d|w)']);
    expect(
      problems({ ...base, organization: { ...base.organization, managementAccountId: '999999999999' } })[0],
    ).toMatch(/^organization\.managementAccountId: /);
    expect(problems({ ...base, accounts: [...base.accounts, { ...base.accounts[1] }] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^accounts\[7\]\.id: duplicate account id/)]),
    );
    expect(problems({ ...base, principals: [] })[0]).toMatch(/^principals: /);
  });

  it('loads files and reports unknown names and bad JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-scenario-'));
    const file = join(dir, 'org.json');
    writeFileSync(file, JSON.stringify({ ...blogScenario(), name: 'from-file' }));
    expect(loadScenario(file).name).toBe('from-file');
    expect(() => loadScenario('nope')).toThrow(/unknown scenario "nope"/);
    expect(() => loadScenario('{not json')).toThrow(ScenarioError);
    expect(() => loadScenario('generated:0')).toThrow(/1 to 10000/);
  });
});

describe('a scenario that cannot be loaded says why', () => {
  const problemOf = (value: string): string => {
    try {
      loadScenario(value);
    } catch (error) {
      if (error instanceof ScenarioError) return error.problems.join('\n');
      throw error;
    }
    throw new Error(`${value} loaded`);
  };

  it.each([
    ['blgo', 'did you mean "blog"?'],
    ['Exposd', 'did you mean "exposed"?'],
    ['claen', 'did you mean "clean"?'],
  ])('a mistyped built-in name (%s) gets a suggestion', (value, suggestion) => {
    expect(problemOf(value)).toContain(suggestion);
  });

  it('a name far from every built-in gets none', () => {
    expect(problemOf('production')).not.toContain('did you mean');
  });

  it('a missing .json file is "not found", with the directory a relative path is read from', () => {
    expect(problemOf('./missing.json')).toBe(
      `scenario: file "./missing.json" not found (relative to ${process.cwd()})`,
    );
    const absolute = join(mkdtempSync(join(tmpdir(), 'rootwarden-scenario-')), 'gone.json');
    expect(problemOf(absolute)).toBe(`scenario: file "${absolute}" not found`);
  });
});
