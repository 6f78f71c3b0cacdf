import { z } from 'zod';
import { AccountIdSchema, TimestampSchema } from './common.js';
import { NotificationDeliverySchema } from './guard.js';

/** The longest break-glass window: a recovery that needs longer is a new decision with a new ticket. */
export const MAX_BREAKGLASS_HOURS = 72;

/** `--for 4h`, `--for 90m`, `--for 1d`: a window length, at most MAX_BREAKGLASS_HOURS. Parsed to milliseconds. */
export const BreakglassDurationSchema = z
  .string()
  .trim()
  .regex(/^\d{1,4}(m|h|d)$/, 'must be a duration like 90m, 4h or 1d')
  .transform((value) => {
    const amount = Number(value.slice(0, -1));
    const unit = value.slice(-1) as 'm' | 'h' | 'd';
    return amount * { m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  })
  .refine((ms) => ms > 0 && ms <= MAX_BREAKGLASS_HOURS * 3_600_000, {
    message: `must be more than 0 and at most ${MAX_BREAKGLASS_HOURS}h`,
  });

export const BreakglassTicketSchema = z
  .string()
  .trim()
  .min(1, 'must name the ticket that justifies the recovery (e.g. INC-123)')
  .max(200);

/**
 * A time-boxed break-glass window: password recovery allowed on one account for a while, with who asked,
 * why (the ticket) and until when. Closing it prepares the plan that deletes the recovered credentials.
 */
export const BreakglassWindowSchema = z.object({
  id: z.string(),
  accountId: AccountIdSchema,
  organizationId: z.string(),
  ticket: z.string(),
  openedAt: TimestampSchema,
  until: TimestampSchema,
  /** The AWS principal (ARN) that made the allow-password-recovery plan. */
  openedBy: z.string(),
  /** The local user (operating-system account, or the API token's name) who ran it. */
  openedByUser: z.string(),
  /** The allow-password-recovery plan of the window. */
  planId: z.string(),
  closedAt: TimestampSchema.nullable(),
  /** `expired` (its time ran out) or who closed it by hand. */
  closedBy: z.string().nullable(),
  /** The delete-root-credentials plan prepared when it closed (null when it could not be prepared). */
  cleanupPlanId: z.string().nullable(),
  /** Why no cleanup plan could be prepared (an error code), when it could not. */
  cleanupError: z.string().nullable(),
});
export type BreakglassWindow = z.infer<typeof BreakglassWindowSchema>;

/**
 * What opening a window takes, as every door receives it (`--for`/`--ticket`, the API's body, MCP): the
 * duration stays the text the person gave (`4h`); the engine checks its length.
 */
export const OpenBreakglassInputSchema = z
  .object({
    account: AccountIdSchema,
    /** `90m`, `4h`, `1d`: at most MAX_BREAKGLASS_HOURS. */
    for: z.string().regex(/^\s*\d{1,4}(m|h|d)\s*$/, 'must be a duration like 90m, 4h or 1d'),
    ticket: BreakglassTicketSchema,
  })
  .strict();

/** Break-glass windows as the doors list them. */
export const BreakglassWindowListSchema = z.object({ windows: z.array(BreakglassWindowSchema) });

/** A window a person (or its end) closed, with the deliveries of its `breakglass-closed` notification. */
const ClosedBreakglassWindowSchema = z.object({
  window: BreakglassWindowSchema,
  deliveries: z.array(NotificationDeliverySchema),
});
export const ClosedBreakglassWindowsSchema = z.object({ windows: z.array(ClosedBreakglassWindowSchema) });
