import type { MfaKind } from '../domain/root-credentials.js';

/**
 * MFA kind from its serial number: virtual devices are `arn:…:mfa/…`, FIDO security keys and
 * passkeys `arn:…:u2f/…`, hardware TOTP tokens a bare serial such as `GAHT12345678`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetMFADevice.html).
 */
export function classifyMfaDevice(serialNumber: string): MfaKind {
  if (serialNumber.startsWith('arn:')) {
    if (serialNumber.includes(':u2f/')) return 'fido';
    if (serialNumber.includes(':mfa/')) return 'virtual';
  }
  return 'hardware';
}
