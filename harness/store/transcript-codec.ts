/**
 * Transcripts are the bulk of a trial record: stored gzip-compressed. Their length is bounded where they are made
 * (harness/core/transcript.ts, MAX_TRANSCRIPT_EVENTS).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TranscriptEvent } from '../core/record.js';

export function encodeTranscript(events: TranscriptEvent[]): Buffer {
  return gzipSync(JSON.stringify(events), { level: 6 });
}

export function decodeTranscript(blob: Buffer): TranscriptEvent[] {
  return JSON.parse(gunzipSync(blob).toString('utf8')) as TranscriptEvent[];
}
