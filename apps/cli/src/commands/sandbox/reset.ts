import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Args } from '@oclif/core';
import { removeWorldFile } from '@rootwarden/aws-sandbox';
import {
  CoreError,
  fileSystemCause,
  isSandboxScenario,
  neutralizeForTerminal,
  resolveHome,
  SANDBOX_SCENARIOS,
  SANDBOX_STATE_EXTENSION,
  sandboxStateDirectory,
  sandboxStatePath,
  UsageError,
} from '@rootwarden/core';
import { closest, distance } from 'fastest-levenshtein';
import { HistoryCommand } from '../../base-command.js';

export default class SandboxResetCommand extends HistoryCommand<typeof SandboxResetCommand> {
  static override summary = 'Start a --sandbox organization afresh from its scenario.';
  static override description =
    'What `--sandbox SCENARIO` commands change (an apply, an enablement) is kept in $ROOTWARDEN_HOME/sandbox/, so the sandbox behaves like one organization from command to command. This forgets it: the next command starts from the scenario again, with fresh dates. Without a scenario, every kept sandbox is reset. A command using that sandbox at the same moment is waited for.';
  static override examples = ['<%= config.bin %> sandbox reset', '<%= config.bin %> sandbox reset blog'];

  static override args = {
    scenario: Args.string({
      description: `The scenario: ${SANDBOX_SCENARIOS.join(', ')}, generated:N[:SEED] or a scenario .json file (default: all).`,
    }),
  };

  async run(): Promise<void> {
    const home = resolveHome();
    const scenario = this.args.scenario?.trim();
    if (scenario !== undefined && !isSandboxScenario(scenario)) {
      const near = closest(scenario.toLowerCase(), [...SANDBOX_SCENARIOS]);
      const guess = distance(scenario.toLowerCase(), near) <= 2 ? ` (did you mean "${near}"?)` : '';
      throw new UsageError(
        `Unknown sandbox scenario "${neutralizeForTerminal(scenario)}"${guess}: use ${SANDBOX_SCENARIOS.join(', ')}, generated:N[:SEED] or a scenario .json file.`,
        { field: 'scenario' },
      );
    }
    const files =
      scenario === undefined
        ? keptSandboxes(sandboxStateDirectory(home))
        : [sandboxStatePath(home, scenario)];
    const reset: string[] = [];
    for (const file of files) if (await removeKept(file)) reset.push(file);
    const result = { reset: reset.map((file) => basename(file, SANDBOX_STATE_EXTENSION)) };
    if (this.jsonEnabled()) return this.logJson(result);
    if (reset.length === 0)
      this.log(
        scenario === undefined
          ? `No kept sandbox in ${sandboxStateDirectory(home)}: nothing to reset.`
          : `Sandbox ${neutralizeForTerminal(scenario)} was not kept yet: it already starts from its scenario.`,
      );
    else
      this.log(
        scenario === undefined
          ? `Reset ${reset.length} sandbox(es) in ${sandboxStateDirectory(home)}: the next --sandbox command starts from its scenario.`
          : `Reset sandbox ${neutralizeForTerminal(scenario)}: the next --sandbox ${neutralizeForTerminal(scenario)} command starts from the scenario.`,
      );
  }
}

/** A home that cannot hold the sandbox (a file, read-only, full) is the user's to fix, not a crash. */
async function removeKept(file: string): Promise<boolean> {
  try {
    return await removeWorldFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const cause = fileSystemCause(code);
    if (cause === undefined) throw error;
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `Cannot reset the sandbox kept in ${file}: ${cause} (${code}).`,
      {
        fix: 'Make ROOTWARDEN_HOME (default ~/.rootwarden) a writable directory, or point ROOTWARDEN_HOME at one.',
        details: { field: 'home', path: file },
      },
    );
  }
}

function keptSandboxes(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.endsWith(SANDBOX_STATE_EXTENSION))
      .map((name) => join(directory, name));
  } catch {
    return [];
  }
}
