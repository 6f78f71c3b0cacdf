import {
  COMPLIANCE_FRAMEWORKS,
  type ComplianceFrameworkId,
  type ControlCheck,
  FINDING_CHECKS,
} from '../compliance/controls.js';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { AccountVerdict, ComplianceReport, ControlResult, Verdict } from '../domain/compliance.js';
import type { Acceptance } from '../domain/finding.js';
import type { RootCredentials } from '../domain/root-credentials.js';

/** What the organization's status says about centralized root access (from `org status`), when known. */
export interface OrganizationEvidence {
  rootCredentialsManagement: boolean | null;
}

const NO_CREDENTIALS_NA =
  'NOT_APPLICABLE: the root user has no password, access key or signing certificate (centrally managed: its credentials were deleted or never created), so there is no root sign-in for MFA to protect. AWS Config reports NOT_APPLICABLE for root MFA rules in this case.';

function hasCredentials(credentials: RootCredentials): boolean {
  return (
    credentials.loginProfile !== null ||
    credentials.accessKeys.length > 0 ||
    credentials.signingCertificates.length > 0
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function credentialList(credentials: RootCredentials): string {
  const parts: string[] = [];
  if (credentials.loginProfile) parts.push('a password');
  if (credentials.accessKeys.length > 0) parts.push(plural(credentials.accessKeys.length, 'access key'));
  if (credentials.signingCertificates.length > 0)
    parts.push(plural(credentials.signingCertificates.length, 'signing certificate'));
  return parts.join(', ');
}

/** PASS / FAIL / NOT_APPLICABLE for one audited account's root user, with the reason. */
export function evaluateCheck(
  check: ControlCheck,
  credentials: RootCredentials,
  result: Pick<AccountAuditResult, 'findings'>,
): { verdict: Exclude<Verdict, 'UNKNOWN'>; reason: string } {
  switch (check) {
    case 'no-root-access-key': {
      const keys = credentials.accessKeys;
      if (keys.length === 0) return { verdict: 'PASS', reason: 'The root user has no access key.' };
      const active = keys.filter((key) => key.status === 'Active').length;
      return {
        verdict: 'FAIL',
        reason: `The root user has ${plural(keys.length, 'access key')} (${active} active, ${keys.length - active} inactive: an inactive key still exists and can be re-activated).`,
      };
    }
    case 'root-mfa': {
      if (!hasCredentials(credentials)) return { verdict: 'NOT_APPLICABLE', reason: NO_CREDENTIALS_NA };
      if (credentials.mfaDevices.length === 0)
        return {
          verdict: 'FAIL',
          reason: `The root user has ${credentialList(credentials)} and no MFA device.`,
        };
      return {
        verdict: 'PASS',
        reason: `The root user has ${plural(credentials.mfaDevices.length, 'MFA device')}.`,
      };
    }
    case 'root-hardware-mfa': {
      if (!hasCredentials(credentials)) return { verdict: 'NOT_APPLICABLE', reason: NO_CREDENTIALS_NA };
      const strong = credentials.mfaDevices.filter((device) => device.kind !== 'virtual').length;
      if (strong > 0)
        return {
          verdict: 'PASS',
          reason: `The root user has ${plural(strong, 'hardware or FIDO MFA device')}.`,
        };
      return {
        verdict: 'FAIL',
        reason:
          credentials.mfaDevices.length === 0
            ? `The root user has ${credentialList(credentials)} and no MFA device.`
            : `The root user has ${credentialList(credentials)} and only virtual MFA devices.`,
      };
    }
    case 'avoid-root-use': {
      const used = result.findings.find((finding) => finding.code === 'ROOT_RECENTLY_USED');
      if (used) return { verdict: 'FAIL', reason: used.message };
      return {
        verdict: 'PASS',
        reason: hasCredentials(credentials)
          ? 'Neither the root password nor a root access key was used within the audit window.'
          : 'The root user has no password or access key to use.',
      };
    }
    case 'no-root-credentials':
      if (!hasCredentials(credentials))
        return {
          verdict: 'PASS',
          reason: 'The root user has no password, access key or signing certificate.',
        };
      return {
        verdict: 'FAIL',
        reason: `The root user still has ${credentialList(credentials)}; centralized root access expects member accounts without root credentials (\`rootwarden plan delete-root-credentials\`).`,
      };
  }
}

/** The acceptance behind a failure, when every finding evidencing it is accepted. */
function acceptanceFor(check: ControlCheck, result: AccountAuditResult): Acceptance | undefined {
  const evidence = result.findings.filter((finding) => FINDING_CHECKS[finding.code].includes(check));
  if (evidence.length === 0 || evidence.some((finding) => !finding.accepted)) return undefined;
  return evidence[0]?.accepted;
}

function accountVerdict(check: ControlCheck, result: AccountAuditResult): AccountVerdict {
  const base = { accountId: result.accountId, name: result.name };
  if (result.status === 'unknown' || !result.rootCredentials)
    return {
      ...base,
      verdict: 'UNKNOWN',
      reason: `Not evaluated: the account could not be audited (${result.error?.code ?? 'unknown'}).`,
    };
  const { verdict, reason } = evaluateCheck(check, result.rootCredentials, result);
  const accepted = verdict === 'FAIL' ? acceptanceFor(check, result) : undefined;
  return { ...base, verdict, reason, ...(accepted ? { accepted } : {}) };
}

/** FAIL if anything fails; otherwise UNKNOWN if anything could not be evaluated; PASS if anything passed. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('FAIL')) return 'FAIL';
  if (verdicts.includes('UNKNOWN')) return 'UNKNOWN';
  if (verdicts.includes('PASS')) return 'PASS';
  return 'NOT_APPLICABLE';
}

function organizationVerdict(evidence: OrganizationEvidence | undefined): {
  verdict: Verdict;
  reason: string;
} {
  if (!evidence || evidence.rootCredentialsManagement === null)
    return {
      verdict: 'UNKNOWN',
      reason:
        'Whether root credentials management is enabled for the organization was not read (`rootwarden org status`).',
    };
  return evidence.rootCredentialsManagement
    ? {
        verdict: 'PASS',
        reason:
          'Root credentials management is enabled for the organization (IAM ListOrganizationsFeatures).',
      }
    : {
        verdict: 'FAIL',
        reason: 'Root credentials management is not enabled for the organization (`rootwarden org enable`).',
      };
}

/** Per-control verdicts of one framework for an audit report, with the accounts behind each verdict. */
export function evaluateCompliance(
  report: AuditReport,
  frameworkId: ComplianceFrameworkId,
  organization?: OrganizationEvidence,
): ComplianceReport {
  const framework = COMPLIANCE_FRAMEWORKS[frameworkId];
  const audited = report.accounts.filter((result) => result.status !== 'skipped');
  const controls = framework.controls.map((control): ControlResult => {
    const accounts = audited.map((result) => accountVerdict(control.check, result));
    const counts = { pass: 0, fail: 0, notApplicable: 0, unknown: 0 };
    for (const { verdict } of accounts) {
      if (verdict === 'PASS') counts.pass += 1;
      else if (verdict === 'FAIL') counts.fail += 1;
      else if (verdict === 'NOT_APPLICABLE') counts.notApplicable += 1;
      else counts.unknown += 1;
    }
    const orgLevel = control.check === 'no-root-credentials' ? organizationVerdict(organization) : undefined;
    const verdicts = accounts.map((account) => account.verdict);
    return {
      id: control.id,
      title: control.title,
      verdict: combineVerdicts(orgLevel ? [orgLevel.verdict, ...verdicts] : verdicts),
      ...(orgLevel ? { organization: orgLevel } : {}),
      counts,
      accounts,
    };
  });
  return {
    framework: { id: framework.id, name: framework.name, source: framework.source },
    auditId: report.auditId,
    organizationId: report.organizationId,
    auditedAt: report.finishedAt,
    controls,
    notEvaluated: report.accounts
      .filter((result) => result.status === 'skipped')
      .map((result) => ({
        accountId: result.accountId,
        name: result.name,
        reason: result.skipDetail ?? result.skipReason ?? 'skipped',
      })),
  };
}
