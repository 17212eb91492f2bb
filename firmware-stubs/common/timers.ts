/** Timers a device holds, so that power loss or a reset can drop all of them at once. */
import type { Clock } from '../../harness/core/clock.js';

export class TimerSet {
  private readonly pending = new Set<() => void>();
  /** Bumped by cancelAll(): a callback from an older generation never runs or reschedules. */
  private generation = 0;

  constructor(private readonly clock: Clock) {}

  /** Runs fn once after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const born = this.generation;
    const cancel = this.clock.setTimer(ms, () => {
      this.pending.delete(cancel);
      if (born === this.generation) fn();
    });
    this.pending.add(cancel);
    return () => {
      cancel();
      this.pending.delete(cancel);
    };
  }

  /** Runs fn every ms (first call after ms) until the returned function is called or cancelAll(). */
  every(ms: number, fn: () => void): () => void {
    let stopped = false;
    let cancelNext = (): void => {};
    const schedule = (): void => {
      cancelNext = this.after(ms, () => {
        fn();
        if (!stopped) schedule();
      });
    };
    schedule();
    return () => {
      stopped = true;
      cancelNext();
    };
  }

  cancelAll(): void {
    this.generation++;
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }
}
