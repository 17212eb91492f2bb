/**
 * Timers to about 0.1 ms instead of setTimeout's whole milliseconds: a coarse timer until shortly before the
 * target, then setImmediate turns until it arrives. Yielding (not spinning) keeps other lanes' I/O running.
 * Used for pin edges (sequences) and for byte arrivals on the simulated wire; a test clock's timers are exact
 * already and are used as they are.
 */
import { realClock, type Clock } from './clock.js';

/** How long before the target the coarse timer hands over to the fine loop. */
const TIMER_SLACK_MS = 2;
/** Floating-point slack when comparing the clock with the target. */
const EPSILON_MS = 1e-6;

/** Calls fn at clock time atMs; returns a function that cancels it. */
export function preciseTimer(clock: Clock, atMs: number, fn: () => void): () => void {
  if (clock !== realClock) return clock.setTimer(atMs - clock.now(), fn);
  let cancelled = false;
  const fine = () => {
    if (cancelled) return;
    if (clock.now() + EPSILON_MS >= atMs) fn();
    else setImmediate(fine);
  };
  const coarse = atMs - clock.now() - TIMER_SLACK_MS;
  const cancelCoarse = coarse > 0 ? clock.setTimer(coarse, fine) : (setImmediate(fine), undefined);
  return () => {
    cancelled = true;
    cancelCoarse?.();
  };
}

/** Resolves at clock time atMs (at once if it has passed). */
export function waitUntil(clock: Clock, atMs: number): Promise<void> {
  if (clock.now() >= atMs) return Promise.resolve();
  return new Promise((resolve) => preciseTimer(clock, atMs, resolve));
}
