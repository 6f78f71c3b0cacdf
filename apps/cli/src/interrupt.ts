import { constants } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { releasePendingOutputOpens } from './output-file.js';

/**
 * Signals that ask a long command to stop: Ctrl-C (SIGINT), CI cancellation, `timeout` and Kubernetes
 * (SIGTERM), a closed terminal (SIGHUP). The first one stops the work gracefully (a partial, saved,
 * marked-incomplete report); a second one of any of them exits at once with 128 + its number.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Interrupt {
  signal: AbortSignal;
  /**
   * Removes the handlers (the default signal behaviour applies again). After an interrupt it first
   * lets a second signal that arrived during the wind-down end the process, as promised.
   */
  dispose(): Promise<void>;
}

/** The shell's exit code for death by `signal` (128 + its number). */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

/** Turns the first stop signal into an abort (telling the user on stderr); a second one exits at once. */
export function onInterrupt(say: (message: string) => void): Interrupt {
  const controller = new AbortController();
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) {
      releasePendingOutputOpens();
      process.exit(signalExitCode(signal));
    }
    interrupted = true;
    say(
      `\nInterrupted (${signal}): finishing with a partial report (Ctrl-C or the signal again to quit at once).`,
    );
    // Abort on the next turn of the event loop, not inside this callback. libuv reads every signal that
    // arrived together in one batch and calls their handlers one after the other; an abort here can wind
    // the audit down and end the process within this callback's microtasks (stdout pipes and the SQLite
    // save are synchronous), so a second signal sent right after the first was never handled (exit 4).
    setImmediate(() => controller.abort());
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    async dispose() {
      if (interrupted) {
        // A signal that arrives while the wind-down runs synchronously waits in libuv's signal pipe, which
        // is read only in the poll phase: two turns pass through one, so the handler above still exits.
        await nextTurn();
        await nextTurn();
      }
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
