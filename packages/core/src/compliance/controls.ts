import type { FindingCode } from '../domain/finding.js';

/**
 * What rootwarden can evidence about a control, from an audit of member-account root users:
 *
 * - `no-root-access-key`: the root user has no access key, active or inactive. An inactive key still
 *   counts as present (CIS "Ensure no 'root' user account access key exists"; AWS Config
 *   `iam-root-access-key-check` evaluates AccountAccessKeysPresent, which counts inactive keys).
 * - `root-mfa`: a root user that has credentials has an MFA device.
 * - `root-hardware-mfa`: a root user that has credentials has a hardware or FIDO MFA device.
 * - `avoid-root-use`: the root user's password or keys were not used within the audit's recent-days.
 * - `no-root-credentials`: centralized root access: the member account's root user has no long-term
 *   credentials (password, access keys, signing certificates) and the organization has root
 *   credentials management enabled (CIS v7.0 2.1.1).
 *
 * The MFA checks are NOT_APPLICABLE for a root user without credentials: there is nothing to sign in
 * with, so nothing for MFA to protect. AWS Config's `root-account-mfa-enabled` and
 * `root-account-hardware-mfa-enabled` answer NOT_APPLICABLE in that case too
 * (https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled.html).
 */
const CONTROL_CHECKS = [
  'no-root-access-key',
  'root-mfa',
  'root-hardware-mfa',
  'avoid-root-use',
  'no-root-credentials',
] as const;
export type ControlCheck = (typeof CONTROL_CHECKS)[number];

export const COMPLIANCE_FRAMEWORK_IDS = [
  'cis-3.0',
  'cis-4.0',
  'cis-5.0',
  'cis-6.0',
  'cis-7.0',
  'aws-security-hub',
  'aws-config',
] as const;
export type ComplianceFrameworkId = (typeof COMPLIANCE_FRAMEWORK_IDS)[number];

interface ComplianceControl {
  /** The control's id within its framework: `2.4`, `IAM.4`, `iam-root-access-key-check`. */
  id: string;
  title: string;
  check: ControlCheck;
}

export interface ComplianceFramework {
  id: ComplianceFrameworkId;
  name: string;
  /** The name OCSF's `compliance.standards` carries. */
  standard: string;
  /** Where the control numbers and titles come from. */
  source: string;
  controls: readonly ComplianceControl[];
}

const CIS_SOURCE =
  "CIS Amazon Web Services Foundations Benchmark (https://www.cisecurity.org/benchmark/amazon_web_services); control numbers as in Prowler's compliance files (prowler-cloud/prowler prowler/compliance/aws/cis_*_aws.json)";

function cis(
  version: string,
  numbers: { key: string; mfa: string; hardwareMfa: string; avoidUse: string; centralized?: string },
): ComplianceFramework {
  const controls: ComplianceControl[] = [
    {
      id: numbers.key,
      title: "Ensure no 'root' user account access key exists",
      check: 'no-root-access-key',
    },
    { id: numbers.mfa, title: "Ensure MFA is enabled for the 'root' user account", check: 'root-mfa' },
    {
      id: numbers.hardwareMfa,
      title: "Ensure hardware MFA is enabled for the 'root' user account",
      check: 'root-hardware-mfa',
    },
    {
      id: numbers.avoidUse,
      title: "Eliminate use of the 'root' user for administrative and daily tasks",
      check: 'avoid-root-use',
    },
  ];
  if (numbers.centralized)
    controls.unshift({
      id: numbers.centralized,
      title: 'Ensure centralized root access in AWS Organizations',
      check: 'no-root-credentials',
    });
  return {
    id: `cis-${version}` as ComplianceFrameworkId,
    name: `CIS AWS Foundations Benchmark v${version}`,
    standard: `CIS AWS Foundations Benchmark v${version}.0`,
    source: CIS_SOURCE,
    controls,
  };
}

/**
 * The one mapping table: every framework and control rootwarden evidences. The CIS root controls
 * moved across versions (aws-facts.md §13): v3.0/v4.0 1.4–1.7, v5.0 1.3–1.6, v6.0 2.3–2.6,
 * v7.0 2.4–2.7 plus 2.1.1 "centralized root access". The "root use monitored" controls (4.3, 5.3)
 * need CloudTrail metric filters, which an audit of root credentials cannot see: not listed.
 */
export const COMPLIANCE_FRAMEWORKS: Readonly<Record<ComplianceFrameworkId, ComplianceFramework>> = {
  'cis-3.0': cis('3.0', { key: '1.4', mfa: '1.5', hardwareMfa: '1.6', avoidUse: '1.7' }),
  'cis-4.0': cis('4.0', { key: '1.4', mfa: '1.5', hardwareMfa: '1.6', avoidUse: '1.7' }),
  'cis-5.0': cis('5.0', { key: '1.3', mfa: '1.4', hardwareMfa: '1.5', avoidUse: '1.6' }),
  'cis-6.0': cis('6.0', { key: '2.3', mfa: '2.4', hardwareMfa: '2.5', avoidUse: '2.6' }),
  'cis-7.0': cis('7.0', {
    key: '2.4',
    mfa: '2.5',
    hardwareMfa: '2.6',
    avoidUse: '2.7',
    centralized: '2.1.1',
  }),
  'aws-security-hub': {
    id: 'aws-security-hub',
    name: 'AWS Security Hub controls',
    standard: 'AWS Foundational Security Best Practices',
    source:
      'AWS Security Hub User Guide, "Security Hub controls for IAM" (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html)',
    controls: [
      { id: 'IAM.4', title: 'IAM root user access key should not exist', check: 'no-root-access-key' },
      { id: 'IAM.6', title: 'Hardware MFA should be enabled for the root user', check: 'root-hardware-mfa' },
      { id: 'IAM.9', title: 'MFA should be enabled for the root user', check: 'root-mfa' },
    ],
  },
  'aws-config': {
    id: 'aws-config',
    name: 'AWS Config managed rules',
    standard: 'AWS Config managed rules',
    source:
      'AWS Config Developer Guide, "List of AWS Config Managed Rules" (https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html)',
    controls: [
      {
        id: 'iam-root-access-key-check',
        title: 'The root user access key is not available',
        check: 'no-root-access-key',
      },
      { id: 'root-account-mfa-enabled', title: 'The root user has MFA enabled', check: 'root-mfa' },
      {
        id: 'root-account-hardware-mfa-enabled',
        title: 'The root user has hardware MFA enabled',
        check: 'root-hardware-mfa',
      },
    ],
  },
};

/** Which checks each finding code is evidence against (a finding means the account fails them). */
export const FINDING_CHECKS: Readonly<Record<FindingCode, readonly ControlCheck[]>> = {
  ROOT_ACCESS_KEY_ACTIVE: ['no-root-access-key', 'no-root-credentials'],
  ROOT_ACCESS_KEY_INACTIVE: ['no-root-access-key', 'no-root-credentials'],
  ROOT_RECENTLY_USED: ['avoid-root-use'],
  ROOT_PASSWORD_WITHOUT_MFA: ['root-mfa', 'root-hardware-mfa', 'no-root-credentials'],
  ROOT_PASSWORD_PRESENT: ['no-root-credentials'],
  ROOT_SIGNING_CERTIFICATE: ['no-root-credentials'],
  ROOT_MFA_VIRTUAL_ONLY: ['root-hardware-mfa'],
  // An open window is a decision to let the account hold a root password for a while (AWS: "allow password
  // recovery" creates a login profile, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html):
  // until it closes the account does not have the "no root credentials" state CIS v7.0 2.1.1 asks for, and
  // the window exists to sign in as root (avoid-root-use). High, not critical: the use is ticketed and
  // time-boxed; the guard notifies it as critical once it has overrun its end.
  BREAKGLASS_WINDOW_OPEN: ['no-root-credentials', 'avoid-root-use'],
};

export interface ControlRef {
  framework: ComplianceFrameworkId;
  id: string;
  title: string;
}

/** Every control, across frameworks, that a finding code evidences (e.g. `CIS v7.0 2.4`, `IAM.4`). */
export function controlsForFinding(code: FindingCode): ControlRef[] {
  const checks = new Set(FINDING_CHECKS[code]);
  return Object.values(COMPLIANCE_FRAMEWORKS).flatMap((framework) =>
    framework.controls
      .filter((control) => checks.has(control.check))
      .map((control) => ({ framework: framework.id, id: control.id, title: control.title })),
  );
}

/** A short label for a control: `cis-7.0 2.4`, `aws-security-hub IAM.4`. */
export function controlLabel(ref: Pick<ControlRef, 'framework' | 'id'>): string {
  return `${ref.framework} ${ref.id}`;
}
