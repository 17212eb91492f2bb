/**
 * The bench's safety net for a command that switches relays: on SIGINT/SIGTERM/SIGHUP the run is stopped and every relay
 * still reachable goes to its safe state before the process exits; an uncaught error does the same, exit 3.
 * A second signal exits at once (after one more attempt at the safe state).
 */
import { EXIT } from '../core/exit-codes.js';
import type { RelayBackend } from '../pins/types.js';

export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

/** Exit codes for a run stopped by a signal: 128 + the signal number, as shells report them. */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SafetyNet {
  readonly signal: AbortSignal;
  /** After a run the signal stopped: says so on stderr (with `advice`) and returns the exit code (128 + signal). */
  stoppedExit(advice?: string): number;
  /** The backends to put in their safe state on the way out. */
  track(backends: Iterable<RelayBackend>): void;
  /** Removes the handlers (the run ended normally). */
  release(): void;
}

export function installSafetyNet(): SafetyNet {
  const controller = new AbortController();
  let tracked: RelayBackend[] = [];
  const allSafe = () => Promise.all(tracked.map((b) => b.safe().catch(() => undefined)));

  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      void allSafe().finally(() => process.exit(SIGNAL_EXIT[signal] ?? EXIT.infrastructure));
      return;
    }
    process.stderr.write(`\nshakedown: ${signal}: stopping, relays to their safe state…\n`);
    controller.abort(new Interrupted(signal));
  };
  const onFatal = (error: unknown) => {
    process.stderr.write(`shakedown: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    void allSafe().finally(() => process.exit(EXIT.infrastructure));
  };
  // SIGHUP: the terminal or SSH session that started the run went away.
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  return {
    signal: controller.signal,
    stoppedExit(advice) {
      const signal = (controller.signal.reason as Interrupted | undefined)?.signal ?? 'SIGINT';
      process.stderr.write(`shakedown: stopped by ${signal}; relays are in their safe state, finished trials kept${advice ? `; ${advice}` : ''}\n`);
      return SIGNAL_EXIT[signal] ?? EXIT.infrastructure;
    },
    track(backends) {
      tracked = [...backends];
    },
    release() {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    },
  };
}
