import { describe, expect, it } from 'vitest';
import { classifyMfaDevice } from './classify-mfa.js';

describe('classifyMfaDevice', () => {
  it.each([
    ['arn:aws:iam::111122223333:mfa/Authapp', 'virtual'],
    ['arn:aws:iam::111122223333:mfa/root-account-mfa-device', 'virtual'],
    ['arn:aws:iam::123456789012:u2f/root/testFidoKey-R1234', 'fido'],
    ['arn:aws-us-gov:iam::123456789012:u2f/root/passkey-ABCD', 'fido'],
    ['GAHT12345678', 'hardware'],
    ['GAKT12345678', 'hardware'],
  ])('%s is %s', (serial, kind) => {
    expect(classifyMfaDevice(serial)).toBe(kind);
  });
});
