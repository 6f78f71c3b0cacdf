import { CoreError } from '../errors.js';

// Field names that carry a secret in the AWS APIs rootwarden calls (AssumeRoot credentials,
// CreateLoginProfile). Nothing rootwarden stores may have one: the store refuses such a value.
const SECRET_FIELDS = new Set(['secretaccesskey', 'sessiontoken', 'password', 'privatekey', 'secret']);

/**
 * Throws INTERNAL when a value about to be stored has a field named like a secret. A guard against a
 * future bug (a session or a password reaching a plan body, a journal entry or a job); never expected.
 */
export function assertNoSecrets(value: unknown, where: string, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertNoSecrets(item, where, `${path}[${index}]`);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (SECRET_FIELDS.has(key.toLowerCase())) {
      throw new CoreError('INTERNAL', `Refusing to store ${where}: field ${field} looks like a credential.`, {
        details: { field },
      });
    }
    assertNoSecrets(item, where, field);
  }
}
