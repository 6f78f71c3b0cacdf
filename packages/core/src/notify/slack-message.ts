import type { Notification } from '../domain/guard.js';
import { escapeSlackMrkdwn, neutralizeForTerminal } from '../report/neutralize.js';
import { describeEvent } from './describe-event.js';

/**
 * A message has at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks): a header, one
 * section per event up to this many, and a context line that says how many more there are.
 */
const MAX_SLACK_EVENT_BLOCKS = 40;

const SEVERITY_LABEL = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;

/**
 * The Slack incoming-webhook body of a notification: Block Kit blocks plus the `text` fallback that
 * Slack shows in notifications (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 * Untrusted names are escaped for mrkdwn (`&`, `<`, `>`), so a name cannot mention @channel or hide a link.
 */
export function slackMessage(notification: Notification): Record<string, unknown> {
  const { events } = notification;
  const title = `rootwarden: ${events.length} thing${events.length === 1 ? '' : 's'} in ${notification.organizationId} need${events.length === 1 ? 's' : ''} a person`;
  const shown = events.slice(0, MAX_SLACK_EVENT_BLOCKS);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: neutralizeForTerminal(title).slice(0, 150) } },
    ...shown.map((event) => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        // A section's text holds at most 3,000 characters.
        text: `*${SEVERITY_LABEL[event.severity]}* ${describeEvent(event, escapeSlackMrkdwn, (text) => `*${text}*`)}`.slice(
          0,
          3000,
        ),
      },
    })),
  ];
  const context = [
    ...(events.length > shown.length ? [`…and ${events.length - shown.length} more.`] : []),
    `Audit ${notification.auditId ?? '(none)'} · notification ${notification.id}`,
  ];
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' ') }] });
  return { text: title, blocks };
}
