/**
 * When the host itself was held up. A reply is stamped when the event loop handles it, so a process that did not
 * run — a loaded machine, the OS giving the core to someone else, a collector pause, other lanes' work — stamps
 * an answer that reached the port in time as late. A probe that runs every PROBE_MS tells: a gap between two runs
 * well beyond PROBE_MS is a stretch in which the process could not get round to its timers (nor to its I/O).
 * Nothing else in the process ticks while a reply is awaited on real hardware (the precise scheduler sleeps when
 * no edge or simulated byte is due), hence a timer of its own, running only while watched; unref'd, it never keeps
 * the process alive.
 * Only the real clock lags: a test clock's time moves only when the test moves it.
 */
import { realClock, type Clock } from './clock.js';

/** How often the probe runs: a stall is counted from when the probe was due, so it may be up to this much longer. */
export const PROBE_MS = 5;
/** A gap this much beyond PROBE_MS is a stall; less is timer jitter. */
export const STALL_MIN_MS = 2;
/** Stalls older than this are forgotten (far longer than any reply window). */
export const KEEP_MS = 60_000;

/** A stretch of clock time in which the host was held up. */
export interface Stall {
  from: number;
  to: number;
}

/** How much of t0…t1 the stalls cover, each moment counted once however many stalls saw it. */
export function coveredMs(stalls: readonly Stall[], t0: number, t1: number): number {
  const clipped = stalls
    .map((s) => ({ from: Math.max(t0, s.from), to: Math.min(t1, s.to) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  let covered = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const s of clipped) {
    covered += Math.max(0, s.to - Math.max(s.from, reached));
    reached = Math.max(reached, s.to);
  }
  return covered;
}

class HostLagProbe {
  private readonly stalls: Stall[] = [];
  private lastRun = realClock.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private watchers = 0;

  /** Runs the probe while anyone watches; returns the function that stops watching. */
  watch(): () => void {
    if (this.watchers++ === 0) {
      this.lastRun = realClock.now();
      this.timer = setInterval(() => this.tick(), PROBE_MS).unref();
    }
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      if (--this.watchers === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** The stalls seen, counting one still under way now. */
  seen(): Stall[] {
    return [...this.stalls, ...this.ongoing()];
  }

  private ongoing(): Stall[] {
    const now = realClock.now();
    return this.timer && now - this.lastRun > PROBE_MS + STALL_MIN_MS ? [{ from: this.lastRun + PROBE_MS, to: now }] : [];
  }

  private tick(): void {
    const now = realClock.now();
    // The probe was due PROBE_MS after its last run and ran only now: held up at least since it was due. (The stall
    // may have begun up to PROBE_MS earlier; counting only what is certain keeps many short stalls from adding up
    // to more than the host really lost.)
    if (now - this.lastRun > PROBE_MS + STALL_MIN_MS) this.stalls.push({ from: this.lastRun + PROBE_MS, to: now });
    this.lastRun = now;
    while (this.stalls.length > 0 && this.stalls[0]!.to < now - KEEP_MS) this.stalls.shift();
  }
}

const probe = new HostLagProbe();

/**
 * Watches the host (on the real clock) until the returned function is called: stalls meanwhile are known. The
 * probe runs only while someone watches — a session awaiting replies — so an idle process pays nothing.
 */
export function watchHost(clock: Clock): () => void {
  return clock === realClock ? probe.watch() : () => undefined;
}

/**
 * How long the host was held up between t0 and t1 on `clock`: the probe's stalls (none on a test clock, and none
 * outside every watch) together with `known` — stretches a link saw the host deliver its traffic late (Link.hostStalls).
 */
export function hostHeldUpMs(clock: Clock, t0: number, t1: number, known: readonly Stall[] = []): number {
  return coveredMs(clock === realClock ? [...probe.seen(), ...known] : known, t0, t1);
}
