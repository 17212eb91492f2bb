/**
 * Time as the harness sees it: a monotonic millisecond clock plus timers.
 * Emulators, engines and sequences take a Clock so that unit tests can run on a ManualClock
 * (instant, deterministic) while the bench and the simulation run on the real one.
 */
export interface Clock {
  /** Monotonic milliseconds with sub-millisecond resolution (performance.now() on the real clock). */
  now(): number;
  /** Calls fn after ms milliseconds; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
  /** Resolves after ms milliseconds. */
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(handle);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

interface PendingTimer {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; timers fire in time order during advance(). */
export class ManualClock implements Clock {
  private current = 0;
  private order = 0;
  private timers: PendingTimer[] = [];

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** Moves time forward by ms, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= end)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.current = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = end;
  }

  /** Like advance(), but lets promise callbacks run between timers (for async code under test). */
  async advanceAsync(ms: number, stepMs = 1): Promise<void> {
    for (let done = 0; done < ms; done += stepMs) {
      this.advance(Math.min(stepMs, ms - done));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
