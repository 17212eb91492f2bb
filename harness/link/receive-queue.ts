/**
 * Received bytes waiting to be read, each chunk with the time it arrived, and deadline-bound reads. A deadline is
 * declared passed only after pending I/O has had its turn (pending-io.ts): what had reached the port by then
 * counts as in time, however late a busy event loop ran the timer. Bounded: a flooding device cannot exhaust
 * memory — beyond maxBytes the oldest bytes are dropped (the newest are what answers the latest command) and
 * counted. Once the port is lost, pending and future reads reject.
 */
import type { Clock } from '../core/clock.js';
import { concatBytes } from '../core/bytes.js';
import { deadlineAfterPendingIo } from './pending-io.js';
import { PortLostError } from './types.js';

interface Waiter {
  /** Checks whether the waiter can be settled now; returns true when it settled. */
  poll(): boolean;
  fail(error: Error): void;
}

interface Chunk {
  bytes: Uint8Array;
  /** Clock time the chunk arrived. */
  at: number;
}

/** When the first and the last byte a read returned arrived. */
export interface Arrival {
  first: number;
  last: number;
}

export class ReceiveQueue {
  private chunks: Chunk[] = [];
  private size = 0;
  private waiters = new Set<Waiter>();
  private lostError: PortLostError | null = null;

  /** Every byte received, including dropped ones. */
  receivedCount = 0;
  /** Bytes thrown away because the buffer was full. */
  droppedCount = 0;
  firstByteAt: number | null = null;
  lastByteAt: number | null = null;
  /** Arrival of the bytes the latest read or take returned; null when it returned none. */
  lastRead: Arrival | null = null;

  constructor(
    private readonly clock: Clock,
    readonly maxBytes = 64 * 1024,
  ) {}

  get lost(): boolean {
    return this.lostError !== null;
  }

  get buffered(): number {
    return this.size;
  }

  /** Bytes from the port; `at` is when they arrived there, if known better than now. */
  push(bytes: Uint8Array, at = this.clock.now()): void {
    if (bytes.length === 0 || this.lostError) return;
    this.firstByteAt ??= at;
    this.lastByteAt = at;
    this.receivedCount += bytes.length;
    const chunk = bytes.length > this.maxBytes ? bytes.subarray(bytes.length - this.maxBytes) : bytes;
    this.droppedCount += bytes.length - chunk.length;
    this.chunks.push({ bytes: Uint8Array.from(chunk), at });
    this.size += chunk.length;
    this.trim();
    for (const waiter of [...this.waiters]) waiter.poll();
  }

  /** The port is gone: every reader learns it now, and later. */
  lose(reason: string): void {
    if (this.lostError) return;
    this.lostError = new PortLostError(reason);
    for (const waiter of [...this.waiters]) waiter.fail(this.lostError);
    this.waiters.clear();
  }

  takeAll(): Uint8Array {
    return this.take(this.size);
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    return this.wait(timeoutMs, (expired) => (this.size >= n || expired ? this.take(Math.min(n, this.size)) : null));
  }

  readUntilQuiet(quietMs: number, maxMs: number): Promise<Uint8Array> {
    const start = this.clock.now();
    const parts: Uint8Array[] = [];
    const arrivals: Arrival[] = [];
    let collected = 0;
    // What a quiet-wait collects is bounded too: a flood keeps its first bytes (they tell what it is).
    const keep = (bytes: Uint8Array) => {
      const room = Math.max(0, this.maxBytes - collected);
      if (bytes.length > room) this.droppedCount += bytes.length - room;
      const kept = bytes.subarray(0, room);
      collected += kept.length;
      if (kept.length) parts.push(kept);
      if (bytes.length && this.lastRead) arrivals.push(this.lastRead);
    };
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.lostError) return reject(this.lostError);
      let cancelQuiet = () => {};
      let heard = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        cancelQuiet();
        cancelMax();
        this.waiters.delete(waiter);
        keep(this.takeAll());
        this.lastRead = arrivals.length ? { first: arrivals[0]!.first, last: arrivals[arrivals.length - 1]!.last } : null;
        resolve(concatBytes(parts));
      };
      // The line is quiet only if nothing was waiting to be delivered either.
      const armQuiet = () => {
        cancelQuiet();
        const before = heard;
        cancelQuiet = deadlineAfterPendingIo(this.clock, quietMs, () => {
          if (!done && heard === before) finish();
        });
      };
      const waiter: Waiter = {
        poll: () => {
          // Keep what came so far out of the bounded buffer's way, and restart the quiet period.
          heard++;
          keep(this.takeAll());
          armQuiet();
          return false;
        },
        fail: (error) => {
          done = true;
          cancelQuiet();
          cancelMax();
          reject(error);
        },
      };
      const cancelMax = deadlineAfterPendingIo(this.clock, Math.max(0, maxMs - (this.clock.now() - start)), finish);
      this.waiters.add(waiter);
      armQuiet();
    });
  }

  private wait(timeoutMs: number, attempt: (expired: boolean) => Uint8Array | null): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.lostError) return reject(this.lostError);
      const now = attempt(false);
      if (now) return resolve(now);
      let cancel = () => {};
      let done = false;
      const waiter: Waiter = {
        poll: () => {
          const got = attempt(false);
          if (!got) return false;
          done = true;
          cancel();
          this.waiters.delete(waiter);
          resolve(got);
          return true;
        },
        fail: (error) => {
          done = true;
          cancel();
          reject(error);
        },
      };
      this.waiters.add(waiter);
      // The waiter stays registered until then: bytes that were already on their way still satisfy it.
      cancel = deadlineAfterPendingIo(this.clock, timeoutMs, () => {
        if (done) return;
        done = true;
        this.waiters.delete(waiter);
        resolve(attempt(true) ?? new Uint8Array(0));
      });
    });
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    let first: number | null = null;
    let last: number | null = null;
    while (at < n) {
      const head = this.chunks[0]!;
      const part = Math.min(head.bytes.length, n - at);
      out.set(head.bytes.subarray(0, part), at);
      first ??= head.at;
      last = head.at;
      at += part;
      if (part === head.bytes.length) this.chunks.shift();
      else this.chunks[0] = { bytes: head.bytes.subarray(part), at: head.at };
    }
    this.size -= n;
    this.lastRead = first === null || last === null ? null : { first, last };
    return out;
  }

  private trim(): void {
    while (this.size > this.maxBytes) {
      const head = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      if (head.bytes.length <= excess) {
        this.chunks.shift();
        this.size -= head.bytes.length;
        this.droppedCount += head.bytes.length;
      } else {
        this.chunks[0] = { bytes: head.bytes.subarray(excess), at: head.at };
        this.size -= excess;
        this.droppedCount += excess;
      }
    }
  }
}
