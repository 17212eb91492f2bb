/**
 * A Link with no serial port under it: bytes go to a function, bytes come in through deliver(). For emulators
 * driven in-process (tests on a ManualClock, the pty-less paths of tools) and for scripted responders.
 * Every chunk is recorded in the transcript at once, one event per chunk.
 */
import type { Clock } from '../core/clock.js';
import { Transcript } from '../core/transcript.js';
import { QueuedLink } from './queued-link.js';
import { PortLostError } from './types.js';

export interface MemoryLinkOptions {
  clock: Clock;
  /** Where written bytes go (an emulator's receive(), a scripted responder). */
  send: (bytes: Uint8Array) => void;
  transcript?: Transcript;
  maxBufferBytes?: number;
}

export class MemoryLink extends QueuedLink {
  private readonly send: (bytes: Uint8Array) => void;
  private closed = false;

  constructor(options: MemoryLinkOptions) {
    super(options.clock, options.transcript ?? new Transcript(options.clock), options.maxBufferBytes);
    this.send = options.send;
  }

  /** Bytes arriving from the device; `atMs` when they reached the port earlier than they are handed over. */
  deliver(bytes: Uint8Array, atMs?: number): void {
    if (this.closed || this.queue.lost || bytes.length === 0) return;
    this.wire.rx(bytes, atMs);
    this.queue.push(bytes, atMs);
  }

  /** The port disappears (unplugged adapter, dead hub). */
  vanish(reason = 'port vanished'): void {
    if (this.queue.lost) return;
    this.log.note(reason);
    this.queue.lose(reason);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.queue.lost) throw new PortLostError('port lost: cannot write');
    if (this.closed) throw new PortLostError('link closed');
    this.wire.tx(bytes);
    this.send(Uint8Array.from(bytes));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wire.finish();
  }
}
