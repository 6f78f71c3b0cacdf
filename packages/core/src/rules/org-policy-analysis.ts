import type {
  OrgPolicyType,
  PolicyBlocker,
  PolicyGroup,
  PolicyTarget,
  PolicyTask,
  PolicyVerdict,
  TaskPolicyVerdict,
} from '../domain/policy-check.js';
import {
  type ParsedPolicy,
  type PolicyRequest,
  parseOrgPolicy,
  type ResourceSpec,
  rootSessionContext,
  statementApplies,
  type Tri,
} from './org-policy-evaluation.js';

/** One SCP or RCP as read from Organizations, with where it is attached. */
export interface OrgPolicyRecord {
  id: string;
  name: string;
  type: OrgPolicyType;
  content: string;
  targets: PolicyTarget[];
}

/** Which resource a task acts on, when a plan knows it (else the analysis covers any bucket/queue). */
export interface TaskResources {
  bucket?: string | undefined;
  queue?: { region: string; name: string } | undefined;
}

interface Requirement {
  action: string;
  resource: (accountId: string, resources: TaskResources) => ResourceSpec;
  /** RCPs apply to S3 and SQS resources, not to IAM or to resource-less actions. */
  rcp: boolean;
}

const rootUser = (accountId: string): ResourceSpec => ({
  parts: ['arn', 'aws', 'iam', '', accountId, 'root'],
});
const bucket = (_: string, r: TaskResources): ResourceSpec => ({
  parts: ['arn', 'aws', 's3', '', '', r.bucket ?? null],
});
const queue = (accountId: string, r: TaskResources): ResourceSpec => ({
  parts: ['arn', 'aws', 'sqs', r.queue?.region ?? null, accountId, r.queue?.name ?? null],
});
const iam = (...names: string[]): Requirement[] =>
  names.map((name) => ({ action: `iam:${name}`, resource: rootUser, rcp: false }));

/**
 * The calls rootwarden makes in each task's root session (aws/observe-root.ts, aws/root-actions.ts,
 * aws/resource-policies.ts): a policy that refuses any of them breaks the task.
 */
export const TASK_REQUIREMENTS: Readonly<Record<PolicyTask, readonly Requirement[]>> = {
  audit: iam(
    'GetUser',
    'GetLoginProfile',
    'ListAccessKeys',
    'GetAccessKeyLastUsed',
    'ListSigningCertificates',
    'ListMFADevices',
  ),
  'delete-root-credentials': iam(
    'DeleteLoginProfile',
    'DeleteAccessKey',
    'DeleteSigningCertificate',
    'DeactivateMFADevice',
  ),
  'allow-password-recovery': iam('CreateLoginProfile'),
  'unlock-s3-bucket-policy': [
    { action: 's3:ListAllMyBuckets', resource: () => '*', rcp: false },
    { action: 's3:GetBucketPolicy', resource: bucket, rcp: true },
    { action: 's3:DeleteBucketPolicy', resource: bucket, rcp: true },
    { action: 's3:PutBucketPolicy', resource: bucket, rcp: true },
  ],
  'unlock-sqs-queue-policy': [
    { action: 'sqs:GetQueueAttributes', resource: queue, rcp: true },
    { action: 'sqs:SetQueueAttributes', resource: queue, rcp: true },
  ],
};

interface AttachedPolicy {
  record: OrgPolicyRecord;
  parsed: ParsedPolicy;
  target: PolicyTarget;
}

/** Policies by the target they are attached to, parsed once. */
export class PolicyIndex {
  readonly #byTarget = new Map<string, AttachedPolicy[]>();
  readonly #targets = new Map<string, PolicyTarget>();

  /**
   * @param unlistedScpsAllowAll the SCPs read without their targets all allow every task action
   *   (rules/policy-reading.ts): a level where no SCP is indexed carries one of them, since every root,
   *   OU and account carries at least one SCP (DetachPolicy,
   *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html).
   */
  constructor(
    readonly organizationId: string,
    readonly enabledTypes: ReadonlySet<OrgPolicyType>,
    policies: readonly OrgPolicyRecord[],
    readonly unlistedScpsAllowAll = false,
  ) {
    for (const record of policies) {
      const parsed = parseOrgPolicy(record.content);
      for (const target of record.targets) {
        this.#targets.set(target.id, target);
        const list = this.#byTarget.get(target.id) ?? [];
        list.push({ record, parsed, target });
        this.#byTarget.set(target.id, list);
      }
    }
  }

  attached(targetId: string, type: OrgPolicyType): AttachedPolicy[] {
    return (this.#byTarget.get(targetId) ?? []).filter((p) => p.record.type === type);
  }

  target(id: string, fallback: PolicyTarget): PolicyTarget {
    return this.#targets.get(id) ?? fallback;
  }
}

const statementName = (s: { sid: string | undefined; index: number }) => s.sid ?? `#${s.index}`;

/** AWS's documented exemption for root sessions: `"Null": {"aws:AssumedRoot": "true"}` added to the Deny. */
export function exemptRootSessions(raw: Record<string, unknown>): string {
  const condition = { ...((raw.Condition as Record<string, Record<string, unknown>> | undefined) ?? {}) };
  condition.Null = { ...(condition.Null ?? {}), 'aws:AssumedRoot': 'true' };
  return JSON.stringify({ ...raw, Condition: condition });
}

interface Finding {
  certain: boolean;
  blocker: Omit<PolicyBlocker, 'actions'>;
}

/** Where one action of a root session stands against the policies of one type on `levels`. */
function evaluateType(
  index: PolicyIndex,
  type: OrgPolicyType,
  levels: readonly PolicyTarget[],
  request: PolicyRequest,
): Finding[] {
  const findings: Finding[] = [];
  const rcp = type === 'RESOURCE_CONTROL_POLICY';
  for (const level of levels) {
    const attached = index.attached(level.id, type);
    // Nothing indexed here: the level carries an unlisted allow-all SCP (the last-SCP rule).
    if (!rcp && attached.length === 0 && index.unlistedScpsAllowAll) continue;
    let allow: Tri = 'no';
    for (const { record, parsed, target } of attached) {
      const policy = { id: record.id, name: record.name };
      if (!parsed.ok) {
        allow = allow === 'yes' ? 'yes' : 'unknown';
        findings.push({
          certain: false,
          blocker: {
            kind: 'cannot-decide',
            policyType: type,
            policy,
            target,
            statement: null,
            reason: `cannot read the policy: ${parsed.reason}`,
          },
        });
        continue;
      }
      for (const statement of parsed.statements) {
        const applies = statementApplies(statement, request, rcp);
        if (applies === 'no') continue;
        if (statement.effect === 'Allow') {
          if (applies === 'yes') allow = 'yes';
          else if (allow === 'no') allow = 'unknown';
          continue;
        }
        findings.push({
          certain: applies === 'yes',
          blocker: {
            kind: applies === 'yes' ? 'explicit-deny' : 'cannot-decide',
            policyType: type,
            policy,
            target,
            statement: statementName(statement),
            reason:
              applies === 'yes'
                ? 'a Deny statement applies to root sessions'
                : 'a Deny statement depends on a condition key, operator or resource rootwarden does not evaluate',
            suggestedStatement: exemptRootSessions(statement.raw),
          },
        });
      }
    }
    // RCPFullAWSAccess is attached everywhere and cannot be detached, so RCP levels always allow.
    if (rcp || allow === 'yes') continue;
    const names = attached.map((p) => p.record.name).join(', ');
    findings.push({
      certain: allow === 'no',
      blocker: {
        kind: allow === 'no' ? 'no-allow' : 'cannot-decide',
        policyType: type,
        policy: null,
        target: level,
        statement: null,
        reason:
          attached.length === 0
            ? 'no SCP was seen attached at this level'
            : allow === 'no'
              ? `no SCP attached here (${names}) allows the action`
              : `whether an SCP attached here (${names}) allows the action depends on something rootwarden does not evaluate`,
        ...(allow === 'no'
          ? {
              suggestedStatement: JSON.stringify({
                Sid: 'AllowRootSessionTasks',
                Effect: 'Allow',
                Action: [request.action],
                Resource: '*',
              }),
            }
          : {}),
      },
    });
  }
  return findings;
}

export interface AccountPlacement {
  accountId: string;
  /** Root and OU ids from the root down to the account's parent. */
  parentIds: readonly string[];
}

/**
 * One account's verdict for each task. Blocked when some policy certainly refuses a call the task
 * makes; cannot-decide when nothing certainly refuses but something undecidable might; else allowed.
 */
export function analyzeAccountPolicies(
  index: PolicyIndex,
  account: AccountPlacement,
  tasks: readonly PolicyTask[],
  resources: TaskResources = {},
): TaskPolicyVerdict[] {
  const levels: PolicyTarget[] = [
    ...account.parentIds.map((id) =>
      index.target(id, { id, name: id, type: id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }),
    ),
    index.target(account.accountId, { id: account.accountId, name: account.accountId, type: 'ACCOUNT' }),
  ];
  const context = rootSessionContext(account.accountId, index.organizationId);
  return tasks.map((task) => {
    const merged = new Map<string, { certain: boolean; blocker: PolicyBlocker }>();
    for (const requirement of TASK_REQUIREMENTS[task]) {
      const request: PolicyRequest = {
        action: requirement.action,
        resource: requirement.resource(account.accountId, resources),
        context,
      };
      const findings: Finding[] = [];
      if (index.enabledTypes.has('SERVICE_CONTROL_POLICY'))
        findings.push(...evaluateType(index, 'SERVICE_CONTROL_POLICY', levels, request));
      if (requirement.rcp && index.enabledTypes.has('RESOURCE_CONTROL_POLICY'))
        findings.push(...evaluateType(index, 'RESOURCE_CONTROL_POLICY', levels, request));
      for (const { certain, blocker } of findings) {
        const key = `${blocker.kind}|${blocker.policyType}|${blocker.policy?.id}|${blocker.target.id}|${blocker.statement}`;
        const entry = merged.get(key);
        if (entry) {
          if (!entry.blocker.actions.includes(requirement.action))
            entry.blocker.actions.push(requirement.action);
          if (blocker.kind === 'no-allow' && entry.blocker.suggestedStatement)
            entry.blocker.suggestedStatement = JSON.stringify({
              Sid: 'AllowRootSessionTasks',
              Effect: 'Allow',
              Action: entry.blocker.actions,
              Resource: '*',
            });
        } else merged.set(key, { certain, blocker: { ...blocker, actions: [requirement.action] } });
      }
    }
    const all = [...merged.values()];
    const certain = all.filter((f) => f.certain).map((f) => f.blocker);
    const verdict: PolicyVerdict =
      certain.length > 0 ? 'blocked' : all.length > 0 ? 'cannot-decide' : 'allowed';
    return { task, verdict, blockers: verdict === 'blocked' ? certain : all.map((f) => f.blocker) };
  });
}

/** Accounts blocked per task, grouped by the policy (or level) that blocks them. */
export function groupBlockers(accounts: readonly { tasks: readonly TaskPolicyVerdict[] }[]): PolicyGroup[] {
  const groups = new Map<string, PolicyGroup>();
  for (const account of accounts) {
    for (const task of account.tasks) {
      if (task.verdict !== 'blocked') continue;
      const seen = new Set<string>();
      for (const b of task.blockers) {
        const key = `${task.task}|${b.kind}|${b.policyType}|${b.policy?.id}|${b.target.id}|${b.statement}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const group = groups.get(key);
        if (group) group.accounts += 1;
        else
          groups.set(key, {
            task: task.task,
            kind: b.kind,
            policyType: b.policyType,
            policy: b.policy,
            target: b.target,
            statement: b.statement,
            accounts: 1,
          });
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.accounts - a.accounts || a.task.localeCompare(b.task));
}
