/**
 * Releases bytes at the pace of a UART: each byte is handed on when its last bit (start + 8 data + stop = 10
 * bits) would have arrived at the given baud, so a 256-byte read takes ~22 ms at 115200 as on a real cable.
 * Delivery is the simulated wire's (TimedQueue): the first and last bytes of a burst at their exact arrival
 * times, the bytes in between in batches about a millisecond apart.
 */
import type { Clock } from '../../harness/core/clock.js';
import { TimedQueue } from '../../harness/sim/timed-queue.js';

const BITS_PER_BYTE = 10;
/** Bytes inside a long burst are handed on about this often. */
const BATCH_MS = 1;

export class LinePacer {
  private readonly queue: TimedQueue;
  private lineFreeAt = 0;
  /** Bytes thrown away because the backlog was full (nobody could have carried them). */
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    sink: (bytes: Uint8Array) => void,
    /** Bytes that may wait for the line before new ones are dropped. */
    private readonly maxBacklog = 64 * 1024,
  ) {
    this.queue = new TimedQueue(clock, sink, BATCH_MS);
  }

  /** Bytes still waiting for the line. */
  get pending(): number {
    return this.queue.pendingBytes;
  }

  push(bytes: Uint8Array, baud: number): void {
    if (bytes.length === 0) return;
    const room = this.maxBacklog - this.pending;
    if (bytes.length > room) {
      this.dropped += bytes.length - Math.max(0, room);
      if (room <= 0) return;
      bytes = bytes.subarray(0, room);
    }
    const byteMs = (BITS_PER_BYTE * 1000) / baud;
    const start = Math.max(this.clock.now(), this.lineFreeAt);
    this.lineFreeAt = start + bytes.length * byteMs;
    this.queue.push(Uint8Array.from(bytes), start + byteMs, byteMs);
  }

  /** Forgets everything not yet sent (the line lost power). */
  clear(): void {
    this.queue.clear();
    this.lineFreeAt = 0;
  }
}
