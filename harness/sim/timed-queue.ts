/**
 * Bytes in flight on one direction of a serial line, each with the clock time it arrives. Delivery runs on at most
 * one pending timer: the first and last bytes of each chunk (what one write or transmission put on the line) are
 * delivered at their exact arrival times on a precise timer — a reply's first and last bytes are what a listener
 * waits for; the bytes in between go in batches about `batchMs` apart on a plain timer, so a long burst or a
 * flood costs a timer per batch, never one per byte, and does not keep the event loop spinning. How late the host
 * fired the exact ones goes to the world's HostDelays: a batch may come late by design, a chunk's end may not.
 */
import type { Clock } from '../core/clock.js';
import { preciseTimer } from '../core/precise-timer.js';
import { concatBytes } from '../core/bytes.js';
import type { HostDelays } from './host-delays.js';

interface Chunk {
  bytes: Uint8Array;
  /** Arrival time of bytes[0]; byte i arrives at firstAt + i × stepMs. */
  firstAt: number;
  stepMs: number;
  /** Bytes of this chunk already delivered. */
  taken: number;
}

/** A timer at clock time atMs with the clock's own resolution (whole milliseconds on the real clock). */
function plainTimer(clock: Clock, atMs: number, fn: () => void): () => void {
  return clock.setTimer(atMs - clock.now(), fn);
}

/** How late a plain timer may fire on a loaded machine, as far as chunk ends are concerned. */
const PLAIN_TIMER_LATENESS_MS = 2;

/** Floating-point slack when comparing an arrival time with the time a timer fired. */
const EPSILON_MS = 1e-6;

export class TimedQueue {
  private chunks: Chunk[] = [];
  private pending = 0;
  private cancelTimer: (() => void) | null = null;
  private lastDeliveryAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly deliver: (bytes: Uint8Array) => void,
    private readonly batchMs = 1,
    private readonly delays?: HostDelays,
  ) {}

  /** Bytes queued and not yet delivered. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Queues bytes; byte i arrives at firstAt + i × stepMs. Arrival times must not go backwards between calls. */
  push(bytes: Uint8Array, firstAt: number, stepMs: number): void {
    if (bytes.length === 0) return;
    this.chunks.push({ bytes, firstAt, stepMs, taken: 0 });
    this.pending += bytes.length;
    this.schedule();
  }

  /** Forgets every byte in flight (the line was cut). */
  clear(): void {
    this.chunks = [];
    this.pending = 0;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** Delivers what has already arrived, then forgets the rest (a flush of bytes not yet sent). */
  discardUnsent(): void {
    this.deliverDue(this.clock.now());
    this.clear();
  }

  private nextArrival(): number {
    const head = this.chunks[0]!;
    return head.firstAt + head.taken * head.stepMs;
  }

  /** Arrival time of the last byte of the oldest chunk. */
  private headEnd(): number {
    const head = this.chunks[0]!;
    return head.firstAt + (head.bytes.length - 1) * head.stepMs;
  }

  private schedule(): void {
    if (this.cancelTimer || this.pending === 0) return;
    const end = this.headEnd();
    let at = Math.max(this.nextArrival(), Math.min(this.lastDeliveryAt + this.batchMs, end));
    // Batches inside a chunk may come a little late; a chunk's first and last bytes may not. A batch that a late
    // plain timer could push past the chunk's end is left for the end itself.
    const first = this.chunks[0]!.taken === 0;
    if (!first && end - at < PLAIN_TIMER_LATENESS_MS) at = end;
    const exact = first || at === end;
    const fire = (): void => {
      this.cancelTimer = null;
      const now = this.clock.now();
      this.lastDeliveryAt = now;
      this.deliverDue(now);
      this.schedule();
    };
    if (!exact) this.cancelTimer = plainTimer(this.clock, at, fire);
    else if (this.delays) this.cancelTimer = this.delays.watch(at, (watched) => preciseTimer(this.clock, at, watched), fire);
    else this.cancelTimer = preciseTimer(this.clock, at, fire);
  }

  private deliverDue(now: number): void {
    const parts: Uint8Array[] = [];
    let total = 0;
    while (this.chunks.length > 0) {
      const head = this.chunks[0]!;
      const due =
        head.stepMs > 0
          ? Math.min(head.bytes.length, Math.floor((now + EPSILON_MS - head.firstAt) / head.stepMs) + 1)
          : now + EPSILON_MS >= head.firstAt
            ? head.bytes.length
            : 0;
      if (due <= head.taken) break;
      parts.push(head.bytes.subarray(head.taken, due));
      total += due - head.taken;
      head.taken = due;
      if (head.taken < head.bytes.length) break;
      this.chunks.shift();
    }
    if (total === 0) return;
    this.pending -= total;
    const batch = parts.length === 1 ? parts[0]! : concatBytes(parts);
    this.deliver(batch);
  }
}
