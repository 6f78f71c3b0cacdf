import type { RootCredentialState } from '@rootwarden/aws-sandbox';
import type { RootCredentials } from '../src/domain/root-credentials.js';

const iso = (value: string | null | undefined) => (value ? new Date(value).toISOString() : null);
const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/** What an audit must report for an account, computed from the sandbox's own state. */
export function expectedCredentials(state: RootCredentialState): RootCredentials {
  return {
    userCreateDate: iso(state.createDate),
    passwordLastUsed: iso(state.passwordLastUsed),
    loginProfile: state.loginProfile
      ? {
          createDate: iso(state.loginProfile.createDate),
          passwordResetRequired: state.loginProfile.passwordResetRequired,
        }
      : null,
    accessKeys: state.accessKeys
      .map((key) => ({
        accessKeyId: key.accessKeyId,
        status: key.status,
        createDate: iso(key.createDate),
        lastUsedDate: iso(key.lastUsed?.date),
        lastUsedService: key.lastUsed && key.lastUsed.serviceName !== 'N/A' ? key.lastUsed.serviceName : null,
        lastUsedRegion: key.lastUsed && key.lastUsed.region !== 'N/A' ? key.lastUsed.region : null,
      }))
      .sort(byKey((key) => key.accessKeyId)),
    signingCertificates: state.signingCertificates
      .map((certificate) => ({
        certificateId: certificate.certificateId,
        status: certificate.status,
        uploadDate: iso(certificate.uploadDate),
      }))
      .sort(byKey((certificate) => certificate.certificateId)),
    mfaDevices: state.mfaDevices
      .map((device) => ({
        serialNumber: device.serialNumber,
        kind: device.kind,
        enableDate: iso(device.enableDate),
      }))
      .sort(byKey((device) => device.serialNumber)),
  };
}
