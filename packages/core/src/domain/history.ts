import { z } from 'zod';
import { AuditReportSchema } from './audit.js';

/**
 * An audit id as a user types it: the full id (a UUID, as `rootwarden audits list` prints it) or a
 * unique prefix of at least 4 characters.
 */
export const AuditIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[0-9a-f][0-9a-f-]{3,35}$/,
    'must be an audit id as `rootwarden audits list` prints it (a UUID) or a prefix of it of at least 4 characters',
  );

/** A saved audit without its per-account results: what `audits list` shows. */
export const AuditListEntrySchema = AuditReportSchema.omit({ accounts: true });
export type AuditListEntry = z.infer<typeof AuditListEntrySchema>;

export const DEFAULT_AUDIT_LIST_LIMIT = 20;

export const ListAuditsInputSchema = z
  .object({
    /** Only audits of this organization (`o-…`). */
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id like o-a1b2c3d4e5')
      .optional(),
    /** Newest first, at most this many. */
    limit: z.number().int().min(1).max(10_000).default(DEFAULT_AUDIT_LIST_LIMIT),
  })
  .strict();
export type ListAuditsInput = z.input<typeof ListAuditsInputSchema>;
export type ListAuditsQuery = z.output<typeof ListAuditsInputSchema>;
