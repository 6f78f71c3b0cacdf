import { distance } from 'fastest-levenshtein';

/** The sandbox's built-in scenarios (kept equal to `builtInScenarioNames` of @rootwarden/aws-sandbox by a test). */
export const SANDBOX_SCENARIOS = ['blog', 'clean', 'exposed'] as const;

/** The scenario `--sandbox` alone stands for. */
export const DEFAULT_SANDBOX_SCENARIO = 'blog';

/** True when `word` names a sandbox scenario: a built-in, `generated:N[:SEED]` or a `.json` file. */
export function isSandboxScenario(word: string): boolean {
  return (
    (SANDBOX_SCENARIOS as readonly string[]).includes(word) ||
    /^generated:\d+(:\d+)?$/.test(word) ||
    word.endsWith('.json')
  );
}

/** A word 1–2 edits from a built-in scenario name (`blgo`): a typo the scenario loader explains. */
function isMistypedScenario(word: string): boolean {
  const lower = word.toLowerCase();
  return SANDBOX_SCENARIOS.some((name) => distance(lower, name) <= 2);
}

/**
 * Every front door takes `--sandbox [SCENARIO]`, an option whose value is optional; argument parsers
 * want a value, so a bare `--sandbox` becomes `--sandbox=blog`. The next word is taken as the scenario
 * only when it looks like one, or like a typo of one (so the user hears "did you mean", not "unexpected
 * argument"); otherwise it is left to the command, e.g. a plan id. Words after `--`
 * are never touched.
 */
export function normalizeSandboxArgument(argv: readonly string[]): string[] {
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
    if (next !== undefined && (isSandboxScenario(next) || isMistypedScenario(next))) {
      result.push(`--sandbox=${next}`);
      index += 1;
    } else {
      result.push(`--sandbox=${DEFAULT_SANDBOX_SCENARIO}`);
    }
  }
  return result;
}
