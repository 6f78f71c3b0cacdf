import { z } from 'zod';
import { CallerSchema } from './audit.js';
import { AccountIdSchema } from './common.js';

/** An IAM permission the caller lacks, and what rootwarden would show or do with it. */
export const MissingPermissionSchema = z.object({
  permission: z.string(),
  adds: z.string(),
});
export type MissingPermission = z.infer<typeof MissingPermissionSchema>;

/** A problem found by `org status`, with the exact fix. */
const OrgProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type OrgProblem = z.infer<typeof OrgProblemSchema>;

export const OrgStatusSchema = z.object({
  caller: CallerSchema,
  region: z.string(),
  stsEndpoint: z.string(),
  organization: z
    .object({
      id: z.string(),
      featureSet: z.enum(['ALL', 'CONSOLIDATED_BILLING']),
      managementAccountId: AccountIdSchema,
    })
    .nullable(),
  /** Trusted access for iam.amazonaws.com; null when the caller may not read it. */
  trustedAccessForIam: z.boolean().nullable(),
  rootCredentialsManagement: z.boolean().nullable(),
  rootSessions: z.boolean().nullable(),
  delegatedAdministrators: z.array(z.object({ accountId: AccountIdSchema, name: z.string() })).nullable(),
  /** What this caller can do right now. */
  capabilities: z.object({
    audit: z.boolean(),
    deleteRootCredentials: z.boolean(),
    allowPasswordRecovery: z.boolean(),
    unlockResourcePolicies: z.boolean(),
    enable: z.boolean(),
  }),
  problems: z.array(OrgProblemSchema),
  /**
   * Optional reads AWS refused the caller (AccessDenied), each with what it would add. None stops an
   * audit: the least privilege is sts:AssumeRoot, iam:ListOrganizationsFeatures,
   * organizations:DescribeOrganization and organizations:ListAccounts.
   */
  missingPermissions: z.array(MissingPermissionSchema),
});
export type OrgStatus = z.infer<typeof OrgStatusSchema>;

/**
 * Both features by default: besides the S3/SQS unlocks, the IAM User Guide says member accounts need
 * privileged root actions (RootSessions) to recover root credentials
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html).
 */
export const EnableInputSchema = z.object({ rootSessions: z.boolean().default(true) }).strict();
export type EnableInput = z.input<typeof EnableInputSchema>;

const ENABLE_STEPS = ['trusted-access', 'root-credentials-management', 'root-sessions'] as const;
const EnableStepSchema = z.object({
  step: z.enum(ENABLE_STEPS),
  description: z.string(),
  status: z.enum(['pending', 'done', 'already-enabled']),
});
export type EnableStep = z.infer<typeof EnableStepSchema>;

export const EnableResultSchema = z.object({
  steps: z.array(EnableStepSchema),
  status: OrgStatusSchema,
});
export type EnableResult = z.infer<typeof EnableResultSchema>;
