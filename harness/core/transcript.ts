/**
 * The timed log of one trial: pins, bytes and notes on one monotonic timeline, in microseconds since the trial
 * started. The link, the sequence runner and the engines all append to the same Transcript.
 */
import type { Clock } from './clock.js';
import type { TranscriptEvent } from './record.js';

type WithoutTime<T> = T extends unknown ? Omit<T, 't'> : never;

export class Transcript {
  readonly events: TranscriptEvent[] = [];
  /** Clock time (ms) the trial started at. */
  readonly t0: number;

  constructor(
    readonly clock: Clock,
    t0?: number,
    /** Beyond this many events only a note of how many were dropped is kept (a flooding device). */
    private readonly maxEvents = 20_000,
  ) {
    this.t0 = t0 ?? clock.now();
  }

  private dropped = 0;

  /** Microseconds since the trial started, for a clock time in ms. */
  micros(atMs: number = this.clock.now()): number {
    return Math.round((atMs - this.t0) * 1000);
  }

  add(event: WithoutTime<TranscriptEvent>, atMs?: number): void {
    if (this.events.length >= this.maxEvents) {
      this.dropped++;
      return;
    }
    this.events.push({ ...event, t: this.micros(atMs) } as TranscriptEvent);
  }

  note(text: string, atMs?: number): void {
    this.add({ kind: 'note', text }, atMs);
  }

  /** Events that did not fit; the record says so rather than growing without bound. */
  get droppedEvents(): number {
    return this.dropped;
  }
}
