import { Flags } from '@oclif/core';
import { RootTaskSchema } from '@rootwarden/core';

export const taskFlag = Flags.option({
  options: RootTaskSchema.options,
  description:
    'The root task policy of the session: audit (IAMAuditRootUserCredentials), delete-credentials, create-password, unlock-s3, unlock-sqs.',
  default: 'audit',
})();

export const durationFlag = Flags.integer({
  description: 'Session lifetime in seconds (AWS allows at most 900; root sessions cannot be refreshed).',
  default: 900,
  min: 1,
  max: 900,
});
