/**
 * Why an account could not be audited, in a few words, and what to do — for the formats a person reads
 * (table, markdown, csv, sarif). The full AWS message stays in the json/jsonl report: it is long, and
 * it is AWS's text, not ours. Keyed by CoreError code, never by message.
 */
export interface UnknownExplanation {
  summary: string;
  fix: string;
}

export function explainUnknownAccount(code: string, accountId: string): UnknownExplanation {
  const again = `rootwarden audit --account ${accountId}`;
  switch (code) {
    case 'AWS_ACCESS_DENIED':
      // SCPs apply to root sessions: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
      return {
        summary: 'access denied in the root session (often an SCP that denies root actions)',
        fix: `let the SCPs of this account allow the audit task's IAM reads for the root user, then ${again}`,
      };
    case 'THROTTLED':
      return { summary: 'AWS kept throttling the calls', fix: `run ${again} later, or lower --concurrency` };
    case 'NETWORK':
      return {
        summary: 'AWS could not be reached',
        fix: `check the network or proxy (HTTPS_PROXY), then ${again}`,
      };
    case 'ABORTED':
      return { summary: 'the audit was interrupted before this account finished', fix: again };
    case 'CREDENTIALS_EXPIRED':
    case 'CREDENTIALS_INVALID':
    case 'CREDENTIALS_MISSING':
      return {
        summary: 'your AWS credentials stopped working during the audit',
        fix: `refresh them (e.g. aws sso login), then ${again}`,
      };
    default:
      return {
        summary: `AWS answered with an error (${code})`,
        fix: `see AWS's message in the json report (--format json), then ${again}`,
      };
  }
}
