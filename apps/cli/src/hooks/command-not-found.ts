import { Errors, type Hook } from '@oclif/core';
import { isSandboxScenario, neutralizeForTerminal, SANDBOX_SCENARIOS } from '@rootwarden/core';
import { closest, distance } from 'fastest-levenshtein';
import { EXIT } from '../exit-codes.js';

/** `rootwarden sandbox real-world`: a scenario given as a word, where the flag was meant. */
function sandboxScenarioHint(typed: string, bin: string): string | undefined {
  const word = /^sandbox (\S+)$/.exec(typed)?.[1];
  if (word === undefined) return undefined;
  const near = closest(word.toLowerCase(), [...SANDBOX_SCENARIOS]);
  const scenario = isSandboxScenario(word)
    ? word
    : near !== undefined && distance(word.toLowerCase(), near) <= 2
      ? near
      : undefined;
  if (scenario === undefined) return undefined;
  const shown = neutralizeForTerminal(scenario);
  return ` The scenario is a flag: "${bin} sandbox --scenario ${shown}" serves it, "${bin} audit --sandbox ${shown}" audits it.`;
}

/** A mistyped command (`rootwarden adit`): a usage error naming the closest command, when one is near. */
const hook: Hook<'command_not_found'> = async ({ id, config }) => {
  const typed = id.replaceAll(':', ' ');
  const scenarioHint = sandboxScenarioHint(typed, config.bin);
  if (scenarioHint !== undefined)
    throw new Errors.CLIError(
      `"${neutralizeForTerminal(typed)}" is not a ${config.bin} command.${scenarioHint}`,
      {
        exit: EXIT.USAGE,
        suggestions: [`${config.bin} sandbox --help lists the scenarios.`],
      },
    );
  const commands = config.commandIDs.map((commandId) => commandId.replaceAll(':', ' '));
  const near = closest(typed, commands);
  // At most a third of the word wrong (and at least one edit allowed): `adit` → audit, not `x` → exec.
  const suggestion =
    near !== undefined && distance(typed, near) <= Math.max(1, Math.floor(typed.length / 3))
      ? ` Did you mean "${config.bin} ${near}"?`
      : '';
  throw new Errors.CLIError(
    `"${neutralizeForTerminal(typed)}" is not a ${config.bin} command.${suggestion}`,
    {
      exit: EXIT.USAGE,
      suggestions: [`${config.bin} --help lists the commands.`],
    },
  );
};

export default hook;
