import { z } from 'zod';
import { SeveritySchema } from './common.js';

export const FINDING_CODES = [
  'ROOT_ACCESS_KEY_ACTIVE',
  'ROOT_ACCESS_KEY_INACTIVE',
  'ROOT_RECENTLY_USED',
  'ROOT_PASSWORD_WITHOUT_MFA',
  'ROOT_PASSWORD_PRESENT',
  'ROOT_SIGNING_CERTIFICATE',
  'ROOT_MFA_VIRTUAL_ONLY',
] as const;
export const FindingCodeSchema = z.enum(FINDING_CODES);
export type FindingCode = z.infer<typeof FindingCodeSchema>;

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  message: z.string(),
  /** The credential the finding is about (access key id, certificate id, `password`), when there is one. */
  resource: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
