import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type {
  AccountDiff,
  AuditDiff,
  AuditDiffSummary,
  AuditRef,
  CredentialChange,
  CredentialKind,
} from '../domain/audit-diff.js';
import type { RootCredentials } from '../domain/root-credentials.js';
import { CoreError } from '../errors.js';

/** One credential as the diff sees it: an id and a state (status, MFA kind or password creation date). */
interface Observed {
  id: string;
  state: string;
}

function passwordState(credentials: RootCredentials): Observed[] {
  if (!credentials.loginProfile) return [];
  return [{ id: 'password', state: credentials.loginProfile.createDate ?? 'present' }];
}

const OBSERVE: Record<CredentialKind, (credentials: RootCredentials) => Observed[]> = {
  password: passwordState,
  'access-key': (credentials) =>
    credentials.accessKeys.map((key) => ({ id: key.accessKeyId, state: key.status })),
  'signing-certificate': (credentials) =>
    credentials.signingCertificates.map((certificate) => ({
      id: certificate.certificateId,
      state: certificate.status,
    })),
  'mfa-device': (credentials) =>
    credentials.mfaDevices.map((device) => ({ id: device.serialNumber, state: device.kind })),
};

const KINDS = Object.keys(OBSERVE) as CredentialKind[];

/** Credential changes between two observations of one root user (either may be absent: added/removed accounts). */
export function diffRootCredentials(
  before: RootCredentials | null,
  after: RootCredentials | null,
): CredentialChange[] {
  const changes: CredentialChange[] = [];
  for (const kind of KINDS) {
    const old = new Map((before ? OBSERVE[kind](before) : []).map((item) => [item.id, item.state]));
    const now = new Map((after ? OBSERVE[kind](after) : []).map((item) => [item.id, item.state]));
    const ids = [...new Set([...old.keys(), ...now.keys()])].sort();
    for (const id of ids) {
      const from = old.get(id) ?? null;
      const to = now.get(id) ?? null;
      if (from === to) continue;
      const change =
        from === null
          ? 'appeared'
          : to === null
            ? 'disappeared'
            : kind === 'password'
              ? 'replaced'
              : 'status-changed';
      // A password whose creation date AWS did not report (`present`) on one side cannot be called replaced.
      if (change === 'replaced' && (from === 'present' || to === 'present')) continue;
      changes.push({ kind, id, change, from, to });
    }
  }
  return changes;
}

function observed(result: AccountAuditResult | undefined): RootCredentials | null {
  return result && (result.status === 'clean' || result.status === 'exposed') ? result.rootCredentials : null;
}

function diffAccount(
  before: AccountAuditResult | undefined,
  after: AccountAuditResult | undefined,
): AccountDiff | undefined {
  const current = (after ?? before) as AccountAuditResult;
  const change = !before ? 'added' : !after ? 'removed' : 'changed';
  // Credentials are compared only when both sides observed the root user; an account that could not
  // be audited says nothing about its credentials. Added/removed accounts list what was observed.
  const comparable = change !== 'changed' || (observed(before) !== null && observed(after) !== null);
  const credentials = comparable ? diffRootCredentials(observed(before), observed(after)) : [];
  const statusBefore = before?.status ?? null;
  const statusAfter = after?.status ?? null;
  if (change === 'changed' && statusBefore === statusAfter && credentials.length === 0) return undefined;
  return { accountId: current.accountId, name: current.name, change, statusBefore, statusAfter, credentials };
}

function ref(report: AuditReport): AuditRef {
  return {
    auditId: report.auditId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    complete: report.complete,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((item, index) => item === right[index]);
}

function warningsFor(before: AuditReport, after: AuditReport): string[] {
  const warnings: string[] = [];
  for (const [label, report] of [
    ['older', before],
    ['newer', after],
  ] as const) {
    if (!report.complete)
      warnings.push(
        `The ${label} audit ${report.auditId} was interrupted: accounts it did not reach are unknown.`,
      );
  }
  const a = before.selection;
  const b = after.selection;
  if (!sameList(a.accounts, b.accounts) || !sameList(a.ous, b.ous) || !sameList(a.exclude, b.exclude))
    warnings.push(
      'The audits selected different accounts (--account/--ou/--exclude): accounts outside one selection show as added, removed or skipped.',
    );
  if (new Date(before.startedAt).getTime() > new Date(after.startedAt).getTime())
    warnings.push(`The "older" audit ${before.auditId} started after the "newer" one ${after.auditId}.`);
  return warnings;
}

/**
 * What changed between two audits of the same organization: accounts added or removed, status
 * changes, and root credentials that appeared, disappeared or changed. Pure.
 */
export function diffAudits(before: AuditReport, after: AuditReport): AuditDiff {
  if (before.organizationId !== after.organizationId) {
    throw new CoreError(
      'INVALID_INPUT',
      `Audit ${before.auditId} is of organization ${before.organizationId} and audit ${after.auditId} of ${after.organizationId}: only audits of the same organization can be compared.`,
      {
        fix: 'Pick two audits of the same organization (`rootwarden audits list --organization ID`).',
        details: { field: 'newId' },
      },
    );
  }
  const old = new Map(before.accounts.map((result) => [result.accountId, result]));
  const now = new Map(after.accounts.map((result) => [result.accountId, result]));
  const ids = [...new Set([...old.keys(), ...now.keys()])].sort();
  const accounts: AccountDiff[] = [];
  const summary: AuditDiffSummary = {
    accountsCompared: 0,
    accountsAdded: 0,
    accountsRemoved: 0,
    accountsChanged: 0,
    statusChanges: 0,
    credentialsAppeared: 0,
    credentialsDisappeared: 0,
    credentialsChanged: 0,
  };
  for (const id of ids) {
    const a = old.get(id);
    const b = now.get(id);
    if (a && b) summary.accountsCompared += 1;
    const diff = diffAccount(a, b);
    if (!diff) continue;
    accounts.push(diff);
    if (diff.change === 'added') summary.accountsAdded += 1;
    else if (diff.change === 'removed') summary.accountsRemoved += 1;
    else {
      summary.accountsChanged += 1;
      if (diff.statusBefore !== diff.statusAfter) summary.statusChanges += 1;
    }
    for (const credential of diff.credentials) {
      if (credential.change === 'appeared') summary.credentialsAppeared += 1;
      else if (credential.change === 'disappeared') summary.credentialsDisappeared += 1;
      else summary.credentialsChanged += 1;
    }
  }
  return {
    organizationId: after.organizationId,
    before: ref(before),
    after: ref(after),
    drift: accounts.length > 0,
    summary,
    accounts,
    warnings: warningsFor(before, after),
  };
}
