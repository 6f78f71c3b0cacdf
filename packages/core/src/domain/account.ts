import { z } from 'zod';
import { AccountIdSchema, ParentIdSchema, ReportWarningSchema, TimestampSchema } from './common.js';

const ACCOUNT_STATES = ['PENDING_ACTIVATION', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;
const AccountStateSchema = z.enum(ACCOUNT_STATES);

/** Why an account is not audited (AssumeRoot cannot, or must not, target it). */
export const SkipReasonSchema = z.enum(['MANAGEMENT_ACCOUNT', 'NOT_ACTIVE', 'EXCLUDED']);
export type SkipReason = z.infer<typeof SkipReasonSchema>;

const OuRefSchema = z.object({ id: z.string(), name: z.string() });

/** One member account of the organization, as the inventory sees it. */
export const AccountSchema = z.object({
  accountId: AccountIdSchema,
  name: z.string(),
  email: z.string(),
  state: AccountStateSchema,
  joinedMethod: z.enum(['INVITED', 'CREATED']).optional(),
  joinedAt: TimestampSchema.optional(),
  /** Ancestors from the root down to the account's parent. */
  ouPath: z.array(OuRefSchema),
  /** Human form of `ouPath`, e.g. `Root/Workloads/Prod`. */
  ouPathText: z.string(),
  /** Set when the account would be skipped by an audit, with why. */
  skipReason: SkipReasonSchema.optional(),
  skipDetail: z.string().optional(),
});
export type Account = z.infer<typeof AccountSchema>;

export const InventorySchema = z.object({
  organizationId: z.string(),
  managementAccountId: AccountIdSchema,
  accounts: z.array(AccountSchema),
  summary: z.object({
    total: z.number().int(),
    auditable: z.number().int(),
    skipped: z.number().int(),
  }),
  /** What degraded the listing without stopping it; absent when nothing did. */
  warnings: z.array(ReportWarningSchema).optional(),
});
export type Inventory = z.infer<typeof InventorySchema>;

export const ListAccountsInputSchema = z
  .object({
    ous: z.array(ParentIdSchema).default([]),
  })
  .strict();
export type ListAccountsInput = z.input<typeof ListAccountsInputSchema>;
