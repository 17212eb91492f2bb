/**
 * Received bytes waiting to be read, with deadline-bound reads. Bounded: a flooding device cannot exhaust memory —
 * beyond maxBytes the oldest bytes are dropped (the newest are what answers the latest command) and counted.
 * Once the port is lost, pending and future reads reject.
 */
import type { Clock } from '../core/clock.js';
import { concatBytes } from '../core/bytes.js';
import { PortLostError } from './types.js';

interface Waiter {
  /** Checks whether the waiter can be settled now; returns true when it settled. */
  poll(): boolean;
  fail(error: Error): void;
}

export class ReceiveQueue {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private waiters = new Set<Waiter>();
  private lostError: PortLostError | null = null;

  /** Every byte received, including dropped ones. */
  receivedCount = 0;
  /** Bytes thrown away because the buffer was full. */
  droppedCount = 0;
  firstByteAt: number | null = null;
  lastByteAt: number | null = null;

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

  push(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.lostError) return;
    const now = this.clock.now();
    this.firstByteAt ??= now;
    this.lastByteAt = now;
    this.receivedCount += bytes.length;
    const chunk = bytes.length > this.maxBytes ? bytes.subarray(bytes.length - this.maxBytes) : bytes;
    this.droppedCount += bytes.length - chunk.length;
    this.chunks.push(Uint8Array.from(chunk));
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
    let collected = 0;
    // What a quiet-wait collects is bounded too: a flood keeps its first bytes (they tell what it is).
    const keep = (bytes: Uint8Array) => {
      const room = Math.max(0, this.maxBytes - collected);
      if (bytes.length > room) this.droppedCount += bytes.length - room;
      const kept = bytes.subarray(0, room);
      collected += kept.length;
      if (kept.length) parts.push(kept);
    };
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.lostError) return reject(this.lostError);
      let cancelQuiet = () => {};
      const finish = () => {
        cancelQuiet();
        cancelMax();
        this.waiters.delete(waiter);
        keep(this.takeAll());
        resolve(concatBytes(parts));
      };
      const armQuiet = () => {
        cancelQuiet();
        cancelQuiet = this.clock.setTimer(quietMs, finish);
      };
      const waiter: Waiter = {
        poll: () => {
          // Keep what came so far out of the bounded buffer's way, and restart the quiet period.
          keep(this.takeAll());
          armQuiet();
          return false;
        },
        fail: (error) => {
          cancelQuiet();
          cancelMax();
          reject(error);
        },
      };
      const cancelMax = this.clock.setTimer(Math.max(0, maxMs - (this.clock.now() - start)), finish);
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
      const waiter: Waiter = {
        poll: () => {
          const got = attempt(false);
          if (!got) return false;
          cancel();
          this.waiters.delete(waiter);
          resolve(got);
          return true;
        },
        fail: (error) => {
          cancel();
          reject(error);
        },
      };
      this.waiters.add(waiter);
      cancel = this.clock.setTimer(timeoutMs, () => {
        this.waiters.delete(waiter);
        resolve(attempt(true) ?? new Uint8Array(0));
      });
    });
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const head = this.chunks[0]!;
      const part = Math.min(head.length, n - at);
      out.set(head.subarray(0, part), at);
      at += part;
      if (part === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(part);
    }
    this.size -= n;
    return out;
  }

  private trim(): void {
    while (this.size > this.maxBytes) {
      const head = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      if (head.length <= excess) {
        this.chunks.shift();
        this.size -= head.length;
        this.droppedCount += head.length;
      } else {
        this.chunks[0] = head.subarray(excess);
        this.size -= excess;
        this.droppedCount += excess;
      }
    }
  }
}
