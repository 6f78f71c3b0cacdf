import { Errors, Flags } from '@oclif/core';
import {
  AccountIdSchema,
  BucketNameSchema,
  isCoreError,
  ParentIdSchema,
  parseInput,
  QueueUrlSchema,
} from '@rootwarden/core';

/** Parses one flag value with a core schema; oclif turns the thrown message into a usage error (exit 2). */
function schemaParser(
  schema: typeof AccountIdSchema | typeof ParentIdSchema | typeof BucketNameSchema | typeof QueueUrlSchema,
  flag: string,
) {
  return async (input: string): Promise<string> => {
    try {
      return parseInput(schema, input.trim());
    } catch (error) {
      const reason = isCoreError(error) ? error.message.replace(/^\(input\): /, '') : String(error);
      throw new Errors.CLIError(`--${flag} "${input}": ${reason}`, { exit: 2 });
    }
  };
}

/** Repeatable and comma-separable: `--account 1 --account 2` or `--account 1,2`. */
export const accountFlag = (description: string) =>
  Flags.string({
    multiple: true,
    delimiter: ',',
    description,
    parse: schemaParser(AccountIdSchema, 'account'),
  });

export const excludeFlag = Flags.string({
  multiple: true,
  delimiter: ',',
  description: 'Never audit this account (reported as skipped). Repeatable.',
  parse: schemaParser(AccountIdSchema, 'exclude'),
});

export const ouFlag = (description: string) =>
  Flags.string({ multiple: true, delimiter: ',', description, parse: schemaParser(ParentIdSchema, 'ou') });

/** One member account (`--account ID`). */
export const oneAccountFlag = (description: string) =>
  Flags.string({ description, required: true, parse: schemaParser(AccountIdSchema, 'account') });

export const bucketFlag = Flags.string({
  description: 'The S3 bucket whose policy to remove.',
  required: true,
  parse: schemaParser(BucketNameSchema, 'bucket'),
});

export const queueUrlFlag = Flags.string({
  description: 'The SQS queue URL, e.g. https://sqs.us-east-1.amazonaws.com/111122223333/orders.',
  required: true,
  parse: schemaParser(QueueUrlSchema, 'queue-url'),
});
