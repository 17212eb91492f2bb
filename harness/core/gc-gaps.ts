/**
 * Young-generation collections moved into the gaps between timed steps. A scavenge stops the main thread for a few
 * milliseconds — its cost is what survives it: the transcripts of every trial in flight — and one that falls on a
 * sequence's deadline makes that edge, or the first send after it, late by as much. V8 starts one whenever its
 * young generation fills, blind to our deadlines; so while sequences are waiting, the young generation is
 * collected a little early, once it is past FILL_BEFORE_COLLECTING and no deadline falls within the next few pause
 * lengths, nor an edge is being written (what a browser does between frames). Without timed steps pending, nothing
 * is done: V8 collects on its own terms.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { realClock, type Clock } from './clock.js';

/** How often the gap keeper looks for a gap while deadlines are pending. */
const CHECK_EVERY_MS = 2;
/** How full the young generation must be before it is worth collecting early. */
export const FILL_BEFORE_COLLECTING = 0.6;
/** A deadline that has just fired is still held this long: the edge or send it releases runs right after it. */
export const HOLD_AFTER_MS = 1;
/** The gap needed is this many times the longest recent pause … */
export const GAP_PAUSES = 2;
/** … and never less than this. */
export const MIN_GAP_MS = 4;
/** How fast the remembered longest pause fades (per collection), so one slow pause does not close every gap. */
const PAUSE_MEMORY = 0.9;
/** The pause assumed before the first collection of ours is measured: a scavenge of 16 lanes' trials in flight. */
const FIRST_PAUSE_GUESS_MS = 4;

export type Collect = (options: { type: 'minor' }) => void;

/** V8's collector, exposed for this process (null where the engine refuses). */
function collector(): Collect | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as Collect;
  try {
    // The flag only affects contexts made after it: a fresh one hands over the function, which collects the
    // whole process's heap.
    setFlagsFromString('--expose-gc');
    const collect: unknown = runInNewContext('gc');
    return typeof collect === 'function' ? (collect as Collect) : null;
  } catch {
    return null;
  }
}

/** The young generation's fill, 0–1. */
function youngFill(): number {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (!young) return 0;
  const capacity = young.space_used_size + young.space_available_size;
  return capacity > 0 ? young.space_used_size / capacity : 0;
}

export interface GcGapStats {
  /** Collections started in a gap. */
  collections: number;
  /** Their pauses, in all (ms). */
  pausedMs: number;
}

/** What a gap keeper runs on: the real process by default; a test's own values otherwise. */
export interface GcGapsHost {
  /** Collects the young generation now (null: the engine would not hand its collector over). */
  collect: Collect | null;
  now: () => number;
  /** The young generation's fill, 0–1. */
  fill: () => number;
  /** Calls fn every `ms` until the returned function is called (keeping no process alive). */
  every: (ms: number, fn: () => void) => () => void;
}

export const processHost = (): GcGapsHost => ({
  collect: collector(),
  now: () => performance.now(),
  fill: youngFill,
  every: (ms, fn) => {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
});

/** A timed step: due at `at`; `open` until the edge or send it releases has been written. */
interface TimedStep {
  at: number;
  open: boolean;
}

export class GcGaps {
  /** Timed steps still open, or closed but not yet past their hold. */
  private steps: TimedStep[] = [];
  private stopChecking: (() => void) | null = null;
  private longestPauseMs = FIRST_PAUSE_GUESS_MS;
  private readonly counts: GcGapStats = { collections: 0, pausedMs: 0 };
  /** Null once the engine refused a collection: from then on nothing is done. */
  private collect: Collect | null;

  constructor(private readonly host: GcGapsHost) {
    this.collect = host.collect;
  }

  /**
   * A timed step is due at atMs: no collection of ours may start near it, nor before the returned function is called
   * (once what the step releases has been written).
   */
  expect(atMs: number): () => void {
    if (!this.collect) return () => undefined;
    const step: TimedStep = { at: atMs, open: true };
    this.steps.push(step);
    this.stopChecking ??= this.host.every(CHECK_EVERY_MS, () => this.check());
    return () => {
      step.open = false;
    };
  }

  get stats(): Readonly<GcGapStats> {
    return this.counts;
  }

  /** Collects the young generation if it is worth it and no step is near; stops looking once none is pending. */
  check(): void {
    const { now: clockNow, fill } = this.host;
    const now = clockNow();
    this.steps = this.steps.filter((step) => step.open || step.at >= now - HOLD_AFTER_MS);
    const collect = this.collect;
    if (this.steps.length === 0 || !collect) {
      this.stopChecking?.();
      this.stopChecking = null;
      return;
    }
    // A step still open past its time is being carried out now.
    const nearest = Math.min(...this.steps.map((step) => (step.open ? Math.max(step.at, now - HOLD_AFTER_MS) : step.at)));
    const gapMs = Math.max(MIN_GAP_MS, GAP_PAUSES * this.longestPauseMs);
    if (nearest < now + gapMs || fill() < FILL_BEFORE_COLLECTING) return;
    const started = clockNow();
    try {
      collect({ type: 'minor' });
    } catch {
      // An engine that will not collect on request: V8 goes on collecting on its own terms.
      this.collect = null;
      this.steps = [];
      this.stopChecking?.();
      this.stopChecking = null;
      return;
    }
    const pausedMs = clockNow() - started;
    this.longestPauseMs = Math.max(pausedMs, this.longestPauseMs * PAUSE_MEMORY);
    this.counts.collections++;
    this.counts.pausedMs += pausedMs;
  }
}

/** The process's gap keeper, made on first use. */
let processGaps: GcGaps | null = null;

export function gcGaps(): GcGaps {
  processGaps ??= new GcGaps(processHost());
  return processGaps;
}

/**
 * Marks a timed step due at atMs on this clock; call the returned function once what it releases has been written
 * (on a test clock there are no pauses to move: nothing is done).
 */
export function expectTimedStep(clock: Clock, atMs: number): () => void {
  return clock === realClock ? gcGaps().expect(atMs) : () => undefined;
}
