/**
 * Simulated time that runs as fast as the CPU allows: whenever everything in the process has settled (no promise
 * callbacks or immediates left to run), the clock jumps to the next timer. Only for the simulated bench, where
 * every delay goes through the Clock — a night of trials then takes seconds instead of hours, with the same
 * byte pacing, deadlines and fault draws as in real time. Never use it with real hardware.
 */
import type { Clock } from './clock.js';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/** Event-loop turns to wait for reactions to settle before time moves on. */
const SETTLE_TURNS = 6;

/** Clocks whose run loop is going (timers pending): one left going when everything is over is a leaked bench. */
let running = 0;

/** How many virtual clocks still have timers to run. */
export function runningVirtualClocks(): number {
  return running;
}

export class VirtualClock implements Clock {
  private current = 0;
  private order = 0;
  private timers: Timer[] = [];
  private pumping = false;

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.timers.push(timer);
    this.pump();
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    running++;
    void this.run();
  }

  private async run(): Promise<void> {
    for (;;) {
      for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      this.timers = this.timers.filter((t) => !t.cancelled);
      if (this.timers.length === 0) break;
      let next = this.timers[0]!;
      for (const t of this.timers) if (t.at < next.at || (t.at === next.at && t.order < next.order)) next = t;
      this.current = Math.max(this.current, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.pumping = false;
    running--;
  }
}
