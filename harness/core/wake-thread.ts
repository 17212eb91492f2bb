/**
 * Sub-millisecond wake-ups for the main thread that leave it asleep until the moment. Node's timers have
 * whole-millisecond resolution, and polling through the last milliseconds (as the precise timers once did) keeps
 * the thread runnable: it burns CPU, allocates, and on a loaded machine the OS time-slices it away from the
 * deadline. Instead one small thread sleeps on a futex with the kernel's high-resolution timeout and, at the
 * deadline, posts a message that wakes the main thread's event loop at once. A millisecond timer stands behind it:
 * on a loaded machine the thread itself can be kept off a core for tens of milliseconds while the event loop runs on
 * time, and every deadline of the process would wait for it.
 */
import { Worker } from 'node:worker_threads';

/** One pending wake-up, moved or withdrawn at will (see PreciseScheduler). */
export interface Wakeup {
  /** How much earlier than a deadline to arm it, to make up for the wake-up's own latency (0: exact). */
  readonly leadMs: number;
  /** Calls the owner back at clock time atMs or a little after; replaces any earlier arming. */
  arm(atMs: number): void;
  /** No wake-up is wanted (and none keeps the process alive). */
  disarm(): void;
}

/**
 * The thread, as a plain script (it runs without the TypeScript loader). `gen` counts armings; `deadline` is the
 * wake-up time in process.hrtime nanoseconds. Having posted a deadline, the thread sleeps until the next arming,
 * so each arming is posted at most once.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const gen = new Int32Array(workerData, 0, 1);
const deadline = new BigInt64Array(workerData, 8, 1);
for (;;) {
  const armed = Atomics.load(gen, 0);
  const leftMs = Number(Atomics.load(deadline, 0) - process.hrtime.bigint()) / 1e6;
  if (leftMs > 0) {
    Atomics.wait(gen, 0, armed, leftMs);
  } else {
    parentPort.postMessage(armed);
    Atomics.wait(gen, 0, armed);
  }
}
`;

/** The largest deadline: no wake-up. */
const NEVER = 2n ** 63n - 1n;

/** How long after a deadline the millisecond timer wakes the main thread when the thread has not. */
export const BACKSTOP_MS = 1;

/**
 * A wake-up due sooner than this comes from the event loop's next turn, not the thread: the thread's round trip
 * (its futex, its message, the main thread's own wake-up) costs about as much on an idle machine, and far more where
 * an idle virtual CPU is halted and must be woken twice. The loop does not sleep meanwhile: it turns, so I/O goes on.
 */
export const NEAR_MS = 0.25;

/**
 * Wake-ups from the sleeping thread. Until the thread runs (its first milliseconds), and should it ever stop, a
 * millisecond timer stands in; while it runs, one stands behind it, BACKSTOP_MS after the deadline.
 */
export class ThreadWakeup implements Wakeup {
  /** The kernel's timer slack (50 µs) plus the thread's and the main thread's wake-up, on an idle machine. */
  readonly leadMs = 0.1;
  private readonly gen: Int32Array;
  private readonly deadline: BigInt64Array;
  /** process.hrtime minus performance.now(), in nanoseconds: both count the monotonic clock. */
  private readonly offsetNs: bigint;
  private worker: Worker | null = null;
  private online = false;
  private armedAt: number | null = null;
  private fallback: NodeJS.Timeout | null = null;
  private nextTurn: NodeJS.Immediate | null = null;
  private readonly onNextTurn = () => {
    this.nextTurn = null;
    this.wake();
  };

  constructor(
    private readonly wake: () => void,
    /** What the thread runs (a test may give one that never posts: a thread kept off its core). */
    threadSource = THREAD_SOURCE,
  ) {
    const shared = new SharedArrayBuffer(16);
    this.gen = new Int32Array(shared, 0, 1);
    this.deadline = new BigInt64Array(shared, 8, 1);
    this.deadline[0] = NEVER;
    this.offsetNs = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));
    try {
      const worker = new Worker(threadSource, { eval: true, workerData: shared, name: 'shakedown wake-ups' });
      worker.unref();
      worker.on('online', () => {
        this.online = true;
        if (this.armedAt !== null) this.armFallback(this.armedAt);
      });
      worker.on('message', () => this.wake());
      worker.on('error', () => this.lose());
      worker.on('exit', () => this.lose());
      this.worker = worker;
    } catch {
      // No thread to be had (resource limits): millisecond timers it is.
    }
  }

  arm(atMs: number): void {
    if (atMs - performance.now() <= NEAR_MS) {
      this.disarm();
      this.nextTurn = setImmediate(this.onNextTurn);
      return;
    }
    this.clearNextTurn();
    const idle = this.armedAt === null;
    this.armedAt = atMs;
    if (this.worker) {
      this.setDeadline(BigInt(Math.ceil(atMs * 1e6)) + this.offsetNs);
      Atomics.notify(this.gen, 0);
      // Only while a wake-up is pending does the thread keep the process alive, as a timer would.
      if (idle) this.worker.ref();
    }
    this.armFallback(atMs);
  }

  disarm(): void {
    this.clearNextTurn();
    if (this.armedAt === null) return;
    this.armedAt = null;
    if (this.worker) {
      // Not woken for this: asleep until the old deadline, it then finds none and sleeps on.
      this.setDeadline(NEVER);
      this.worker.unref();
    }
    this.clearFallback();
  }

  private setDeadline(deadlineNs: bigint): void {
    Atomics.store(this.deadline, 0, deadlineNs);
    Atomics.add(this.gen, 0, 1);
  }

  /** The thread stopped: whatever it was armed for goes to the timer. */
  private lose(): void {
    this.worker = null;
    this.online = false;
    if (this.armedAt !== null) this.armFallback(this.armedAt);
  }

  /** The millisecond timer: at the deadline while no thread runs, BACKSTOP_MS after it while one does. */
  private armFallback(atMs: number): void {
    this.clearFallback();
    const dueAt = this.online ? atMs + BACKSTOP_MS : atMs;
    this.fallback = setTimeout(() => {
      this.fallback = null;
      this.wake();
    }, Math.max(0, Math.ceil(dueAt - performance.now())));
  }

  private clearNextTurn(): void {
    if (this.nextTurn) clearImmediate(this.nextTurn);
    this.nextTurn = null;
  }

  private clearFallback(): void {
    if (this.fallback) clearTimeout(this.fallback);
    this.fallback = null;
  }
}
