import { createHash } from 'node:crypto';
import type { DeletableCredential, PlanAction, PlanActionKind } from '../domain/plan.js';
import type { Observation, RootCredentialsObservation } from '../domain/plan-observation.js';
import type { RootCredentials } from '../domain/root-credentials.js';

// What a plan observes, what each of its actions changes in that, and how two observations compare:
// staleness (apply refuses a plan whose state moved on), resume (an action in doubt is decided by
// observing) and verification all read the same items, keyed by `itemKey`.

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** What a delete-root-credentials plan looks at in one account: only the kinds it may delete. */
export function credentialsObservation(
  accountId: string,
  credentials: RootCredentials,
  kinds: readonly DeletableCredential[],
): RootCredentialsObservation {
  return {
    type: 'root-credentials',
    accountId,
    ...(kinds.includes('password') ? { loginProfile: credentials.loginProfile !== null } : {}),
    ...(kinds.includes('access-keys')
      ? { accessKeys: credentials.accessKeys.map((key) => key.accessKeyId).sort() }
      : {}),
    ...(kinds.includes('signing-certificates')
      ? {
          signingCertificates: credentials.signingCertificates
            .map((certificate) => certificate.certificateId)
            .sort(),
        }
      : {}),
    ...(kinds.includes('mfa')
      ? { mfaDevices: credentials.mfaDevices.map((device) => device.serialNumber).sort() }
      : {}),
  };
}

/** What an allow-password-recovery plan looks at in one account: whether a login profile exists. */
export function passwordObservation(
  accountId: string,
  credentials: RootCredentials,
): RootCredentialsObservation {
  return { type: 'root-credentials', accountId, loginProfile: credentials.loginProfile !== null };
}

/** The kinds of thing an observation holds; an action removes or creates exactly one of them. */
export type ItemKind =
  | 'password'
  | 'access-key'
  | 'signing-certificate'
  | 'mfa-device'
  | 's3-bucket-policy'
  | 'sqs-queue-policy'
  | 'trusted-access'
  | 'root-credentials-management'
  | 'root-sessions';

/**
 * The one key of an observed item, for what an observation saw and what an action changes alike:
 * the owner (an account, or `organization` for the organization-level switches), the kind and,
 * for kinds that an account can hold several of, the id (access key id, serial, bucket, queue URL).
 */
export function itemKey(accountId: string | null, kind: ItemKind, id?: string): string {
  return `${accountId ?? 'organization'}:${kind}${id === undefined ? '' : `:${id}`}`;
}

interface Item {
  label: string;
  /** Compared for "changed" (a policy's digest); presence alone for the rest. */
  value: string;
}

const ORG_ITEMS = {
  trustedAccess: ['trusted-access', 'trusted access for IAM'],
  rootCredentialsManagement: ['root-credentials-management', 'RootCredentialsManagement'],
  rootSessions: ['root-sessions', 'RootSessions'],
} as const satisfies Record<string, readonly [ItemKind, string]>;

/** One observation's scope in words (an account's root user, a bucket, a queue, the organization). */
function observationScope(observation: Observation): string {
  switch (observation.type) {
    case 'root-credentials':
      return `account ${observation.accountId}`;
    case 's3-bucket-policy':
      return `bucket ${observation.resource} (account ${observation.accountId})`;
    case 'sqs-queue-policy':
      return `queue ${observation.resource} (account ${observation.accountId})`;
    case 'organization':
      return `organization ${observation.organizationId}`;
  }
}

/** The things an observation saw, keyed by `itemKey`. */
export function observationItems(observation: Observation): Map<string, Item> {
  const items = new Map<string, Item>();
  switch (observation.type) {
    case 'root-credentials': {
      const id = observation.accountId;
      if (observation.loginProfile)
        items.set(itemKey(id, 'password'), { label: 'the root password', value: '' });
      for (const key of observation.accessKeys ?? [])
        items.set(itemKey(id, 'access-key', key), { label: `access key ${key}`, value: '' });
      for (const certificate of observation.signingCertificates ?? [])
        items.set(itemKey(id, 'signing-certificate', certificate), {
          label: `signing certificate ${certificate}`,
          value: '',
        });
      for (const serial of observation.mfaDevices ?? [])
        items.set(itemKey(id, 'mfa-device', serial), { label: `MFA device ${serial}`, value: '' });
      break;
    }
    case 's3-bucket-policy':
    case 'sqs-queue-policy':
      if (observation.policySha256 !== null)
        items.set(itemKey(observation.accountId, observation.type, observation.resource), {
          label: observation.type === 's3-bucket-policy' ? 'the bucket policy' : 'the queue policy',
          value: observation.policySha256,
        });
      break;
    case 'organization':
      for (const [field, [kind, label]] of Object.entries(ORG_ITEMS))
        if (observation[field as keyof typeof ORG_ITEMS])
          items.set(itemKey(null, kind), { label, value: '' });
      break;
  }
  return items;
}

export type Effect = 'gone' | 'appeared';

/** The item each kind of action removes or creates; `byTarget`: the action's target is the item's id. */
const ACTION_ITEM: Record<PlanActionKind, { kind: ItemKind; effect: Effect; byTarget: boolean }> = {
  'delete-login-profile': { kind: 'password', effect: 'gone', byTarget: false },
  'create-login-profile': { kind: 'password', effect: 'appeared', byTarget: false },
  'delete-access-key': { kind: 'access-key', effect: 'gone', byTarget: true },
  'delete-signing-certificate': { kind: 'signing-certificate', effect: 'gone', byTarget: true },
  'deactivate-mfa-device': { kind: 'mfa-device', effect: 'gone', byTarget: true },
  'delete-bucket-policy': { kind: 's3-bucket-policy', effect: 'gone', byTarget: true },
  'remove-queue-policy': { kind: 'sqs-queue-policy', effect: 'gone', byTarget: true },
  'enable-trusted-access': { kind: 'trusted-access', effect: 'appeared', byTarget: false },
  'enable-root-credentials-management': {
    kind: 'root-credentials-management',
    effect: 'appeared',
    byTarget: false,
  },
  'enable-root-sessions': { kind: 'root-sessions', effect: 'appeared', byTarget: false },
};

/** The item an action removes or creates. */
export function actionEffect(planAction: PlanAction): { key: string; effect: Effect } {
  const { kind, effect, byTarget } = ACTION_ITEM[planAction.kind];
  return { key: itemKey(planAction.accountId, kind, byTarget ? planAction.target : undefined), effect };
}

/**
 * Whether an observation is the one that sees what the action changes: the organization for an
 * organization-level action, the account's root user for a credential action, the bucket or queue
 * for a policy action. Structured (owner, type, resource), never a match on the words of a scope.
 */
export function observationCovers(observation: Observation, planAction: PlanAction): boolean {
  const { kind } = ACTION_ITEM[planAction.kind];
  switch (observation.type) {
    case 'organization':
      return planAction.accountId === null;
    case 'root-credentials':
      return (
        planAction.accountId === observation.accountId &&
        kind !== 's3-bucket-policy' &&
        kind !== 'sqs-queue-policy'
      );
    case 's3-bucket-policy':
    case 'sqs-queue-policy':
      return (
        planAction.accountId === observation.accountId &&
        kind === observation.type &&
        planAction.target === observation.resource
      );
  }
}
function allItems(observations: readonly Observation[]): Map<string, Item> {
  const all = new Map<string, Item>();
  for (const observation of observations)
    for (const [key, item] of observationItems(observation)) all.set(key, item);
  return all;
}

/** True when what the action is for already holds in `current` (the credential is gone, the password exists…). */
export function desiredStateHolds(planAction: PlanAction, current: readonly Observation[]): boolean {
  const { key, effect } = actionEffect(planAction);
  return allItems(current).has(key) === (effect === 'appeared');
}

export interface StateChange {
  key: string;
  change: Effect | 'changed' | 'not-observed';
  description: string;
}

/** Everything that differs between the state a plan observed and the state observed now. */
export function diffObservations(
  planned: readonly Observation[],
  current: readonly Observation[],
): StateChange[] {
  const changes: StateChange[] = [];
  const currentByScope = new Map(current.map((observation) => [observationScope(observation), observation]));
  for (const before of planned) {
    const scope = observationScope(before);
    const after = currentByScope.get(scope);
    if (after === undefined) {
      changes.push({
        key: scope,
        change: 'not-observed',
        description: `${scope}: could not be observed again`,
      });
      continue;
    }
    const old = observationItems(before);
    const now = observationItems(after);
    for (const [key, item] of old) {
      const still = now.get(key);
      if (still === undefined)
        changes.push({ key, change: 'gone', description: `${scope}: ${item.label} is gone` });
      else if (still.value !== item.value)
        changes.push({ key, change: 'changed', description: `${scope}: ${item.label} changed` });
    }
    for (const [key, item] of now)
      if (!old.has(key))
        changes.push({ key, change: 'appeared', description: `${scope}: ${item.label} appeared` });
  }
  return changes;
}

/**
 * The changes no started action of the plan explains: what someone else did since planning. A
 * change an action of this plan makes (a key it deleted in an interrupted run) is expected.
 */
export function unexplainedChanges(
  changes: readonly StateChange[],
  startedActions: readonly PlanAction[],
): StateChange[] {
  const expected = new Set(
    startedActions.map((started) => {
      const { key, effect } = actionEffect(started);
      return `${effect}|${key}`;
    }),
  );
  return changes.filter((change) => !expected.has(`${change.change}|${change.key}`));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/** A digest of what was observed, independent of the order accounts were observed in. */
export function fingerprintOf(observations: readonly Observation[]): string {
  const sorted = [...observations].sort((a, b) => observationScope(a).localeCompare(observationScope(b)));
  return `sha256:${sha256(JSON.stringify(canonical(sorted)))}`;
}
