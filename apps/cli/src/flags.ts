import { Errors, Flags } from '@oclif/core';
import { AccountIdSchema, isCoreError, ParentIdSchema, parseInput } from '@rootwarden/core';

/** Parses one flag value with a core schema; oclif turns the thrown message into a usage error (exit 2). */
function schemaParser(schema: typeof AccountIdSchema | typeof ParentIdSchema, flag: string) {
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
