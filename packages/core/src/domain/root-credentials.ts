import { z } from 'zod';
import { TimestampSchema } from './common.js';

const MfaKindSchema = z.enum(['virtual', 'fido', 'hardware']);
export type MfaKind = z.infer<typeof MfaKindSchema>;

const AccessKeySchema = z.object({
  accessKeyId: z.string(),
  status: z.enum(['Active', 'Inactive', 'Expired']),
  createDate: TimestampSchema.nullable(),
  lastUsedDate: TimestampSchema.nullable(),
  lastUsedService: z.string().nullable(),
  lastUsedRegion: z.string().nullable(),
});
export type AccessKey = z.infer<typeof AccessKeySchema>;

const SigningCertificateSchema = z.object({
  certificateId: z.string(),
  status: z.enum(['Active', 'Inactive']),
  uploadDate: TimestampSchema.nullable(),
});
export type SigningCertificate = z.infer<typeof SigningCertificateSchema>;

const MfaDeviceSchema = z.object({
  serialNumber: z.string(),
  kind: MfaKindSchema,
  enableDate: TimestampSchema.nullable(),
});
export type MfaDevice = z.infer<typeof MfaDeviceSchema>;

const LoginProfileSchema = z.object({
  createDate: TimestampSchema.nullable(),
  passwordResetRequired: z.boolean(),
});

/** What a root session observed about one member account's root user. Never holds a secret. */
export const RootCredentialsSchema = z.object({
  userCreateDate: TimestampSchema.nullable(),
  passwordLastUsed: TimestampSchema.nullable(),
  loginProfile: LoginProfileSchema.nullable(),
  accessKeys: z.array(AccessKeySchema),
  signingCertificates: z.array(SigningCertificateSchema),
  mfaDevices: z.array(MfaDeviceSchema),
});
export type RootCredentials = z.infer<typeof RootCredentialsSchema>;
