import type { GuardEvent } from '../domain/guard.js';

/**
 * One line saying what a guard event is about, for people (Slack, logs). `safe` makes the untrusted
 * parts (account and OU names, which member accounts set themselves) safe for the medium; `strong`
 * marks emphasis in it. Ids, codes and times come from rootwarden or AWS's fixed formats.
 */
export function describeEvent(
  event: GuardEvent,
  safe: (untrusted: string) => string,
  strong: (text: string) => string = (text) => text,
): string {
  const where = `${strong(safe(event.accountName || event.accountId))} (${event.accountId}${
    event.ouPath ? `, ${safe(event.ouPath)}` : ''
  })`;
  const plan = event.planId
    ? ` Plan ${event.planId} waits for approval: \`rootwarden apply ${event.planId}\`.`
    : '';
  switch (event.kind) {
    case 'new-finding':
      return `New finding ${event.findingCode ?? ''}${event.resource ? ` (${safe(event.resource)})` : ''} on ${where}.`;
    case 'went-exposed':
      return `${where} went from clean to exposed.`;
    case 'credentials-appeared':
      return `A root credential appeared on ${where}: ${safe(event.resource ?? '')}.`;
    case 'account-added':
      return `${where} joined the organization${
        event.invited ? ' by invitation: it keeps the root credentials it had' : ''
      }.${plan}`;
    case 'account-removed':
      return `${where} left the organization.`;
    case 'account-moved':
      return `${where} moved from ${safe(event.ouPathBefore ?? '')}.`;
    case 'exception-expiring':
      return `Exception ${event.exceptionId ?? ''} (${event.findingCode ?? 'every finding'}) on ${where} ends ${event.expiresAt ?? ''}.`;
    case 'breakglass-open':
      return `Break-glass window on ${where} (ticket ${safe(event.ticket ?? '')}) is open until ${event.until ?? ''}.`;
    case 'breakglass-closed':
      return `Break-glass window on ${where} (ticket ${safe(event.ticket ?? '')}) closed.${plan}`;
  }
}
