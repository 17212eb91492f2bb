/**
 * The timed log of one trial: pins, bytes and notes on one monotonic timeline, in microseconds since the trial
 * started. The link, the sequence runner and the engines all append to the same Transcript.
 */
import type { Clock } from './clock.js';
import type { TranscriptEvent } from './record.js';

type WithoutTime<T> = T extends unknown ? Omit<T, 't'> : never;

/**
 * Events kept per trial: the start of a trial, where the diagnosis lives, is kept; a flood of events beyond this is
 * summarised by one note, so memory, the store and the report stay bounded.
 */
export const MAX_TRANSCRIPT_EVENTS = 5000;

export class Transcript {
  readonly events: TranscriptEvent[] = [];
  /** Clock time (ms) the trial started at. */
  readonly t0: number;

  constructor(
    readonly clock: Clock,
    t0?: number,
    private readonly maxEvents = MAX_TRANSCRIPT_EVENTS,
  ) {
    this.t0 = t0 ?? clock.now();
  }

  /** Microseconds since the trial started, for a clock time in ms. */
  micros(atMs: number = this.clock.now()): number {
    return Math.round((atMs - this.t0) * 1000);
  }

  add(event: WithoutTime<TranscriptEvent>, atMs?: number): void {
    const room = this.maxEvents - this.events.length;
    if (room <= 0) return;
    const t = this.micros(atMs);
    if (room === 1) {
      this.events.push({ t, kind: 'note', text: `transcript full: events after ${this.maxEvents - 1} not kept` });
      return;
    }
    this.events.push({ ...event, t } as TranscriptEvent);
  }

  note(text: string, atMs?: number): void {
    this.add({ kind: 'note', text }, atMs);
  }
}
