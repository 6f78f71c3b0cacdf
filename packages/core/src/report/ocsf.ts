import { COMPLIANCE_FRAMEWORKS, controlLabel, controlsForFinding } from '../compliance/controls.js';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { Severity } from '../domain/common.js';
import type { Finding } from '../domain/finding.js';
import { RULES } from './sarif.js';

/**
 * OCSF 1.3.0 Compliance Finding events (class_uid 2003), one per finding, with the cloud profile.
 *
 * Why Compliance Finding and not Detection Finding (2004): each finding is the result of checking a
 * resource (a member account's root user) against controls (CIS, Security Hub, Config rules), which is
 * what OCSF's Compliance Finding describes ("results of evaluations performed against resources, to
 * check compliance with ... CIS AWS Foundations Benchmark"); a Detection Finding describes detected
 * activity (an alert on an event), which an audit of credentials is not.
 * Source: github.com/ocsf/ocsf-schema tag 1.3.0, events/findings/compliance_finding.json.
 */
export const OCSF_VERSION = '1.3.0';

const SEVERITY_ID: Record<Severity, number> = { low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** The partition of the caller's ARN (`aws`, `aws-cn`, `aws-us-gov`): root ARNs are built in it. */
function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}

function standardsFor(finding: Finding): { standards: string[]; requirements: string[]; control: string } {
  const refs = controlsForFinding(finding.code);
  const standards = [...new Set(refs.map((ref) => COMPLIANCE_FRAMEWORKS[ref.framework].standard))];
  const requirements = refs.map(controlLabel);
  const newestCis = refs.find((ref) => ref.framework === 'cis-7.0');
  return {
    standards,
    requirements,
    control: newestCis ? controlLabel(newestCis) : (requirements[0] ?? finding.code),
  };
}

/** The class and activity every event of ours carries: a Compliance Finding being created. */
const COMPLIANCE_FINDING_CREATE = {
  activity_id: 1,
  activity_name: 'Create',
  category_uid: 2,
  category_name: 'Findings',
  class_uid: 2003,
  class_name: 'Compliance Finding',
  type_uid: 200301,
  type_name: 'Compliance Finding: Create',
} as const;

function eventMetadata(report: AuditReport, findingUid: string, toolVersion: string) {
  return {
    version: OCSF_VERSION,
    uid: `${report.auditId}:${findingUid}`,
    profiles: ['cloud'],
    product: { name: 'rootwarden', vendor_name: 'rootwarden', version: toolVersion },
  };
}

/** The account's root user as the OCSF resource the finding is about. */
function rootUserResource(report: AuditReport, account: AccountAuditResult) {
  const partition = partitionOf(report.caller.arn);
  return {
    uid: `arn:${partition}:iam::${account.accountId}:root`,
    name: 'root',
    type: 'AWS IAM root user',
    cloud_partition: partition,
  };
}

function ocsfEvent(report: AuditReport, account: AccountAuditResult, finding: Finding, toolVersion: string) {
  const time = Date.parse(account.auditedAt ?? report.finishedAt);
  const { standards, requirements, control } = standardsFor(finding);
  const findingUid = `rootwarden:${account.accountId}:${finding.code}${finding.resource ? `:${finding.resource}` : ''}`;
  const parent = account.ouPath.at(-1);
  return {
    ...COMPLIANCE_FINDING_CREATE,
    severity_id: SEVERITY_ID[finding.severity],
    severity: SEVERITY_NAME[finding.severity],
    status_id: finding.accepted ? 3 : 1,
    status: finding.accepted ? 'Suppressed' : 'New',
    time,
    message: finding.message,
    metadata: eventMetadata(report, findingUid, toolVersion),
    finding_info: {
      uid: findingUid,
      title: RULES[finding.code].title,
      desc: finding.message,
      types: [finding.code],
      created_time: time,
    },
    compliance: { standards, control, requirements, status_id: 3, status: 'Fail' },
    cloud: {
      provider: 'AWS',
      account: { uid: account.accountId, name: account.name, type_id: 10, type: 'AWS Account' },
      org: {
        uid: report.organizationId,
        ...(parent ? { ou_uid: parent.id, ou_name: parent.name } : {}),
      },
    },
    resources: [
      {
        ...rootUserResource(report, account),
        ...(finding.resource ? { data: { credential: finding.resource } } : {}),
      },
    ],
    remediation: { desc: RULES[finding.code].help },
    unmapped: {
      rootwarden: {
        auditId: report.auditId,
        findingCode: finding.code,
        ouPath: account.ouPathText,
        ...(finding.accepted ? { accepted: finding.accepted } : {}),
      },
    },
  };
}

/**
 * An account that could not be audited is a Compliance Finding too, with compliance status Warning
 * ("did not yield a result due to missing information", objects/compliance.json), so no account is
 * silently missing from a SIEM.
 */
function ocsfNotAuditedEvent(report: AuditReport, account: AccountAuditResult, toolVersion: string) {
  const time = Date.parse(report.finishedAt);
  const code = account.error?.code ?? 'UNKNOWN';
  const findingUid = `rootwarden:${account.accountId}:NOT_AUDITED`;
  const message = `Account ${account.accountId} could not be audited (${code}): ${account.error?.message ?? 'no detail'}`;
  return {
    ...COMPLIANCE_FINDING_CREATE,
    severity_id: 1,
    severity: 'Informational',
    status_id: 1,
    status: 'New',
    time,
    message,
    metadata: eventMetadata(report, findingUid, toolVersion),
    finding_info: {
      uid: findingUid,
      title: 'Root user could not be audited',
      desc: message,
      types: ['NOT_AUDITED'],
      created_time: time,
    },
    compliance: {
      standards: [...new Set(Object.values(COMPLIANCE_FRAMEWORKS).map((framework) => framework.standard))],
      status_id: 2,
      status: 'Warning',
      status_detail: code,
    },
    cloud: {
      provider: 'AWS',
      account: { uid: account.accountId, name: account.name, type_id: 10, type: 'AWS Account' },
      org: { uid: report.organizationId },
    },
    resources: [rootUserResource(report, account)],
    unmapped: {
      rootwarden: { auditId: report.auditId, error: account.error ?? null, ouPath: account.ouPathText },
    },
  };
}

/** `--format ocsf`: a JSON array of OCSF events, one per finding, streamed one event at a time. */
export function* ocsfChunks(report: AuditReport, toolVersion: string): Generator<string> {
  let first = true;
  yield '[';
  for (const account of report.accounts) {
    if (account.status === 'unknown') {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(ocsfNotAuditedEvent(report, account, toolVersion))}`;
      first = false;
    }
    for (const finding of account.findings) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(ocsfEvent(report, account, finding, toolVersion))}`;
      first = false;
    }
  }
  yield first ? ']\n' : '\n]\n';
}
