/**
 * `--sandbox` takes an optional scenario (`--sandbox` alone means the default scenario). oclif flags
 * always take a value, so a bare `--sandbox` is rewritten to `--sandbox=DEFAULT` before parsing.
 * The next word is the scenario only when it looks like one: a built-in name, `generated:N[:SEED]`
 * or a `.json` file; otherwise it is left to the command (e.g. a plan id).
 */
export function normalizeSandboxFlag(
  argv: readonly string[],
  defaultScenario: string,
  builtIns: readonly string[],
): string[] {
  const result: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] as string;
    if (word === '--') {
      result.push(...argv.slice(index));
      break;
    }
    if (word !== '--sandbox') {
      result.push(word);
      continue;
    }
    const next = argv[index + 1];
    if (
      next !== undefined &&
      (builtIns.includes(next) || /^generated:\d+(:\d+)?$/.test(next) || next.endsWith('.json'))
    ) {
      result.push(`--sandbox=${next}`);
      index += 1;
    } else {
      result.push(`--sandbox=${defaultScenario}`);
    }
  }
  return result;
}
