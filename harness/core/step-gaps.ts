/**
 * The gaps between timed steps, and what is moved into them. Every sequence announces its next deadline and says
 * when the edge it releases has been written; two kinds of work that would make such an edge late are then kept
 * out of the moments around them:
 * - Young-generation collections. A scavenge stops the main thread for a few milliseconds — its cost is what survives
 *   it: the transcripts of every trial in flight — and V8 starts one whenever its young generation fills, blind to
 *   our deadlines. While steps are pending, the young generation is collected a little early, once it is past
 *   FILL_BEFORE_COLLECTING and no step falls within the next few pause lengths (what a browser does between frames).
 * - A lane's untimed work: opening and closing its port and building its record take a millisecond or more of the
 *   one thread, and lanes of identical boards tend to do it at the same moments as each other's edges. A lane waits
 *   (briefly, and never for its own steps) for a moment with no other lane's step near before doing it.
 * Without timed steps pending, nothing is done.
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
/**
 * A step still open this long after its deadline was abandoned (a relay write that never returned, in a trial whose
 * deadline passed): it no longer holds the collector and every lane's untimed work back. The relay watch deals with it.
 */
export const ABANDONED_AFTER_MS = 1_000;
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

/** What a gap keeper runs on: the real process by default; a test's own values otherwise. */
export interface StepGapsHost {
  /** Collects the young generation now (null: the engine would not hand its collector over). */
  collect: Collect | null;
  now: () => number;
  /** The young generation's fill, 0–1. */
  fill: () => number;
  /** Calls fn every `ms` until the returned function is called (keeping no process alive). */
  every: (ms: number, fn: () => void) => () => void;
  /** Resolves a little later (a turn of the timers: about a millisecond). */
  pause: () => Promise<void>;
}

export const processHost = (): StepGapsHost => ({
  collect: collector(),
  now: () => performance.now(),
  fill: youngFill,
  every: (ms, fn) => {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
  pause: () => realClock.sleep(0),
});

/** How far from any other lane's step a lane does its untimed work (opening, closing, its record). */
export const UNTIMED_WORK_CLEAR_MS = 3;
/** The longest a lane waits for such a moment: with many lanes there may be none, and the work must go on. */
export const UNTIMED_WORK_MAX_WAIT_MS = 10;

/** A timed step: due at `at`; `open` until the edge or send it releases has been written. */
interface TimedStep {
  at: number;
  open: boolean;
}

export class StepGaps {
  /** Timed steps still open, or closed but not yet past their hold. */
  private steps: TimedStep[] = [];
  private stopChecking: (() => void) | null = null;
  private longestPauseMs = FIRST_PAUSE_GUESS_MS;
  /** Collections started in a gap (B2 prints them). */
  private collectedInGaps = 0;
  /** Null once the engine refused a collection: from then on nothing is done. */
  private collect: Collect | null;

  constructor(private readonly host: StepGapsHost) {
    this.collect = host.collect;
  }

  /**
   * A timed step is due at atMs: no collection of ours or untimed work may start near it, nor before the returned
   * function is called (once what the step releases has been written).
   */
  expect(atMs: number): () => void {
    const step: TimedStep = { at: atMs, open: true };
    this.prune(this.host.now());
    this.steps.push(step);
    if (this.collect) this.stopChecking ??= this.host.every(CHECK_EVERY_MS, () => this.check());
    return () => {
      step.open = false;
    };
  }

  /**
   * Resolves once no step is due within clearMs or being carried out (a step written does not count: it is the
   * caller's own, just done, or its edge has left already), or after maxWaitMs at the latest.
   */
  async untilClear(clearMs = UNTIMED_WORK_CLEAR_MS, maxWaitMs = UNTIMED_WORK_MAX_WAIT_MS): Promise<void> {
    const giveUpAt = this.host.now() + maxWaitMs;
    for (;;) {
      const now = this.host.now();
      this.prune(now);
      if (!this.steps.some((step) => step.open && step.at < now + clearMs)) return;
      if (now >= giveUpAt) return;
      await this.host.pause();
    }
  }

  /** Forgets the steps written and past their hold. */
  private prune(now: number): void {
    const kept = (step: TimedStep) => (step.open ? step.at >= now - ABANDONED_AFTER_MS : step.at >= now - HOLD_AFTER_MS);
    if (!this.steps.every(kept)) this.steps = this.steps.filter(kept);
  }

  get collections(): number {
    return this.collectedInGaps;
  }

  /** Collects the young generation if it is worth it and no step is near; stops looking once none is pending. */
  check(): void {
    const { now: clockNow, fill } = this.host;
    const now = clockNow();
    this.prune(now);
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
      this.stopChecking?.();
      this.stopChecking = null;
      return;
    }
    const pausedMs = clockNow() - started;
    this.longestPauseMs = Math.max(pausedMs, this.longestPauseMs * PAUSE_MEMORY);
    this.collectedInGaps++;
  }
}

/** The process's gap keeper, made on first use. */
let processGaps: StepGaps | null = null;

export function stepGaps(): StepGaps {
  processGaps ??= new StepGaps(processHost());
  return processGaps;
}

/**
 * Marks a timed step due at atMs on this clock; call the returned function once what it releases has been written
 * (on a test clock there are no pauses to move: nothing is done).
 */
export function expectTimedStep(clock: Clock, atMs: number): () => void {
  return clock === realClock ? stepGaps().expect(atMs) : () => undefined;
}

/** Resolves when a lane may do its untimed work without delaying another lane's step (at once on a test clock). */
export function untimedWorkMay(clock: Clock): Promise<void> {
  return clock === realClock ? stepGaps().untilClear() : Promise.resolve();
}
