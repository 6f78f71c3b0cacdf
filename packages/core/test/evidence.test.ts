import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/domain/audit.js';
import type { Engine } from '../src/engine.js';
import { jsonReportSha256 } from '../src/report/html.js';
import { renderReport, reportChunks } from '../src/report/render-report.js';
import { evaluateCompliance } from '../src/rules/evaluate-compliance.js';
import { readExceptionsFile } from '../src/workflows/exceptions.js';
import { rejection, type SandboxFixture, startSandbox } from './sandbox.js';

// Names a member account's administrators (account names) or anyone with Organizations access (OU
// names) can set: every one must reach the HTML page as text, never as markup.
const HOSTILE_OU = '<img src=x onerror=alert(1)>';
const HOSTILE_ACCOUNT = '</script><script>alert(2)</script>';
const HOSTILE_ACCOUNT_2 = '"><svg onload=alert(3)>&amp;\u2028';

const scenario = {
  name: 'hostile-names',
  organization: {
    id: 'o-evidence01',
    managementAccountId: '999999999999',
    rootId: 'r-ev01',
    rootFeatures: ['RootCredentialsManagement' as const, 'RootSessions' as const],
    trustedAccess: [{ servicePrincipal: 'iam.amazonaws.com', dateEnabled: '2025-01-01T00:00:00Z' }],
    organizationalUnits: [{ id: 'ou-ev01-aaaaaaaa', name: HOSTILE_OU, parentId: 'r-ev01' }],
  },
  accounts: [
    {
      id: '999999999999',
      name: 'Management',
      email: 'mgmt@example.com',
      joinedTimestamp: '2020-01-01T00:00:00Z',
    },
    {
      id: '111111111111',
      name: HOSTILE_ACCOUNT,
      email: 'a1@example.com',
      joinedTimestamp: '2020-01-01T00:00:00Z',
      parentId: 'ou-ev01-aaaaaaaa',
      rootUser: {
        loginProfile: { createDate: '2023-01-01T00:00:00Z' },
        accessKeys: [{ accessKeyId: 'AKIAEVIDENCE00000001', createDate: '2024-01-01T00:00:00Z' }],
        mfaDevices: [
          { serialNumber: 'arn:aws:iam::111111111111:mfa/root-app', enableDate: '2024-01-01T00:00:00Z' },
        ],
      },
    },
    {
      id: '222222222222',
      name: HOSTILE_ACCOUNT_2,
      email: 'a2@example.com',
      joinedTimestamp: '2020-01-01T00:00:00Z',
      rootUser: {
        signingCertificates: [
          { certificateId: 'CERTEVIDENCE000000000001', uploadDate: '2024-01-01T00:00:00Z' },
        ],
      },
    },
    { id: '333333333333', name: 'Clean', email: 'a3@example.com', joinedTimestamp: '2020-01-01T00:00:00Z' },
  ],
  principals: [
    {
      name: 'admin',
      accountId: '999999999999',
      userName: 'admin',
      accessKeyId: 'AKIAEVIDENCEADMIN001',
      secretAccessKey: 'evidence-admin-secret-0001',
    },
  ],
};

interface OcsfEvent {
  finding_info: { types: string[] };
  compliance: { requirements: string[] };
  resources: Array<{ uid: string }>;
  [key: string]: unknown;
}

const ocsfSchema = JSON.parse(
  readFileSync(new URL('../schemas/ocsf-1.3.0-compliance-finding.json', import.meta.url), 'utf8'),
);

describe('evidence: exceptions, compliance, OCSF and HTML from a real audit', () => {
  let fixture: SandboxFixture;
  let home: string;
  let engine: Engine;
  let report: AuditReport;

  beforeAll(async () => {
    fixture = await startSandbox({ scenario });
    home = mkdtempSync(join(tmpdir(), 'rootwarden-evidence-'));
    engine = fixture.engine({ home });
    await engine.addException(
      {
        accountId: '111111111111',
        findingCode: 'ROOT_ACCESS_KEY_ACTIVE',
        reason: 'legacy batch job, key rotated out in Q1',
        owner: 'platform-team',
        expires: '2099-03-31',
      },
      'alice',
    );
    report = await engine.audit();
  });
  afterAll(async () => {
    await fixture?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('marks the excepted finding accepted, keeps it in the report, and stops counting it', async () => {
    const account = report.accounts.find((entry) => entry.accountId === '111111111111');
    const key = account?.findings.find((finding) => finding.code === 'ROOT_ACCESS_KEY_ACTIVE');
    expect(key?.accepted).toMatchObject({
      owner: 'platform-team',
      source: 'store',
      expiresAt: '2099-03-31T23:59:59.999Z',
    });
    expect(report.summary.findings.critical).toBe(0);
    expect(report.summary.accepted?.critical).toBe(1);
    expect(report.exceptions).toEqual({ applied: 1, expired: [] });
    // Every text report marks it too: CSV with the last day, Markdown with owner and reason.
    expect(renderReport(report, 'csv')).toContain('ROOT_ACCESS_KEY_ACTIVE[accepted-until-2099-03-31]');
    expect(renderReport(report, 'markdown')).toMatch(
      /\(accepted until 2099\\-03\\-31 by platform\\-team\\: /,
    );
    const saved = await engine.getAudit(report.auditId);
    expect(saved.summary).toEqual(report.summary);
    expect(saved.accounts.find((entry) => entry.accountId === '111111111111')?.findings).toEqual(
      account?.findings,
    );
  });

  it('keeps who added and removed each exception', async () => {
    const added = await engine.addException(
      {
        accountId: '222222222222',
        reason: 'decommissioned next week',
        owner: 'bob@example.com',
        expires: '2099-01-01',
      },
      'bob',
    );
    await engine.removeException(added.id.slice(0, 8), 'carol');
    const events = (await engine.listExceptionEvents()).filter((event) => event.exceptionId === added.id);
    expect(events.map((event) => `${event.action} by ${event.by}`)).toEqual([
      'added by bob',
      'removed by carol',
    ]);
    expect((await engine.listExceptions()).map((exception) => exception.id)).not.toContain(added.id);
    expect((await rejection(() => engine.removeException(added.id, 'carol'))).code).toBe(
      'EXCEPTION_NOT_FOUND',
    );
    expect(
      (
        await rejection(() =>
          engine.addException(
            { accountId: '222222222222', reason: 'r', owner: 'o', expires: '2001-01-01' },
            'x',
          ),
        )
      ).code,
    ).toBe('INVALID_INPUT');
  });

  it('applies a reviewed exceptions file, and an expired entry stops applying and is named', async () => {
    const file = join(home, 'exceptions.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'exceptions:',
        '  - accountId: "222222222222"',
        '    findingCode: ROOT_SIGNING_CERTIFICATE',
        '    reason: SOAP integration until migration',
        '    owner: integrations',
        '    expires: 2001-01-01',
      ].join('\n'),
    );
    const fromFile = await readExceptionsFile(file);
    const again = await engine.audit({}, { exceptions: fromFile, save: false });
    expect(again.exceptions?.expired).toEqual([
      {
        exceptionId: `file:${file}#1`,
        accountId: '222222222222',
        findingCode: 'ROOT_SIGNING_CERTIFICATE',
        owner: 'integrations',
        expiresAt: '2001-01-01T23:59:59.999Z',
      },
    ]);
    expect(again.summary.findings.medium).toBeGreaterThan(0);
    writeFileSync(file, 'version: 1\nexceptions:\n  - accountId: "22"\n');
    const bad = await rejection(() => readExceptionsFile(file));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.message).toMatch(/exceptions\.0\.accountId/);
  });

  it('evaluates CIS v7.0 with the accounts behind each verdict', async () => {
    const status = await engine.getOrgStatus();
    const cis = evaluateCompliance(report, 'cis-7.0', status);
    const byId = Object.fromEntries(cis.controls.map((control) => [control.id, control]));
    expect(byId['2.1.1']?.organization?.verdict).toBe('PASS');
    expect(byId['2.4']?.accounts.find((entry) => entry.accountId === '111111111111')).toMatchObject({
      verdict: 'FAIL',
      accepted: { owner: 'platform-team' },
    });
    expect(byId['2.5']?.accounts.find((entry) => entry.accountId === '333333333333')?.verdict).toBe(
      'NOT_APPLICABLE',
    );
    expect(cis.notEvaluated.map((entry) => entry.accountId)).toEqual(['999999999999']);
  });

  it('emits OCSF 1.3.0 Compliance Findings that validate against the OCSF class schema', () => {
    const events = JSON.parse(renderReport(report, 'ocsf', '9.9.9')) as OcsfEvent[];
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(ocsfSchema);
    expect(validate(events), JSON.stringify(validate.errors)).toBe(true);
    const findings = report.accounts.reduce((sum, account) => sum + account.findings.length, 0);
    expect(events).toHaveLength(findings);
    const accepted = events.find((event) => event.finding_info.types[0] === 'ROOT_ACCESS_KEY_ACTIVE');
    expect(accepted).toMatchObject({
      status: 'Suppressed',
      severity_id: 5,
      cloud: { account: { uid: '111111111111' } },
    });
    expect(accepted?.compliance.requirements).toEqual(
      expect.arrayContaining(['cis-7.0 2.4', 'aws-security-hub IAM.4']),
    );
    expect(accepted?.resources[0]?.uid).toBe('arn:aws:iam::111111111111:root');
  });

  it('renders a self-contained HTML page with every untrusted name escaped and the JSON report hash', async () => {
    const diff = await engine.previousAuditDiff(report);
    const html = renderReport(report, 'html', '9.9.9', { diff });
    for (const hostile of [HOSTILE_OU, HOSTILE_ACCOUNT, '<svg onload', '\u2028'])
      expect(html).not.toContain(hostile);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    const sha = jsonReportSha256(reportChunks(report, 'json'));
    expect(html).toContain(sha);
    const data = JSON.parse(
      /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}',
    );
    expect(data.accounts.map((account: { n: string }) => account.n)).toEqual(
      report.accounts.map((account) => account.name),
    );
    expect(data.accounts.find((account: { id: string }) => account.id === '111111111111').p[1][1]).toBe(
      HOSTILE_OU,
    );
  });
});
