import { z } from 'zod';
import { SeveritySchema, TimestampSchema } from './common.js';

export const FINDING_CODES = [
  'ROOT_ACCESS_KEY_ACTIVE',
  'ROOT_ACCESS_KEY_INACTIVE',
  'ROOT_RECENTLY_USED',
  'ROOT_PASSWORD_WITHOUT_MFA',
  'ROOT_PASSWORD_PRESENT',
  'ROOT_SIGNING_CERTIFICATE',
  'ROOT_MFA_VIRTUAL_ONLY',
  /** rootwarden's own record, not an AWS observation: a time-boxed break-glass window is open. */
  'BREAKGLASS_WINDOW_OPEN',
] as const;
export const FindingCodeSchema = z.enum(FINDING_CODES);
export type FindingCode = z.infer<typeof FindingCodeSchema>;

/** Where an exception came from: the store (`rootwarden exceptions add`) or a reviewed `--exceptions FILE`. */
export const ExceptionSourceSchema = z.enum(['store', 'file']);

/** How a finding that an exception covers is marked in a report. */
export const AcceptanceSchema = z.object({
  exceptionId: z.string(),
  reason: z.string(),
  owner: z.string(),
  expiresAt: TimestampSchema,
  source: ExceptionSourceSchema,
});
export type Acceptance = z.infer<typeof AcceptanceSchema>;

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  message: z.string(),
  /** The credential the finding is about (access key id, certificate id, `password`), when there is one. */
  resource: z.string().optional(),
  /** Present when an unexpired exception accepts this finding: it stays reported but no longer counts for --fail-on. */
  accepted: AcceptanceSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
