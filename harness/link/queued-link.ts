/**
 * What every Link does the same way whatever carries its bytes: a bounded receive queue that readers wait on, and
 * the wire log that puts each chunk in the transcript. Subclasses bring write() and close().
 */
import type { Clock } from '../core/clock.js';
import type { Stall } from '../core/host-lag.js';
import type { TranscriptEvent } from '../core/record.js';
import type { Transcript } from '../core/transcript.js';
import { ReceiveQueue, type Arrival } from './receive-queue.js';
import type { Link } from './types.js';
import { WireLog } from './wire-log.js';

export abstract class QueuedLink implements Link {
  protected readonly queue: ReceiveQueue;
  protected readonly wire: WireLog;

  constructor(
    readonly clock: Clock,
    readonly log: Transcript,
    maxBufferBytes?: number,
  ) {
    this.queue = new ReceiveQueue(clock, maxBufferBytes);
    this.wire = new WireLog(log, maxBufferBytes);
  }

  abstract write(bytes: Uint8Array): Promise<void>;

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    return this.queue.read(n, timeoutMs);
  }

  takePending(): Uint8Array {
    return this.queue.takeAll();
  }

  readUntilQuiet(quietMs: number, maxMs: number): Promise<Uint8Array> {
    return this.queue.readUntilQuiet(quietMs, maxMs);
  }

  note(text: string): void {
    this.log.note(text);
  }

  /** None known: only a link whose bytes the process itself carries can know (see StreamLink). */
  hostStalls(_t0: number, _t1: number): readonly Stall[] {
    return [];
  }

  get lastRead(): Arrival | null {
    return this.queue.lastRead;
  }
  get receivedCount(): number {
    return this.queue.receivedCount;
  }
  get droppedCount(): number {
    return this.queue.droppedCount;
  }
  get firstByteAt(): number | null {
    return this.queue.firstByteAt;
  }
  get lost(): boolean {
    return this.queue.lost;
  }
  get transcript(): TranscriptEvent[] {
    return this.log.events;
  }
}
