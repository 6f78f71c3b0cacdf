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

export function colorSeverity(severity: string): string {
  switch (severity) {
    case 'critical':
      return pc.bold(pc.red(severity));
    case 'high':
      return pc.red(severity);
    case 'medium':
      return pc.yellow(severity);
    default:
      return pc.cyan(severity);
  }
}
