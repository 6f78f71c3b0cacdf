import { z } from 'zod';
import { PlanStatusSchema, PlanTaskSchema } from '../store/store.js';
import { CallerSchema } from './audit.js';
import { AccountIdSchema, TimestampSchema } from './common.js';

/**
 * The contract of plan → apply for the privileged root tasks, shared by the CLI (`rootwarden plan …`,
 * `apply`), the HTTP API (`POST /v1/plans`, `POST /v1/plans/{id}/apply`) and the MCP tools
 * (`plan-privileged-task`, `apply-plan`).
 */

export const DELETABLE_CREDENTIALS = ['password', 'access-keys', 'signing-certificates', 'mfa'] as const;
export const DeletableCredentialSchema = z.enum(DELETABLE_CREDENTIALS);
export type DeletableCredential = z.infer<typeof DeletableCredentialSchema>;

/** S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export const BucketNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)',
  );

/** An SQS queue URL, e.g. https://sqs.us-east-1.amazonaws.com/111122223333/orders. */
export const QueueUrlSchema = z
  .string()
  .regex(
    /^https?:\/\/[^/\s]+\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
    'must be an SQS queue URL like https://sqs.us-east-1.amazonaws.com/111122223333/orders',
  );

/** A plan id as `rootwarden plan …` prints it (a UUID). */
export const PlanIdSchema = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be a plan id like 3f2a9c4e-1b2c-4d5e-8f90-0123456789ab',
  );

/** A plan id or a unique prefix of it (at least 4 characters), as `rootwarden apply` takes it. */
export const PlanIdPrefixSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[0-9a-f][0-9a-f-]{3,35}$/,
    'must be a plan id as `rootwarden plan …` prints it (a UUID) or a prefix of it of at least 4 characters',
  );

export const CreatePlanInputSchema = z.discriminatedUnion('task', [
  z
    .object({
      task: z.literal('delete-root-credentials'),
      /** The accounts to clean; or `allExposed` for every account the audit finds exposed. */
      accounts: z.array(AccountIdSchema).default([]),
      allExposed: z.boolean().default(false),
      /** Which kinds of credential to delete (default: all four, as the console's "Delete root credentials"). */
      only: z
        .array(DeletableCredentialSchema)
        .min(1)
        .default([...DELETABLE_CREDENTIALS]),
    })
    .strict(),
  z.object({ task: z.literal('allow-password-recovery'), account: AccountIdSchema }).strict(),
  z
    .object({
      task: z.literal('unlock-s3-bucket-policy'),
      account: AccountIdSchema,
      bucket: BucketNameSchema,
    })
    .strict(),
  z
    .object({
      task: z.literal('unlock-sqs-queue-policy'),
      account: AccountIdSchema,
      queueUrl: QueueUrlSchema,
    })
    .strict(),
  // Both features by default (see EnableInputSchema): password recovery may need RootSessions too.
  z.object({ task: z.literal('enable-root-access'), rootSessions: z.boolean().default(true) }).strict(),
]);
export type CreatePlanInput = z.input<typeof CreatePlanInputSchema>;
export type PlanRequest = z.output<typeof CreatePlanInputSchema>;

export const PLAN_ACTION_KINDS = [
  'delete-login-profile',
  'delete-access-key',
  'delete-signing-certificate',
  'deactivate-mfa-device',
  'create-login-profile',
  'delete-bucket-policy',
  'remove-queue-policy',
  'enable-trusted-access',
  'enable-root-credentials-management',
  'enable-root-sessions',
] as const;
export const PlanActionKindSchema = z.enum(PLAN_ACTION_KINDS);
export type PlanActionKind = z.infer<typeof PlanActionKindSchema>;

const TaskPolicyNameSchema = z.enum([
  'IAMAuditRootUserCredentials',
  'IAMCreateRootUserPassword',
  'IAMDeleteRootUserCredentials',
  'S3UnlockBucketPolicy',
  'SQSUnlockQueuePolicy',
]);

/** One AWS action a plan will take, with the narrowest task policy that allows it. */
export const PlanActionSchema = z.object({
  /** Stable within the plan, e.g. `111111111111:delete-access-key:AKIA…`; the journal refers to it. */
  actionId: z.string(),
  /** The member account acted on; null for organization-level actions (enable-root-access). */
  accountId: AccountIdSchema.nullable(),
  kind: PlanActionKindSchema,
  /** What is acted on: `password`, an access key id, a certificate id, an MFA serial, a bucket, a queue URL, a feature. */
  target: z.string(),
  /** The root task policy of the session that performs it; null for organization-level actions. */
  taskPolicy: TaskPolicyNameSchema.nullable(),
  description: z.string(),
});
export type PlanAction = z.infer<typeof PlanActionSchema>;

/** A resource policy a plan would remove, kept byte for byte so `restore-policy` can put it back. */
export const PolicyBackupSchema = z.object({
  accountId: AccountIdSchema,
  kind: z.enum(['s3-bucket-policy', 'sqs-queue-policy']),
  /** The bucket name or queue URL. */
  resource: z.string(),
  region: z.string(),
  /** The policy document exactly as AWS returned it. */
  policy: z.string(),
  sha256: z.string(),
});
export type PolicyBackup = z.infer<typeof PolicyBackupSchema>;

export const PlanSchema = z.object({
  planId: z.string(),
  task: PlanTaskSchema,
  status: PlanStatusSchema,
  organizationId: z.string(),
  createdAt: TimestampSchema,
  /** Apply refuses the plan after this time (PLAN_EXPIRED): the state it observed may have moved on. */
  expiresAt: TimestampSchema,
  createdBy: CallerSchema,
  request: z.unknown(),
  actions: z.array(PlanActionSchema),
  /** A digest of the state observed while planning; apply observes again and refuses on a mismatch (PLAN_STALE). */
  fingerprint: z.string(),
  backups: z.array(PolicyBackupSchema),
  /** Things the reviewer should know (an account with nothing to delete, a policy that is already absent…). */
  notes: z.array(z.string()),
});
export type Plan = z.infer<typeof PlanSchema>;

export const ActionOutcomeSchema = z.enum(['done', 'already-done', 'failed', 'skipped']);
export type ActionOutcome = z.infer<typeof ActionOutcomeSchema>;

export const ApplyResultSchema = z.object({
  planId: z.string(),
  status: PlanStatusSchema,
  /** True when this run finished a plan an earlier, interrupted apply had started. */
  resumed: z.boolean(),
  actions: z.array(
    z.object({
      actionId: z.string(),
      outcome: ActionOutcomeSchema,
      /** Why it failed or was skipped. */
      reason: z.string().optional(),
      /** Observed again after applying: the credential or policy is really gone (or there). */
      verified: z.boolean(),
    }),
  ),
  startedAt: TimestampSchema,
  finishedAt: TimestampSchema,
});
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

export const RestorePolicyInputSchema = z
  .object({
    planId: z.string().min(1),
    /** The bucket or queue URL to restore (default: every backup of the plan). */
    resource: z.string().optional(),
  })
  .strict();
export type RestorePolicyInput = z.input<typeof RestorePolicyInputSchema>;

export const OpenSessionInputSchema = z
  .object({
    accountId: AccountIdSchema,
    task: z
      .enum(['audit', 'delete-credentials', 'create-password', 'unlock-s3', 'unlock-sqs'])
      .default('audit'),
    durationSeconds: z.number().int().min(0).max(900).default(900),
  })
  .strict();
export type OpenSessionInput = z.input<typeof OpenSessionInputSchema>;
