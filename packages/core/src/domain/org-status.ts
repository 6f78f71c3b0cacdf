import { z } from 'zod';
import { CallerSchema } from './audit.js';
import { AccountIdSchema } from './common.js';

export const ROOT_FEATURES = ['RootCredentialsManagement', 'RootSessions'] as const;
export const RootFeatureSchema = z.enum(ROOT_FEATURES);

/** A problem found by `org status`, with the exact fix. */
export const OrgProblemSchema = z.object({
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
});
export type OrgStatus = z.infer<typeof OrgStatusSchema>;

export const EnableInputSchema = z.object({ rootSessions: z.boolean().default(false) }).strict();
export type EnableInput = z.input<typeof EnableInputSchema>;

export const ENABLE_STEPS = ['trusted-access', 'root-credentials-management', 'root-sessions'] as const;
export const EnableStepSchema = z.object({
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
