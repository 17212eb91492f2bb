/**
 * Releases bytes at the pace of a UART: each byte is handed on when its last bit (start + 8 data + stop = 10
 * bits) would have arrived at the given baud, so a 256-byte read takes ~22 ms at 115200 as on a real cable.
 * Timers fire in batches (a millisecond or so apart); each batch carries every byte that is due.
 */
import type { Clock } from '../../harness/core/clock.js';

const BITS_PER_BYTE = 10;

interface Chunk {
  bytes: Uint8Array;
  start: number;
  byteMs: number;
  sent: number;
}

export class LinePacer {
  private chunks: Chunk[] = [];
  private lineFreeAt = 0;
  private cancelTimer: (() => void) | null = null;
  private queued = 0;
  /** Bytes thrown away because the backlog was full (nobody could have carried them). */
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (bytes: Uint8Array) => void,
    /** Bytes that may wait for the line before new ones are dropped. */
    private readonly maxBacklog = 64 * 1024,
  ) {}

  /** Bytes still waiting for the line. */
  get pending(): number {
    return this.queued;
  }

  push(bytes: Uint8Array, baud: number): void {
    if (bytes.length === 0) return;
    const room = this.maxBacklog - this.queued;
    if (room <= 0) {
      this.dropped += bytes.length;
      return;
    }
    if (bytes.length > room) {
      this.dropped += bytes.length - room;
      bytes = bytes.subarray(0, room);
    }
    const byteMs = (BITS_PER_BYTE * 1000) / baud;
    const start = Math.max(this.clock.now(), this.lineFreeAt);
    this.lineFreeAt = start + bytes.length * byteMs;
    this.chunks.push({ bytes: Uint8Array.from(bytes), start, byteMs, sent: 0 });
    this.queued += bytes.length;
    this.schedule();
  }

  /** Forgets everything not yet sent (the line lost power). */
  clear(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.chunks = [];
    this.queued = 0;
    this.lineFreeAt = 0;
  }

  private release(): void {
    const now = this.clock.now();
    const parts: Uint8Array[] = [];
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      // A small epsilon so that a timer firing exactly on time counts the byte as arrived.
      const due = Math.min(chunk.bytes.length, Math.floor((now - chunk.start) / chunk.byteMs + 1e-6));
      if (due > chunk.sent) {
        parts.push(chunk.bytes.subarray(chunk.sent, due));
        this.queued -= due - chunk.sent;
        chunk.sent = due;
      }
      if (chunk.sent < chunk.bytes.length) break;
      this.chunks.shift();
    }
    if (parts.length === 1) this.sink(parts[0]!);
    else if (parts.length > 1) this.sink(concat(parts));
  }

  private schedule(): void {
    if (this.cancelTimer || this.chunks.length === 0) return;
    const chunk = this.chunks[0]!;
    const nextAt = chunk.start + (chunk.sent + 1) * chunk.byteMs;
    this.cancelTimer = this.clock.setTimer(Math.max(0, nextAt - this.clock.now()), () => {
      this.cancelTimer = null;
      this.release();
      this.schedule();
    });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
