/**
 * Writes bytes on the wire into the trial's transcript: tx/rx events in hex at the time they happened, kept in
 * time order even when a receive burst is only closed (and recorded) after a later transmit. Bounded: past
 * capBytes of received data only a count is kept, so a flooding device cannot grow the record without limit.
 */
import { toHex } from '../core/bytes.js';
import type { Transcript } from '../core/transcript.js';

export class WireLog {
  private rxRecorded = 0;
  private rxSkipped = 0;

  constructor(
    private readonly transcript: Transcript,
    private readonly capBytes = 64 * 1024,
  ) {}

  tx(bytes: Uint8Array, atMs?: number): void {
    this.insert('tx', bytes, atMs);
  }

  rx(bytes: Uint8Array, atMs?: number): void {
    if (this.rxRecorded >= this.capBytes) {
      this.rxSkipped += bytes.length;
      return;
    }
    const kept = bytes.subarray(0, this.capBytes - this.rxRecorded);
    this.rxRecorded += kept.length;
    this.rxSkipped += bytes.length - kept.length;
    this.insert('rx', kept, atMs);
  }

  /** Says how much was left out; call once when the link closes. */
  finish(): void {
    if (this.rxSkipped > 0) {
      this.transcript.note(`${this.rxSkipped} more received bytes not recorded (transcript limit ${this.capBytes} bytes)`);
      this.rxSkipped = 0;
    }
  }

  private insert(kind: 'tx' | 'rx', bytes: Uint8Array, atMs?: number): void {
    const events = this.transcript.events;
    const before = events.length;
    this.transcript.add({ kind, data: toHex(bytes) }, atMs);
    if (events.length === before) return; // the transcript is full
    // Bubble the new event back to its place in time (a burst is recorded after the bytes that followed it).
    for (let i = events.length - 1; i > 0 && events[i - 1]!.t > events[i]!.t; i--) {
      [events[i - 1], events[i]] = [events[i]!, events[i - 1]!];
    }
  }
}
