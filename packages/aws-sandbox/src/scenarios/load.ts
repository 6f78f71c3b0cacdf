import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { builtInScenarios } from './built-ins.js';
import { generateScenario } from './generated.js';
import { parseScenario, type Scenario, ScenarioError, type ScenarioInput } from './schema.js';

/** Names accepted by `loadScenario` besides file paths and JSON text (`generated:N[:SEED]` too). */
export const builtInScenarioNames = [
  'blog',
  'clean',
  'exposed',
  'real-world',
  'generated:N',
  'generated:N:SEED',
  'generated:N:SEED:random-policies',
] as const;

const GENERATED = /^generated:(\d+)(?::(\d+))?(:random-policies)?$/;

/**
 * Resolves a scenario from a built-in name (`blog`, `clean`, `exposed`, `generated:500`,
 * `generated:500:7`), a JSON file path, or JSON text; validates it and names the bad field when invalid.
 */
export function loadScenario(nameOrPathOrJson: string): Scenario {
  const value = nameOrPathOrJson.trim();
  if (value in builtInScenarios)
    return parseScenario(builtInScenarios[value as keyof typeof builtInScenarios]());
  const generated = GENERATED.exec(value);
  if (generated) {
    const accounts = Number(generated[1]);
    if (accounts < 1 || accounts > 10_000)
      throw new ScenarioError([
        `scenario: generated organizations have 1 to 10000 accounts (got ${accounts})`,
      ]);
    return generateScenario({
      accounts,
      seed: generated[2] === undefined ? 1 : Number(generated[2]),
      ...(generated[3] ? { policies: 'random' as const } : {}),
    });
  }
  if (value.startsWith('{')) return parseScenario(parseJson(value, 'scenario JSON'));
  if (existsSync(value)) return parseScenario(parseJson(readFileSync(value, 'utf8'), value));
  if (value.endsWith('.json'))
    throw new ScenarioError([
      `scenario: file "${value}" not found${isAbsolute(value) ? '' : ` (relative to ${process.cwd()})`}`,
    ]);
  const near = nearestBuiltIn(value);
  throw new ScenarioError([
    `scenario: unknown scenario "${value}"${near ? ` (did you mean "${near}"?)` : ''}: use blog, clean, exposed, real-world, generated:N[:SEED[:random-policies]], a JSON file path or JSON text`,
  ]);
}

/** The built-in scenario a mistyped name most likely meant (at most 2 edits away), if any. */
function nearestBuiltIn(name: string): string | undefined {
  const names = Object.keys(builtInScenarios);
  const candidate = closest(name.toLowerCase(), names);
  return distance(name.toLowerCase(), candidate) <= 2 ? candidate : undefined;
}

/** Accepts a name/path/JSON string, a scenario object (validated), or an already generated scenario. */
export function resolveScenario(scenario: string | ScenarioInput | Scenario | undefined): Scenario {
  if (scenario === undefined) return loadScenario('blog');
  if (typeof scenario === 'string') return loadScenario(scenario);
  return parseScenario(scenario);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScenarioError([`scenario: ${source} is not valid JSON (${(error as Error).message})`]);
  }
}
