/**
 * The physical floor of a trial: what no harness can go below — the profile's waits, pulses and power-off times,
 * and the time the bytes of the transcript occupy the line at the baud rate.
 */
import type { BoardProfile, SerialSettings } from '../../harness/config/types.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { sequenceFloorMs } from '../../harness/config/steps.js';
import { bitsPerFrame } from '../../harness/sim/frame.js';

/** Bytes sent and received in a transcript (tx and rx events). */
export function wireBytes(record: TrialRecord): number {
  let bytes = 0;
  for (const event of record.transcript) {
    if (event.kind === 'tx' || event.kind === 'rx') bytes += hexLength(event.data);
  }
  return bytes;
}

/** Milliseconds `bytes` occupy a line with these settings. */
export function wireMs(bytes: number, serial: SerialSettings): number {
  return (bytes * bitsPerFrame(serial) * 1000) / serial.baudRate;
}

/** Waits, pulses and power-off times of the enter and leave sequences together. */
export function sequencesFloorMs(profile: BoardProfile): number {
  return sequenceFloorMs(profile.enter) + sequenceFloorMs(profile.leave);
}

/** A trial's floor: its profile's sequences plus the wire time of its bytes. */
export function trialFloorMs(record: TrialRecord, profile: BoardProfile, serial: SerialSettings): number {
  return sequencesFloorMs(profile) + wireMs(wireBytes(record), serial);
}

/** Bytes in a hex string like "79 0B 22" (spaces optional). */
function hexLength(data: string): number {
  let digits = 0;
  for (let i = 0; i < data.length; i++) if (data.charCodeAt(i) !== 32) digits++;
  return digits >> 1;
}
