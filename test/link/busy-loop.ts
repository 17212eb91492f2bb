/** A busy process on demand: the event loop held by synchronous work, as on a loaded machine. */

/** Keeps the event loop busy for ms. */
export function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** Continues in the event loop's check phase: the loop's next timers phase then comes before its next I/O poll. */
export const inCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
