import { z } from 'zod';
import { AccountIdSchema } from './common.js';

/**
 * What a plan observed, reduced to the identity of each thing it may act on (never a secret, never
 * a last-used date). Kept with the plan: its digest is the plan's fingerprint, and apply observes
 * the same things again to refuse a stale plan and to say what changed.
 */
const RootCredentialsObservationSchema = z.object({
  type: z.literal('root-credentials'),
  accountId: AccountIdSchema,
  /** Each kind is present only when the plan looked at it (`--only`). */
  loginProfile: z.boolean().optional(),
  accessKeys: z.array(z.string()).optional(),
  signingCertificates: z.array(z.string()).optional(),
  mfaDevices: z.array(z.string()).optional(),
});
export type RootCredentialsObservation = z.infer<typeof RootCredentialsObservationSchema>;

const PolicyObservationSchema = z.object({
  type: z.enum(['s3-bucket-policy', 'sqs-queue-policy']),
  accountId: AccountIdSchema,
  /** The bucket name or queue URL. */
  resource: z.string(),
  region: z.string(),
  /** sha256 (hex) of the policy document; null when the resource has no policy. */
  policySha256: z.string().nullable(),
});
export type PolicyObservation = z.infer<typeof PolicyObservationSchema>;

const OrganizationObservationSchema = z.object({
  type: z.literal('organization'),
  organizationId: z.string(),
  trustedAccess: z.boolean(),
  rootCredentialsManagement: z.boolean(),
  rootSessions: z.boolean(),
});
export type OrganizationObservation = z.infer<typeof OrganizationObservationSchema>;

export const ObservationSchema = z.discriminatedUnion('type', [
  RootCredentialsObservationSchema,
  PolicyObservationSchema,
  OrganizationObservationSchema,
]);
export type Observation = z.infer<typeof ObservationSchema>;
