/**
 * How late the host itself ran one DUT's simulated world: its wire's deliveries and its emulator's timers. Each
 * knows when it was due; one that fired later was kept waiting by our own process (a busy machine, or the precise
 * timer's wake-up thread kept off a core), never by the board — a planted boot delay or link latency is part of
 * when it is due. A reply that depends on such a timer is late by the host's doing, which the session's probe on
 * the event loop may not see (the loop itself can run on time meanwhile); the link hands these stretches to it.
 */
import type { Clock } from '../core/clock.js';
import { KEEP_MS, STALL_MIN_MS, type Stall } from '../core/host-lag.js';

export class HostDelays {
  private readonly stalls: Stall[] = [];
  /** When each timer not yet fired was due. */
  private readonly pending = new Set<{ dueAt: number }>();

  constructor(private readonly clock: Clock) {}

  /**
   * Arms `arm` (a timer due at dueAt calling its argument) so that its lateness is noted; returns what arm returns
   * (the timer's cancel function), cancelling the watch too.
   */
  watch(dueAt: number, arm: (fire: () => void) => () => void, fn: () => void): () => void {
    const entry = { dueAt };
    this.pending.add(entry);
    const cancel = arm(() => {
      this.pending.delete(entry);
      this.fired(dueAt);
      fn();
    });
    return () => {
      this.pending.delete(entry);
      cancel();
    };
  }

  /** `clock` with every timer watched: what an emulator runs on. */
  watched(clock: Clock): Clock {
    const setTimer = (ms: number, fn: () => void): (() => void) => {
      const dueAt = clock.now() + Math.max(0, ms);
      return this.watch(dueAt, (fire) => clock.setTimer(ms, fire), fn);
    };
    return {
      now: () => clock.now(),
      setTimer,
      sleep: (ms) => new Promise<void>((resolve) => setTimer(ms, resolve)),
    };
  }

  /** The stretches in which a timer of this world was overdue, up to now: those that fired late and any still waiting. */
  between(t0: number, t1: number): Stall[] {
    const now = this.clock.now();
    const overdue = [...this.pending].filter((p) => now - p.dueAt > STALL_MIN_MS).map((p) => ({ from: p.dueAt, to: now }));
    return [...this.stalls, ...overdue].filter((s) => s.to > t0 && s.from < t1);
  }

  private fired(dueAt: number): void {
    const now = this.clock.now();
    // Less is the timers' ordinary jitter.
    if (now - dueAt > STALL_MIN_MS) this.stalls.push({ from: dueAt, to: now });
    while (this.stalls.length > 0 && this.stalls[0]!.to < now - KEEP_MS) this.stalls.shift();
  }
}
