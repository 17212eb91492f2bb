/**
 * Transcripts are the bulk of a trial record: stored gzip-compressed, and capped so that one flooding board cannot
 * grow the store without bound (the cap keeps the start of the trial, where the diagnosis lives).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TranscriptEvent } from '../core/record.js';

/** Events kept per trial; a flood of one-byte chunks beyond this is summarised by a note. */
export const MAX_TRANSCRIPT_EVENTS = 5000;

export function encodeTranscript(events: TranscriptEvent[]): Buffer {
  let kept = events;
  if (events.length > MAX_TRANSCRIPT_EVENTS) {
    const last = events[MAX_TRANSCRIPT_EVENTS - 1]!;
    kept = [
      ...events.slice(0, MAX_TRANSCRIPT_EVENTS - 1),
      { t: last.t, kind: 'note', text: `transcript capped: ${events.length - MAX_TRANSCRIPT_EVENTS + 1} later events not stored` },
    ];
  }
  return gzipSync(JSON.stringify(kept), { level: 6 });
}

export function decodeTranscript(blob: Buffer): TranscriptEvent[] {
  return JSON.parse(gunzipSync(blob).toString('utf8')) as TranscriptEvent[];
}
