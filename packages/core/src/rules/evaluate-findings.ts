import type { AccountStatus } from '../domain/audit.js';
import type { Finding } from '../domain/finding.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { compareSeverity } from './severity.js';

const DAY_MS = 86_400_000;

export interface EvaluateOptions {
  /** The moment of the audit. */
  now: Date;
  /** A password or key used within this many days is "recently used". */
  recentDays: number;
}

/** True when the root user holds any credential: a password, a key, a signing certificate or an MFA device. */
export function hasRootCredentials(credentials: RootCredentials): boolean {
  return (
    credentials.loginProfile !== null ||
    credentials.accessKeys.length > 0 ||
    credentials.signingCertificates.length > 0 ||
    credentials.mfaDevices.length > 0
  );
}

export function statusOf(credentials: RootCredentials): Extract<AccountStatus, 'clean' | 'exposed'> {
  return hasRootCredentials(credentials) ? 'exposed' : 'clean';
}

function isRecent(timestamp: string | null, options: EvaluateOptions): boolean {
  if (timestamp === null) return false;
  const age = options.now.getTime() - Date.parse(timestamp);
  return age <= options.recentDays * DAY_MS;
}

function day(timestamp: string): string {
  return timestamp.slice(0, 10);
}

/**
 * The findings table of the product, as one pure function. An account whose root has no
 * credentials gets no finding at all, in particular never one about missing MFA.
 * `PasswordLastUsed` counts only while a password exists: GetUser keeps reporting it after the
 * password is deleted, and a root with no password cannot sign in with it.
 */
export function evaluateFindings(credentials: RootCredentials, options: EvaluateOptions): Finding[] {
  const findings: Finding[] = [];
  const { loginProfile, accessKeys, signingCertificates, mfaDevices } = credentials;

  for (const key of accessKeys) {
    const lastUsed = key.lastUsedDate ? `last used ${day(key.lastUsedDate)}` : 'never used';
    if (key.status === 'Active') {
      findings.push({
        code: 'ROOT_ACCESS_KEY_ACTIVE',
        severity: 'critical',
        message: `Root has an active access key ${key.accessKeyId} (${lastUsed}).`,
        resource: key.accessKeyId,
      });
    } else {
      findings.push({
        code: 'ROOT_ACCESS_KEY_INACTIVE',
        severity: 'high',
        message: `Root has an inactive access key ${key.accessKeyId} (${lastUsed}); inactive keys can be re-activated.`,
        resource: key.accessKeyId,
      });
    }
    if (isRecent(key.lastUsedDate, options) && key.lastUsedDate) {
      findings.push({
        code: 'ROOT_RECENTLY_USED',
        severity: 'high',
        message: `Root access key ${key.accessKeyId} was used on ${day(key.lastUsedDate)}, within the last ${options.recentDays} days.`,
        resource: key.accessKeyId,
      });
    }
  }

  if (loginProfile !== null) {
    if (isRecent(credentials.passwordLastUsed, options) && credentials.passwordLastUsed) {
      findings.push({
        code: 'ROOT_RECENTLY_USED',
        severity: 'high',
        message: `Root password was used on ${day(credentials.passwordLastUsed)}, within the last ${options.recentDays} days.`,
        resource: 'password',
      });
    }
    if (mfaDevices.length === 0) {
      findings.push({
        code: 'ROOT_PASSWORD_WITHOUT_MFA',
        severity: 'high',
        message: 'Root has a password and no MFA device.',
        resource: 'password',
      });
    }
    findings.push({
      code: 'ROOT_PASSWORD_PRESENT',
      severity: 'medium',
      message: 'Root has a password (login profile); centrally managed member accounts should have none.',
      resource: 'password',
    });
  }

  for (const certificate of signingCertificates) {
    findings.push({
      code: 'ROOT_SIGNING_CERTIFICATE',
      severity: 'medium',
      message: `Root has a signing certificate ${certificate.certificateId} (${certificate.status}).`,
      resource: certificate.certificateId,
    });
  }

  if (mfaDevices.length > 0 && mfaDevices.every((device) => device.kind === 'virtual')) {
    findings.push({
      code: 'ROOT_MFA_VIRTUAL_ONLY',
      severity: 'low',
      message: `Root MFA is virtual only (${mfaDevices.map((device) => device.serialNumber).join(', ')}); no hardware or FIDO device.`,
    });
  }

  return findings.sort((a, b) => compareSeverity(a.severity, b.severity));
}
