import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { Severity } from '../domain/common.js';
import type { FindingCode } from '../domain/finding.js';
import { explainUnknownAccount } from '../rules/explain-unknown.js';
import { prettyJsonChunks, withNewline } from './json-chunks.js';

/** Title and remedy of each finding code, shared by the SARIF, OCSF and HTML reports. */
export const RULES: Record<FindingCode, { severity: Severity; title: string; help: string }> = {
  ROOT_ACCESS_KEY_ACTIVE: {
    severity: 'critical',
    title: 'Root user has an active access key',
    help: 'Delete it: rootwarden plan delete-root-credentials --account ID --only access-keys, then rootwarden apply PLAN_ID.',
  },
  ROOT_ACCESS_KEY_INACTIVE: {
    severity: 'high',
    title: 'Root user has an inactive access key',
    help: 'Inactive keys can be re-activated; delete them with rootwarden plan delete-root-credentials.',
  },
  ROOT_RECENTLY_USED: {
    severity: 'high',
    title: 'Root credential used recently',
    help: 'Find out who used the root user (CloudTrail), then delete its credentials.',
  },
  ROOT_PASSWORD_WITHOUT_MFA: {
    severity: 'high',
    title: 'Root user has a password and no MFA',
    help: 'Delete the root password (centrally managed accounts need none) or add a hardware/FIDO MFA device.',
  },
  ROOT_PASSWORD_PRESENT: {
    severity: 'medium',
    title: 'Root user has a password',
    help: 'With centralized root access, member accounts need no root password: rootwarden plan delete-root-credentials --only password.',
  },
  ROOT_SIGNING_CERTIFICATE: {
    severity: 'medium',
    title: 'Root user has a signing certificate',
    help: 'Delete it unless a legacy SOAP/EC2 integration still needs it.',
  },
  ROOT_MFA_VIRTUAL_ONLY: {
    severity: 'low',
    title: 'Root MFA is virtual only',
    help: 'Prefer a FIDO security key or hardware token, or delete the root credentials altogether.',
  },
  BREAKGLASS_WINDOW_OPEN: {
    severity: 'high',
    title: 'Break-glass window open (password recovery allowed)',
    help: 'When the work is done: rootwarden breakglass close ACCOUNT, then apply the delete-root-credentials plan it prepares.',
  },
};

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
/** GitHub code scanning reads `security-severity` (0–10) to rank security alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '7.5',
  medium: '5.0',
  low: '2.0',
};

const RESULTS = '\u0000results\u0000';

/** SARIF 2.1.0, one result per finding, the account as a logical location; streamed by result. */
export function sarifChunks(report: AuditReport, toolVersion: string): Generator<string> {
  const ruleIds = Object.keys(RULES) as FindingCode[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rootwarden',
            version: toolVersion,
            informationUri: 'https://github.com/rootwarden/rootwarden',
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULES[id].title },
              help: { text: RULES[id].help },
              defaultConfiguration: { level: LEVEL[RULES[id].severity] },
              properties: {
                'security-severity': SECURITY_SEVERITY[RULES[id].severity],
                tags: ['security', 'aws', 'root-user'],
              },
            })),
          },
        },
        automationDetails: { id: `rootwarden/audit/${report.organizationId}/${report.auditId}` },
        invocations: [
          {
            // An account that could not be audited is a gap in the scan, not an absence of findings:
            // the run did not fully succeed, and each gap is a tool execution notification (SARIF 2.1.0
            // §3.20.21, §3.58) so dashboards never read "no alert" as "clean".
            executionSuccessful: report.complete && report.summary.unknown === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: report.accounts
              .filter((result) => result.status === 'unknown')
              .map((result) => {
                const code = result.error?.code ?? 'AWS_ERROR';
                const { summary, fix } = explainUnknownAccount(code, result.accountId);
                return {
                  level: 'error',
                  descriptor: { id: code },
                  message: {
                    text: `${result.accountId} (${result.name}) could not be audited: ${summary}. Fix: ${fix}.`,
                  },
                  locations: [{ logicalLocations: [accountLocation(report, result)] }],
                };
              }),
          },
        ],
        results: RESULTS,
      },
    ],
  };
  return withNewline(prettyJsonChunks(sarif, RESULTS, sarifResults(report)));
}

function* sarifResults(report: AuditReport): Generator<unknown> {
  const ruleIds = Object.keys(RULES) as FindingCode[];
  for (const result of report.accounts) {
    for (const finding of result.findings) {
      yield {
        ruleId: finding.code,
        ruleIndex: ruleIds.indexOf(finding.code),
        level: LEVEL[finding.severity],
        message: { text: `${result.accountId} (${result.name}): ${finding.message}` },
        locations: [{ logicalLocations: [accountLocation(report, result)] }],
        partialFingerprints: {
          'rootwarden/v1': `${result.accountId}/${finding.code}/${finding.resource ?? ''}`,
        },
        properties: { accountName: result.name, ouPath: result.ouPathText, severity: finding.severity },
      };
    }
  }
}

function accountLocation(report: AuditReport, result: AccountAuditResult) {
  return {
    name: result.accountId,
    fullyQualifiedName: [
      report.organizationId,
      ...result.ouPath.map((unit) => unit.id),
      result.accountId,
    ].join('/'),
    kind: 'account',
  };
}
