/**
 * What a protocol engine sees of the serial connection: write, read with a deadline, and a clock.
 * Engines never touch pins or files. Every chunk in and out is timestamped in the transcript by the link.
 */
import type { Clock } from '../core/clock.js';
import type { Stall } from '../core/host-lag.js';
import type { TranscriptEvent } from '../core/record.js';
import type { Arrival } from './receive-queue.js';

export class PortLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortLostError';
  }
}

export interface Link {
  readonly clock: Clock;
  /** Sends bytes; resolves when they are handed to the OS (or the simulated wire). Throws PortLostError. */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Resolves with exactly n bytes, or with fewer if the deadline passes first (possibly none). Bytes that had
   * reached the port when the deadline passed count, even if a busy process delivers them after it.
   * Throws PortLostError if the port vanishes meanwhile.
   */
  read(n: number, timeoutMs: number): Promise<Uint8Array>;
  /** When the first and last byte returned by the latest read (or take) arrived; null when it returned none. */
  readonly lastRead: Arrival | null;
  /** Takes every byte received and not yet read. */
  takePending(): Uint8Array;
  /** Waits until the line has been quiet for quietMs (or maxMs passes), and returns what came meanwhile. */
  readUntilQuiet(quietMs: number, maxMs: number): Promise<Uint8Array>;
  /** Adds a note to the transcript. */
  note(text: string): void;
  /** Total bytes received this trial, including those dropped by the bounded buffer. */
  readonly receivedCount: number;
  /** Clock time of the first byte received, or null. */
  readonly firstByteAt: number | null;
  /** True once the port has vanished or errored. */
  readonly lost: boolean;
  /** The transcript so far. */
  readonly transcript: TranscriptEvent[];
  /**
   * Stretches between t0 and t1 in which our own process delivered this link's bytes late, known only where the
   * process itself carries them (a port of the simulated bench); none on a real port.
   */
  hostStalls(t0: number, t1: number): readonly Stall[];
}

/** A port handle that knows when the host delivered its bytes late (the simulated bench's). */
export interface HostStalls {
  hostStalls(t0: number, t1: number): readonly Stall[];
}
