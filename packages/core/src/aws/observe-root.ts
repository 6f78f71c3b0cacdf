import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import type {
  AccessKey,
  MfaDevice,
  RootCredentials,
  SigningCertificate,
} from '../domain/root-credentials.js';
import { classifyMfaDevice } from '../rules/classify-mfa.js';
import { abortable } from './call-aws.js';
import { hasAwsCode } from './map-aws-error.js';
import type { SessionScope } from './session-scope.js';

function iso(date: Date | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** IAM reports "N/A" for the service and region of a key that was never used. */
function known(value: string | undefined): string | null {
  return value && value !== 'N/A' ? value : null;
}

/** Follows IAM's Marker/IsTruncated pagination. */
async function listAll<
  Output extends { IsTruncated?: boolean | undefined; Marker?: string | undefined },
  Item,
>(
  fetchPage: (marker: string | undefined) => Promise<Output>,
  items: (output: Output) => Item[] | undefined,
): Promise<Item[]> {
  const all: Item[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    all.push(...(items(page) ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

/**
 * Reads one root user's credentials inside a root session (IAMAuditRootUserCredentials, or the
 * delete task, which allows the same reads): the five reads of the manual flow in parallel, then
 * the last use of each access key. No call names a user: in a root session IAM acts on the root user.
 */
export async function observeRootCredentials(
  scope: SessionScope,
  signal?: AbortSignal,
): Promise<RootCredentials> {
  const send = abortable(signal);
  const [user, loginProfile, keys, certificates, mfaDevices] = await Promise.all([
    scope.call('GetUser', ({ iam }) => iam.send(new GetUserCommand({}), send)),
    scope
      .call('GetLoginProfile', ({ iam }) => iam.send(new GetLoginProfileCommand({}), send))
      .then(
        (output) => output.LoginProfile ?? null,
        (error: unknown) => {
          // A root user without a password answers NoSuchEntity (seed: "Login Profile for User null cannot be found.").
          if (hasAwsCode(error, 'NoSuchEntity')) return null;
          throw error;
        },
      ),
    listAll(
      (Marker) =>
        scope.call('ListAccessKeys', ({ iam }) => iam.send(new ListAccessKeysCommand({ Marker }), send)),
      (output) => output.AccessKeyMetadata,
    ),
    listAll(
      (Marker) =>
        scope.call('ListSigningCertificates', ({ iam }) =>
          iam.send(new ListSigningCertificatesCommand({ Marker }), send),
        ),
      (output) => output.Certificates,
    ),
    listAll(
      (Marker) =>
        scope.call('ListMFADevices', ({ iam }) => iam.send(new ListMFADevicesCommand({ Marker }), send)),
      (output) => output.MFADevices,
    ),
  ]);

  const accessKeys: AccessKey[] = await Promise.all(
    keys.map(async (key) => {
      const accessKeyId = key.AccessKeyId ?? '';
      const lastUsed = await scope.call('GetAccessKeyLastUsed', ({ iam }) =>
        iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), send),
      );
      return {
        accessKeyId,
        status: key.Status ?? 'Active',
        createDate: iso(key.CreateDate),
        lastUsedDate: iso(lastUsed.AccessKeyLastUsed?.LastUsedDate),
        lastUsedService: known(lastUsed.AccessKeyLastUsed?.ServiceName),
        lastUsedRegion: known(lastUsed.AccessKeyLastUsed?.Region),
      };
    }),
  );

  const signingCertificates: SigningCertificate[] = certificates.map((certificate) => ({
    certificateId: certificate.CertificateId ?? '',
    status: certificate.Status === 'Inactive' ? 'Inactive' : 'Active',
    uploadDate: iso(certificate.UploadDate),
  }));

  const devices: MfaDevice[] = mfaDevices.map((device) => ({
    serialNumber: device.SerialNumber ?? '',
    kind: classifyMfaDevice(device.SerialNumber ?? ''),
    enableDate: iso(device.EnableDate),
  }));

  const byId =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    userCreateDate: iso(user.User?.CreateDate),
    passwordLastUsed: iso(user.User?.PasswordLastUsed),
    loginProfile: loginProfile
      ? {
          createDate: iso(loginProfile.CreateDate),
          passwordResetRequired: loginProfile.PasswordResetRequired ?? false,
        }
      : null,
    accessKeys: accessKeys.sort(byId((key) => key.accessKeyId)),
    signingCertificates: signingCertificates.sort(byId((certificate) => certificate.certificateId)),
    mfaDevices: devices.sort(byId((device) => device.serialNumber)),
  };
}
