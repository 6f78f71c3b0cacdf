import { z } from 'zod';
import { AccountIdSchema, TimestampSchema } from './common.js';
import { ExceptionSourceSchema, FindingCodeSchema } from './finding.js';

export type { Acceptance } from './finding.js';

export const EXCEPTIONS_FILE_SCHEMA_ID = 'https://rootwarden.dev/schemas/exceptions.v1.json';

/**
 * `--expires 2027-03-31` (the exception holds through that day, UTC) or a full ISO 8601 timestamp.
 * A day becomes the last millisecond of that day, so "expires 2027-03-31" still applies on the 31st.
 */
const ExpiresSchema = z
  .string()
  .trim()
  .refine(
    (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) || z.iso.datetime({ offset: true }).safeParse(value).success,
    {
      message: 'must be a date like 2027-03-31 or an ISO 8601 timestamp like 2027-03-31T18:00:00Z',
    },
  )
  .transform((value) =>
    /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : new Date(value).toISOString(),
  )
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'is not a real date' });

/** What a person declares to accept a finding: `rootwarden exceptions add`, or one entry of a file. */
export const NewExceptionSchema = z
  .object({
    accountId: AccountIdSchema,
    /** Only this finding of the account; without it, every finding of the account. */
    findingCode: FindingCodeSchema.optional(),
    reason: z.string().trim().min(1, 'must say why the finding is accepted').max(2000),
    owner: z.string().trim().min(1, 'must name who owns the exception (a person or a team)').max(200),
    expires: ExpiresSchema,
  })
  .strict();
export type NewException = z.input<typeof NewExceptionSchema>;

/** An exception as rootwarden keeps it (in the store) or read it (from `--exceptions FILE`). */
export const FindingExceptionSchema = z.object({
  id: z.string(),
  accountId: AccountIdSchema,
  findingCode: FindingCodeSchema.nullable(),
  reason: z.string(),
  owner: z.string(),
  expiresAt: TimestampSchema,
  createdAt: TimestampSchema.nullable(),
  createdBy: z.string().nullable(),
  source: ExceptionSourceSchema,
});
export type FindingException = z.infer<typeof FindingExceptionSchema>;

/** One entry of an exception's history in the store: who added or removed it, when. */
export const ExceptionEventSchema = z.object({
  exceptionId: z.string(),
  action: z.enum(['added', 'removed']),
  at: TimestampSchema,
  by: z.string(),
  exception: FindingExceptionSchema,
});
export type ExceptionEvent = z.infer<typeof ExceptionEventSchema>;

/** The reviewed file of `--exceptions FILE` (JSON or YAML), published as a JSON Schema. */
export const ExceptionsFileSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    exceptions: z.array(NewExceptionSchema),
  })
  .strict();
export type ExceptionsFile = z.input<typeof ExceptionsFileSchema>;

/** An exception that matched a finding of this audit but had expired: it no longer applies. */
export const ExpiredExceptionSchema = z.object({
  exceptionId: z.string(),
  accountId: AccountIdSchema,
  findingCode: FindingCodeSchema.nullable(),
  owner: z.string(),
  expiresAt: TimestampSchema,
});
export type ExpiredException = z.infer<typeof ExpiredExceptionSchema>;

/** The published JSON Schema (draft 2020-12) of `--exceptions FILE`, generated from the zod schema. */
export function exceptionsFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExceptionsFileSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    ...schema,
    $id: EXCEPTIONS_FILE_SCHEMA_ID,
    title: 'rootwarden exceptions file',
    description:
      'Accepted findings kept in a reviewed file (`rootwarden audit --exceptions FILE`, JSON or YAML). Each exception has an owner and an expiry (a date: valid through that day, UTC; or an ISO 8601 timestamp).',
  };
}
