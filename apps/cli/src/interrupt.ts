import { constants } from 'node:os';

/**
 * Signals that ask a long command to stop: Ctrl-C (SIGINT), CI cancellation, `timeout` and Kubernetes
 * (SIGTERM), a closed terminal (SIGHUP). The first one stops the work gracefully (a partial, saved,
 * marked-incomplete report); a second one of any of them exits at once.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Interrupt {
  signal: AbortSignal;
  /** Removes the handlers (the default signal behaviour applies again). */
  dispose(): void;
}

/** The shell's exit code for death by `signal` (128 + its number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

/** Turns the first stop signal into an abort (telling the user on stderr); a second one exits at once. */
export function onInterrupt(say: (message: string) => void): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    say(
      `\nInterrupted (${signal}): finishing with a partial report (Ctrl-C or the signal again to quit at once).`,
    );
    controller.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
