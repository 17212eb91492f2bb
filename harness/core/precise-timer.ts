/**
 * Timers to a few hundredths of a millisecond, for pin edges (sequences) and byte arrivals on the simulated wire.
 * Every pending deadline of the process waits in one scheduler, in time order, with one wake-up armed for the
 * earliest. On the real clock the wake-up comes from a thread sleeping on a high-resolution timeout
 * (wake-thread.ts), a tenth of a millisecond early: the main thread sleeps until then instead of polling, however
 * many lanes wait, and busy-waits only the last fraction of a millisecond; a wake-up due within NEAR_MS (a
 * deadline about a third of a millisecond away) comes from the loop's next turns instead. A test clock's timers are
 * exact already and are used as they are.
 */
import { realClock, type Clock } from './clock.js';
import { ThreadWakeup, type Wakeup } from './wake-thread.js';

/** Floating-point slack when comparing the clock with a deadline. */
const EPSILON_MS = 1e-6;
/**
 * The longest a run may busy-wait for deadlines that are about to fall due (a wake-up with a lead comes a little
 * early on purpose): short enough that other lanes' I/O never waits long for it.
 */
export const MAX_SPIN_MS = 0.25;

interface Entry {
  at: number;
  /** Deadlines at the same time fire in the order they were scheduled. */
  order: number;
  fn: () => void;
  /** Cancelled, or fired already. */
  done: boolean;
}

/**
 * Pending deadlines fired by one wake-up source. A callback runs at its deadline or after it, never before;
 * deadlines that fall due together fire in time order, then in the order they were scheduled.
 */
export class PreciseScheduler {
  /** A binary min-heap on (at, order); cancelled entries leave it when they reach the top. */
  private readonly heap: Entry[] = [];
  private order = 0;
  private live = 0;
  /** The deadline the wake-up is armed for (Infinity: none). */
  private armedAt = Number.POSITIVE_INFINITY;
  /** Set while due callbacks run: what they schedule is armed for once, when they are done. */
  private running = false;
  private readonly wakeup: Wakeup;

  constructor(
    private readonly clock: Clock,
    wakeup: (run: () => void) => Wakeup,
  ) {
    this.wakeup = wakeup(() => this.run());
  }

  /** Deadlines neither fired nor cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Calls fn at clock time atMs; returns a function that cancels it. */
  schedule(atMs: number, fn: () => void): () => void {
    if (Number.isNaN(atMs)) throw new RangeError('a precise timer needs a time, not NaN');
    const entry: Entry = { at: atMs, order: this.order++, fn, done: false };
    this.push(entry);
    this.live++;
    if (atMs < this.armedAt && !this.running) this.arm(atMs);
    return () => {
      if (entry.done) return;
      entry.done = true;
      if (--this.live === 0 && !this.running) this.disarm();
    };
  }

  /**
   * Fires every deadline that has come, in order — busy-waiting, for at most MAX_SPIN_MS in all, for those closer
   * than the wake-up's lead — then arms the wake-up for the next one. Once a callback has fired, what it set going
   * (a promise's continuation: the edge it releases, the first send after a wait) runs before any busy-wait for a
   * deadline not yet due: the pass ends there and resumes on the next turn of the event loop.
   */
  private run(): void {
    this.armedAt = Number.POSITIVE_INFINITY;
    this.running = true;
    const { leadMs } = this.wakeup;
    const spinUntil = this.clock.now() + MAX_SPIN_MS;
    let fired = false;
    let resume = false;
    try {
      for (let head = this.heap[0]; head; head = this.heap[0]) {
        const now = this.clock.now();
        if (!head.done && head.at > now + EPSILON_MS) {
          // Nearer than the wake-up's lead, a deadline cannot be slept for: it is waited out, within the bound.
          if (head.at - now > leadMs || head.at > spinUntil) break;
          if (fired) {
            resume = true;
            break;
          }
          while (this.clock.now() + EPSILON_MS < head.at) pause();
        }
        this.pop();
        if (head.done) continue;
        head.done = true;
        this.live--;
        fired = true;
        head.fn();
      }
    } finally {
      // Also after a callback threw (an uncaught exception, as from any timer): the rest still fire.
      this.running = false;
      while (this.heap[0]?.done) this.pop();
      const next = this.heap[0];
      if (next && resume) {
        // Microtasks run before an immediate: the fired callbacks' continuations first, then the wait resumes —
        // with no wake-up (thread or timer) for a deadline that could not be slept for anyway.
        this.wakeup.disarm();
        this.armedAt = next.at;
        setImmediate(() => this.resume());
      } else if (next) this.arm(next.at);
      else this.disarm();
    }
  }

  /** Goes on with a pass that stopped for the fired callbacks' continuations, unless everything was cancelled. */
  private resume(): void {
    if (!this.running && this.armedAt < Number.POSITIVE_INFINITY) this.run();
  }

  private arm(atMs: number): void {
    this.armedAt = atMs;
    if (atMs < Number.POSITIVE_INFINITY) this.wakeup.arm(atMs - this.wakeup.leadMs);
  }

  private disarm(): void {
    this.armedAt = Number.POSITIVE_INFINITY;
    this.wakeup.disarm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Removes the top of the heap. */
  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

/** Where pause() leaves its work, so that the loop is not optimised away. */
let pauseSink = 0;

/**
 * A fraction of a microsecond of busy work between two readings of the clock in a busy-wait: each reading
 * allocates (a few million a second would feed the garbage collector, whose pauses make deadlines late).
 */
function pause(): void {
  for (let i = 0; i < 256; i++) pauseSink = (pauseSink + i) | 0;
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/** Wake-ups from a clock's own timers (exact on a test clock). */
export function clockWakeup(clock: Clock): (run: () => void) => Wakeup {
  return (run) => {
    let cancel: (() => void) | null = null;
    return {
      leadMs: 0,
      arm(atMs) {
        cancel?.();
        cancel = clock.setTimer(atMs - clock.now(), () => {
          cancel = null;
          run();
        });
      },
      disarm() {
        cancel?.();
        cancel = null;
      },
    };
  };
}

/** The process's scheduler on the real clock, made on first use (its thread is started then). */
let realScheduler: PreciseScheduler | null = null;

/** Calls fn at clock time atMs; returns a function that cancels it. */
export function preciseTimer(clock: Clock, atMs: number, fn: () => void): () => void {
  if (clock !== realClock) return clock.setTimer(atMs - clock.now(), fn);
  realScheduler ??= new PreciseScheduler(realClock, (run) => new ThreadWakeup(run));
  return realScheduler.schedule(atMs, fn);
}

/** Resolves at clock time atMs (at once if it has passed). */
export function waitUntil(clock: Clock, atMs: number): Promise<void> {
  if (clock.now() >= atMs) return Promise.resolve();
  return new Promise((resolve) => preciseTimer(clock, atMs, resolve));
}

/**
 * The clock with its timers on the precise scheduler: an emulator's own timers (a chip's start-up time, a
 * watchdog) then fire in time order with the simulated wire's byte arrivals, as they would on silicon. On plain
 * timers a start-up that a busy process delays past a byte due later would lose that byte — a fault of the
 * harness, not of the board. A test clock is exact already and is returned as it is.
 */
export function preciseClock(clock: Clock): Clock {
  if (clock !== realClock) return clock;
  return {
    now: () => clock.now(),
    setTimer: (ms, fn) => preciseTimer(clock, clock.now() + Math.max(0, ms), fn),
    sleep: (ms) => waitUntil(clock, clock.now() + Math.max(0, ms)),
  };
}
