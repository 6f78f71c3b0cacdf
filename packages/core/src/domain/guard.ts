import { z } from 'zod';
import { AccountIdSchema, SeveritySchema, TimestampSchema } from './common.js';
import { FindingCodeSchema } from './finding.js';

/**
 * What the guard tells a person after an audit (issue 14): each event is one thing that needs a
 * person. Names (account, OU) come from AWS and are untrusted: every channel escapes them for its medium.
 */
export const GUARD_EVENT_KINDS = [
  /** A finding at or above the threshold that the previous audit did not have. */
  'new-finding',
  /** A root credential that the previous audit did not see (drift). */
  'credentials-appeared',
  /** An account that was clean in the previous audit and is exposed now (drift). */
  'went-exposed',
  /** An account that joined the organization since the previous audit (`invited` flags invited ones). */
  'account-added',
  'account-removed',
  /** An account whose OU changed since the previous audit. */
  'account-moved',
  /** An exception that ends within the configured number of days. */
  'exception-expiring',
  /** A break-glass window (password recovery allowed) that is still open. */
  'breakglass-open',
  /** A break-glass window that ended: the plan that deletes the recovered credentials waits for approval. */
  'breakglass-closed',
] as const;
const GuardEventKindSchema = z.enum(GUARD_EVENT_KINDS);

export const GuardEventSchema = z.object({
  kind: GuardEventKindSchema,
  severity: SeveritySchema,
  accountId: AccountIdSchema,
  /** Untrusted (from AWS). */
  accountName: z.string(),
  /** Untrusted (from AWS): the OU path, e.g. `Root/Workloads`. */
  ouPath: z.string().optional(),
  findingCode: FindingCodeSchema.optional(),
  /** The credential a finding or drift is about (access key id, certificate id, `password`, MFA serial). */
  resource: z.string().optional(),
  /** account-added: the account accepted an invitation (it keeps the root credentials it had). */
  invited: z.boolean().optional(),
  /** account-moved: the OU path before. */
  ouPathBefore: z.string().optional(),
  /** exception-expiring: which exception, and when it ends. */
  exceptionId: z.string().optional(),
  expiresAt: TimestampSchema.optional(),
  /** breakglass-*: the window, its end and its ticket. */
  windowId: z.string().optional(),
  until: TimestampSchema.optional(),
  ticket: z.string().optional(),
  /** A plan prepared for a person to approve (`rootwarden apply PLAN`); rootwarden never applies it by itself. */
  planId: z.string().optional(),
});
export type GuardEvent = z.infer<typeof GuardEventSchema>;

export const NOTIFICATION_SCHEMA_ID = 'https://rootwarden.dev/schemas/notification.v1.json';

/** One notification: what a webhook receives as its JSON body (and a Slack message shows). */
export const NotificationSchema = z.object({
  $schema: z.literal(NOTIFICATION_SCHEMA_ID),
  /**
   * The idempotency key: the same for every attempt and every channel, derived from what caused it (the
   * audit, or the break-glass window that ended), so a receiver can drop duplicates.
   */
  id: z.string(),
  organizationId: z.string(),
  /** The audit that found it (null for a break-glass window closed by hand). */
  auditId: z.string().nullable(),
  createdAt: TimestampSchema,
  threshold: SeveritySchema,
  events: z.array(GuardEventSchema),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const DeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** One row of the delivery log: one notification on one channel. */
export const NotificationDeliverySchema = z.object({
  notificationId: z.string(),
  channel: z.string(),
  channelType: z.enum(['webhook', 'slack']),
  status: DeliveryStatusSchema,
  attempts: z.number().int().min(0),
  /** What went wrong the last time (an HTTP status or a network error code); never a secret. */
  lastError: z.string().nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  deliveredAt: TimestampSchema.nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;

/** An environment variable name: channel secrets are configured by reference, never by value. */
const EnvNameSchema = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]*$/,
    'must be the NAME of an environment variable (e.g. ROOTWARDEN_WEBHOOK_SECRET)',
  );

const ChannelNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a short name: lowercase letters, digits and dashes');

const WebhookChannelSchema = z
  .object({
    type: z.literal('webhook'),
    name: ChannelNameSchema,
    /** The receiver's URL (https, or http on localhost). Not a secret: the signature authenticates the body. */
    url: z.url({ protocol: /^https?$/ }),
    /** The environment variable holding the HMAC-SHA256 signing secret. */
    secretEnv: EnvNameSchema,
  })
  .strict();

const SlackChannelSchema = z
  .object({
    type: z.literal('slack'),
    name: ChannelNameSchema,
    /** The environment variable holding the incoming-webhook URL (the URL is the secret). */
    urlEnv: EnvNameSchema,
  })
  .strict();

export const ChannelSchema = z.discriminatedUnion('type', [WebhookChannelSchema, SlackChannelSchema]);
export type Channel = z.infer<typeof ChannelSchema>;

export const DEFAULT_EXCEPTION_WARNING_DAYS = 7;

/** The guard section of a config file (`notifications`). */
export const NotificationConfigSchema = z
  .object({
    channels: z.array(ChannelSchema).default([]),
    /** New findings at or above this severity are notified. */
    threshold: SeveritySchema.default('high'),
    /** Exceptions that end within this many days are notified. */
    exceptionWarningDays: z.number().int().min(0).max(365).default(DEFAULT_EXCEPTION_WARNING_DAYS),
    /** Delivery attempts per notification and channel before it is logged `failed` (retried at the next audit). */
    maxAttempts: z.number().int().min(1).max(20).default(6),
  })
  .strict()
  .superRefine((config, context) => {
    const seen = new Set<string>();
    for (const [index, channel] of config.channels.entries()) {
      if (seen.has(channel.name))
        context.addIssue({
          code: 'custom',
          path: ['channels', index, 'name'],
          message: `"${channel.name}" names two channels: give each its own name`,
        });
      seen.add(channel.name);
    }
  });
export type NotificationConfig = z.output<typeof NotificationConfigSchema>;
export type NotificationConfigInput = z.input<typeof NotificationConfigSchema>;
