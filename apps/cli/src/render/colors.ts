import pc from 'picocolors';

/** Colours follow the terminal: none when stdout is not a TTY or NO_COLOR is set (picocolors decides). */
export const colors = pc;

export function colorStatus(status: string): string {
  switch (status) {
    case 'exposed':
      return pc.red(status);
    case 'clean':
      return pc.green(status);
    case 'unknown':
      return pc.yellow(status);
    default:
      return pc.dim(status);
  }
}

/** Four severities, four colours: critical stands out from high even where bold does not show. */
export function colorSeverity(
  severity: string,
  c: Pick<typeof pc, 'bgRed' | 'white' | 'bold' | 'red' | 'yellow' | 'cyan'> = pc,
): string {
  switch (severity) {
    case 'critical':
      return c.bgRed(c.white(c.bold(severity)));
    case 'high':
      return c.red(severity);
    case 'medium':
      return c.yellow(severity);
    default:
      return c.cyan(severity);
  }
}
