import { z } from 'zod';
import { AccountIdSchema, ParentIdSchema } from './common.js';

/** The root-session tasks whose calls an SCP or RCP may refuse, in the vocabulary of plans. */
export const POLICY_TASKS = [
  'audit',
  'delete-root-credentials',
  'allow-password-recovery',
  'unlock-s3-bucket-policy',
  'unlock-sqs-queue-policy',
] as const;
export const PolicyTaskSchema = z.enum(POLICY_TASKS);
export type PolicyTask = z.infer<typeof PolicyTaskSchema>;

const OrgPolicyTypeSchema = z.enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']);
export type OrgPolicyType = z.infer<typeof OrgPolicyTypeSchema>;

const PolicyTargetSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['ROOT', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']),
});
export type PolicyTarget = z.infer<typeof PolicyTargetSchema>;

/** Why a task is blocked (or cannot be decided) for an account, naming the policy and statement. */
const PolicyBlockerSchema = z.object({
  /** `explicit-deny`: a Deny statement applies; `no-allow`: no SCP attached at `target` allows the action; `cannot-decide`: it depends on something rootwarden does not model. */
  kind: z.enum(['explicit-deny', 'no-allow', 'cannot-decide']),
  policyType: OrgPolicyTypeSchema,
  /** The policy (null for `no-allow`, which is about a level, not one policy). */
  policy: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Where the policy is attached (for `no-allow`: the level with no allowing SCP). */
  target: PolicyTargetSchema,
  /** The statement's Sid, else `#N` (its 0-based position); null when not about one statement. */
  statement: z.string().nullable(),
  actions: z.array(z.string()),
  reason: z.string(),
  /** A corrected statement (JSON) with the exemption AWS documents; absent when none applies. */
  suggestedStatement: z.string().optional(),
});
export type PolicyBlocker = z.infer<typeof PolicyBlockerSchema>;

const PolicyVerdictSchema = z.enum(['allowed', 'blocked', 'cannot-decide']);
export type PolicyVerdict = z.infer<typeof PolicyVerdictSchema>;

const TaskPolicyVerdictSchema = z.object({
  task: PolicyTaskSchema,
  verdict: PolicyVerdictSchema,
  blockers: z.array(PolicyBlockerSchema),
});
export type TaskPolicyVerdict = z.infer<typeof TaskPolicyVerdictSchema>;

export const AccountPolicyCheckSchema = z.object({
  accountId: AccountIdSchema,
  name: z.string(),
  ouPathText: z.string(),
  tasks: z.array(TaskPolicyVerdictSchema),
});
export type AccountPolicyCheck = z.infer<typeof AccountPolicyCheckSchema>;

/** Accounts blocked for one task by one policy (or by a level without an allowing SCP). */
const PolicyGroupSchema = z.object({
  task: PolicyTaskSchema,
  kind: PolicyBlockerSchema.shape.kind,
  policyType: OrgPolicyTypeSchema,
  policy: PolicyBlockerSchema.shape.policy,
  target: PolicyTargetSchema,
  statement: z.string().nullable(),
  accounts: z.number().int(),
});
export type PolicyGroup = z.infer<typeof PolicyGroupSchema>;

const PolicyCheckSummarySchema = z.object({
  task: PolicyTaskSchema,
  allowed: z.number().int(),
  blocked: z.number().int(),
  cannotDecide: z.number().int(),
});

/** What `policies check` answers: per account and task, allowed / blocked / cannot decide. */
export const PolicyCheckSchema = z.object({
  organizationId: z.string(),
  /** False when the caller may not read the policies: `unavailable` says which permission is missing. */
  available: z.boolean(),
  unavailable: z.object({ missingPermission: z.string(), message: z.string() }).optional(),
  enabledPolicyTypes: z.array(OrgPolicyTypeSchema),
  policiesRead: z.number().int(),
  tasks: z.array(PolicyTaskSchema),
  summary: z.array(PolicyCheckSummarySchema),
  groups: z.array(PolicyGroupSchema),
  accounts: z.array(AccountPolicyCheckSchema),
});
export type PolicyCheck = z.infer<typeof PolicyCheckSchema>;

export const PolicyCheckInputSchema = z
  .object({
    tasks: z.array(PolicyTaskSchema).default([...POLICY_TASKS]),
    accounts: z.array(AccountIdSchema).default([]),
    ous: z.array(ParentIdSchema).default([]),
  })
  .strict();
export type PolicyCheckInput = z.input<typeof PolicyCheckInputSchema>;
