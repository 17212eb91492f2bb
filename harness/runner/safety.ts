/**
 * The bench's safety net for a command that switches relays: on SIGINT/SIGTERM the run is stopped and every relay
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
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface SafetyNet {
  readonly signal: AbortSignal;
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
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  return {
    signal: controller.signal,
    track(backends) {
      tracked = [...backends];
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    },
  };
}
