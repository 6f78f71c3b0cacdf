import { userInfo } from 'node:os';

/** Who runs the command, for the history (exceptions, break-glass windows); `--by` overrides. */
export function currentUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
