import { Flags } from '@oclif/core';
import { type NotificationConfig, readNotificationConfigFile } from '@rootwarden/core';

/**
 * Where the guard's channels are configured for the CLI: the "notifications" section of a JSON file,
 * the same section (and the same file, if you like) as `rootwarden-api --config`. Secrets stay env var
 * names in the file; their values come from the environment.
 */
export const notifyConfigFlag = Flags.string({
  description:
    'JSON config file whose "notifications" section names the channels to notify (webhook, Slack; secrets as env var names), as rootwarden-api\'s --config. Default: $ROOTWARDEN_NOTIFY_CONFIG, else $ROOTWARDEN_API_CONFIG; none: no notification.',
  helpGroup: 'NOTIFICATIONS',
});

/** The channels in force for this run (undefined: none configured, nothing is notified). */
export async function loadNotifyConfig(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<NotificationConfig | undefined> {
  const path = flag ?? (env.ROOTWARDEN_NOTIFY_CONFIG || env.ROOTWARDEN_API_CONFIG || undefined);
  if (!path) return undefined;
  const field = flag
    ? 'notify-config'
    : env.ROOTWARDEN_NOTIFY_CONFIG
      ? 'ROOTWARDEN_NOTIFY_CONFIG'
      : 'ROOTWARDEN_API_CONFIG';
  return readNotificationConfigFile(path, field);
}
