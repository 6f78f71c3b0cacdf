import { Errors, type Hook } from '@oclif/core';
import { closest, distance } from 'fastest-levenshtein';
import { EXIT } from '../exit-codes.js';

/** A mistyped command (`rootwarden adit`): a usage error naming the closest command, when one is near. */
const hook: Hook<'command_not_found'> = async ({ id, config }) => {
  const typed = id.replaceAll(':', ' ');
  const commands = config.commandIDs.map((commandId) => commandId.replaceAll(':', ' '));
  const near = closest(typed, commands);
  // At most a third of the word wrong (and at least one edit allowed): `adit` → audit, not `x` → exec.
  const suggestion =
    near !== undefined && distance(typed, near) <= Math.max(1, Math.floor(typed.length / 3))
      ? ` Did you mean "${config.bin} ${near}"?`
      : '';
  throw new Errors.CLIError(`"${typed}" is not a ${config.bin} command.${suggestion}`, {
    exit: EXIT.USAGE,
    suggestions: [`${config.bin} --help lists the commands.`],
  });
};

export default hook;
