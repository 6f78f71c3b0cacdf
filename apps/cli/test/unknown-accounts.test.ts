import { describe, expect, it } from 'vitest';
import { rootwardenProcessAsync, temporaryDirectory } from './helpers.js';

interface UnknownError {
  code: string;
  message: string;
  summary?: string;
  fix?: string;
}

/** Every format shows an unknown account with the same short message and fix (exposed: 300000000012). */
describe('unknown accounts in every format', () => {
  const audit = (format: string) =>
    rootwardenProcessAsync(
      ['audit', '--sandbox', 'exposed', '--no-save', '--fail-on', 'never', '--format', format],
      {
        ROOTWARDEN_HOME: temporaryDirectory(),
      },
    );

  it('json and jsonl carry the summary and fix the other formats show, plus the policy that refused it', async () => {
    const [json, jsonl, markdown, sarif] = await Promise.all(
      ['json', 'jsonl', 'markdown', 'sarif'].map(audit),
    );
    const fromJson = (
      JSON.parse(json?.stdout ?? '') as { accounts: { accountId: string; error?: UnknownError }[] }
    ).accounts.find((account) => account.accountId === '300000000012')?.error;
    const fromJsonl = (jsonl?.stdout ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; accountId?: string; error?: UnknownError })
      .find((line) => line.type === 'account' && line.accountId === '300000000012')?.error;
    expect(fromJson?.summary).toBe(
      'access denied in the root session (often an SCP that denies root actions)',
    );
    expect(fromJson?.fix).toContain('rootwarden audit --account 300000000012');
    expect(fromJsonl?.summary).toBe(fromJson?.summary);
    expect(fromJsonl?.fix).toBe(fromJson?.fix);
    // The full message too: the refusing SCP, target and statement, streamed in jsonl as in json.
    expect(fromJson?.message).toContain(
      'SCP "DenyRootUser" (p-exp0denyrootall) attached to ScpLocked (300000000012), statement DenyRootUser',
    );
    expect(fromJsonl?.message).toBe(fromJson?.message);
    expect(markdown?.stdout).toContain(`${fromJson?.summary}. Fix: ${fromJson?.fix}`);
    const run = (
      JSON.parse(sarif?.stdout ?? '') as {
        runs: {
          invocations: {
            executionSuccessful: boolean;
            toolExecutionNotifications: { message: { text: string } }[];
          }[];
        }[];
      }
    ).runs[0]?.invocations[0];
    expect(run?.executionSuccessful).toBe(false);
    expect(run?.toolExecutionNotifications.map((n) => n.message.text)).toContainEqual(
      expect.stringContaining(`${fromJson?.summary}. Fix: ${fromJson?.fix}`),
    );
  }, 300_000);
});
