import { createInterface } from 'node:readline/promises';
import { CoreError } from '@rootwarden/core';

/**
 * Asks a yes/no question on the terminal. Without a terminal the answer cannot be a person's, so
 * it refuses unless --yes was given.
 */
export async function confirmOrRefuse(
  question: string,
  options: { yes: boolean; action: string },
): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new CoreError(
      'INVALID_INPUT',
      `Refusing to ${options.action} without confirmation: there is no terminal to ask on.`,
      {
        fix: 'Review what will change, then re-run with --yes.',
        details: { field: 'yes' },
      },
    );
  }
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}
