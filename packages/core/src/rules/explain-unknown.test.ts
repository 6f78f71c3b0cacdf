import { describe, expect, it } from 'vitest';
import { explainUnknownAccount } from './explain-unknown.js';

describe('explainUnknownAccount', () => {
  it.each([
    ['AWS_ACCESS_DENIED', /SCP/, /SCPs/],
    ['THROTTLED', /throttl/, /--concurrency/],
    ['NETWORK', /reached/, /HTTPS_PROXY/],
    ['ABORTED', /interrupted/, /^rootwarden audit --account 123456789012$/],
    ['CREDENTIALS_EXPIRED', /credentials/, /aws sso login/],
    ['AWS_ERROR', /AWS_ERROR/, /--format json/],
  ])('%s: a short reason and a fix that names the account', (code, summary, fix) => {
    const explanation = explainUnknownAccount(code, '123456789012');
    expect(explanation.summary).toMatch(summary);
    expect(explanation.fix).toMatch(fix);
    expect(explanation.fix).toContain('123456789012');
    expect(explanation.summary.length).toBeLessThanOrEqual(80);
  });
});
