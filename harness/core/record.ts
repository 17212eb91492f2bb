/**
 * A trial and its record: the data every later stage (store, diagnosis, report) reads.
 * Field names here are stored in SQLite and written to summary.json: change them only with a schema version bump.
 */
import type { Symptom } from './symptoms.js';

export { SYMPTOMS, type Symptom } from './symptoms.js';

/**
 * pass: the board did what the profile expects; fail: it did not (a hardware symptom, evidence against the parts it
 * used); error: the harness could not run the trial as the profile says, which says nothing about the hardware.
 */
export type TrialResult = 'pass' | 'fail' | 'error';

/** Why the harness could not run a trial as the profile says (a trial with result 'error'). */
export const HARNESS_ERROR_REASONS = ['exception', 'edge-late', 'host-busy', 'relay-not-answering', 'port-missing', 'port-unopenable', 'config'] as const;
export type HarnessErrorReason = (typeof HARNESS_ERROR_REASONS)[number];

export type ComponentKind = 'dut' | 'cable' | 'port' | 'hub' | 'supply' | 'relay' | 'host' | 'profile';

/** The ids of every component a trial depended on (the rig's ids). */
export interface TrialComponents {
  dut: string;
  cable: string;
  port: string;
  hub?: string;
  supply: string;
  /** Relay channel ids used by this DUT's pins, e.g. ["rb1.1", "rb1.2"]. */
  relays: string[];
  host: string;
}

/**
 * One timed event of a trial. `t` is microseconds since the trial started (monotonic clock).
 * - tx / rx: bytes on the wire, hex in `data`;
 * - edge: a logical pin changed; `planned` is when the sequence scheduled it (for timing accuracy);
 * - note: a step of the engine ("sync", "GET_HW_CODE") or of the harness ("port vanished").
 */
export type TranscriptEvent =
  | { t: number; kind: 'tx' | 'rx'; data: string }
  | { t: number; kind: 'edge'; pin: string; active: boolean; channel?: string; planned?: number }
  | { t: number; kind: 'note'; text: string };

export interface PhaseTimings {
  enterMs: number;
  handshakeMs: number;
  identifyMs: number;
  leaveMs: number;
  totalMs: number;
}

/** A value that survives JSON as it is (the store keeps identities as JSON). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/**
 * What the board said about itself, as its engine reports it: each family has its own type of it (STM32: product
 * id, bootloader version, commands; MediaTek: hw_code, versions, mode; ESP32: chip id or magic, MAC; the script
 * engine: its captures), every one a JSON-safe record.
 */
export type Identity = { readonly [key: string]: JsonValue | undefined };

export interface TrialRecord {
  runId: string;
  /** `<runId>/<dut>/<seq>` */
  trialId: string;
  rig: string;
  dut: string;
  /** 1-based trial number of this DUT in this run. */
  seq: number;
  /** Night the run belongs to, YYYY-MM-DD (local date at the run's start). */
  night: string;
  components: TrialComponents;
  profile: string;
  profileDigest: string;
  /** ISO 8601 wall-clock time at the trial's start. */
  startedAt: string;
  phases: PhaseTimings;
  /** From the release of reset (or power-on) to the first byte received; null when nothing came. */
  resetToFirstByteMs: number | null;
  /** Handshake restarts and resent commands. */
  retries: number;
  /**
   * Round trip the link (adapter, hub, host) added to the answers the device gives at once, beyond their wire time:
   * the median over the trial, ms. Absent when no such answer came.
   */
  latencyMs?: number;
  transcript: TranscriptEvent[];
  result: TrialResult;
  /** 'ok' for a pass, the hardware symptom of a fail; null for an error, whose cause is the harness, not the hardware. */
  symptom: Symptom | null;
  /** Present exactly when result is 'error'. */
  reason?: HarnessErrorReason;
  /** One line a person can act on, e.g. "expected 79, got 68 ('h', printable: the board prints text — boot pins?)". */
  detail: string;
  identity?: Identity;
  /** The expected reply and what came, for highlighting in the report. */
  mismatch?: { expected: string; got: string; at: number };
  /** A follow-up trial: run after the planned ones, because the diagnosis left a part it used at suspect or watch. */
  followUp?: true;
}

/**
 * The record of a trial the harness could not run as the profile says: result 'error', no hardware symptom, the
 * reason and what happened. What the trial itself had seen stays in the detail and the transcript, so a trial found
 * afterwards to be void (the relay controller stopped answering after it) keeps its evidence for a person to read.
 */
export function asHarnessError(record: TrialRecord, reason: HarnessErrorReason, detail: string): TrialRecord {
  const before = record.result === 'error' ? '' : ` (the trial itself had ended ${record.result}${record.symptom && record.symptom !== 'ok' ? `: ${record.symptom}` : ''})`;
  const at = record.transcript.length > 0 ? record.transcript[record.transcript.length - 1]!.t : 0;
  const error: TrialRecord = {
    ...record,
    transcript: [...record.transcript, { t: at, kind: 'note', text: `harness error (${reason}): ${detail}` }],
    result: 'error',
    symptom: null,
    reason,
    detail: `${detail}${before}`,
  };
  delete error.identity;
  delete error.mismatch;
  return error;
}

/**
 * Trials of a DUT a run did not attempt, and why: its adapter missing and not back in time (port-missing,
 * port-unopenable), the bench unable to go on (relay-not-answering, exception), or the run's time budget (budget).
 */
export interface NotRun {
  dut: string;
  trials: number;
  reason: HarnessErrorReason | 'budget';
  detail: string;
}
