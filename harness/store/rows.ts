/**
 * A trial record and a run as table rows, the same for every database: component ids as columns (so the diagnosis
 * aggregates in SQL), the nested parts as JSON text (kept byte for byte, key order included), the transcript
 * compressed. Each implementation only says how its driver hands the columns over.
 */
import type { ComponentKind, HarnessErrorReason, NotRun, PhaseTimings, Symptom, TrialRecord, TrialResult } from '../core/record.js';
import { decodeTranscript, encodeTranscript } from './transcript-codec.js';
import type { Ack, AckScope, RunRow, RunStatus, SymptomCount } from './types.js';

export interface RawRun {
  id: string;
  rig: string;
  night: string;
  started_at: string;
  ended_at: string | null;
  host: string;
  versions: string;
  rig_digest: string | null;
  status: RunStatus;
  meta: string;
  not_run: string;
}

export function runFromRow(row: RawRun): RunRow {
  return {
    id: row.id,
    rig: row.rig,
    night: row.night,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    host: row.host,
    versions: JSON.parse(row.versions) as Record<string, string>,
    rigDigest: row.rig_digest,
    status: row.status,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    notRun: JSON.parse(row.not_run) as NotRun[],
  };
}

/** A run as the named parameters of the runs table. */
export function runRow(run: RunRow): Record<string, unknown> {
  return {
    id: run.id,
    rig: run.rig,
    night: run.night,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    host: run.host,
    versions: JSON.stringify(run.versions),
    rig_digest: run.rigDigest,
    status: run.status,
    meta: JSON.stringify(run.meta),
    not_run: JSON.stringify(run.notRun),
  };
}

export const TRIAL_COLUMNS_WITHOUT_TRANSCRIPT =
  'run_id, trial_id, rig, dut, seq, night, started_at, result, symptom, reason, detail, profile, profile_digest, cable, port, hub, ' +
  'supply, relays, host, phases, retries, reset_to_first_byte, latency_ms, identity, mismatch, follow_up';

export interface RawTrial {
  run_id: string;
  trial_id: string;
  rig: string;
  dut: string;
  seq: number;
  night: string;
  started_at: string;
  result: TrialResult;
  /** '' for a harness error (no hardware symptom). */
  symptom: Symptom | '';
  reason: HarnessErrorReason | null;
  detail: string;
  profile: string;
  profile_digest: string;
  cable: string;
  port: string;
  hub: string;
  supply: string;
  relays: string;
  host: string;
  phases: string;
  retries: number;
  reset_to_first_byte: number | null;
  /** The link's measured round trip (TrialRecord.latencyMs); null when none was measured. */
  latency_ms: number | null;
  identity: string | null;
  mismatch: string | null;
  /** 1 for a follow-up trial. */
  follow_up: number;
  transcript?: Buffer;
}

export function trialRow(record: TrialRecord): Record<string, unknown> {
  const c = record.components;
  return {
    runId: record.runId,
    trialId: record.trialId,
    rig: record.rig,
    dut: record.dut,
    seq: record.seq,
    night: record.night,
    startedAt: record.startedAt,
    result: record.result,
    symptom: record.symptom ?? '',
    reason: record.reason ?? null,
    detail: record.detail,
    profile: record.profile,
    profileDigest: record.profileDigest,
    cable: c.cable,
    port: c.port,
    hub: c.hub ?? '',
    supply: c.supply,
    relays: JSON.stringify(c.relays),
    host: c.host,
    phases: JSON.stringify(record.phases),
    retries: record.retries,
    resetToFirstByte: record.resetToFirstByteMs,
    latencyMs: record.latencyMs ?? null,
    identity: record.identity ? JSON.stringify(record.identity) : null,
    mismatch: record.mismatch ? JSON.stringify(record.mismatch) : null,
    followUp: record.followUp ? 1 : 0,
    transcript: encodeTranscript(record.transcript),
  };
}

export function recordFromRow(row: RawTrial, withTranscript: boolean): TrialRecord {
  const record: TrialRecord = {
    runId: row.run_id,
    trialId: row.trial_id,
    rig: row.rig,
    dut: row.dut,
    seq: row.seq,
    night: row.night,
    components: {
      dut: row.dut,
      cable: row.cable,
      port: row.port,
      supply: row.supply,
      relays: JSON.parse(row.relays) as string[],
      host: row.host,
    },
    profile: row.profile,
    profileDigest: row.profile_digest,
    startedAt: row.started_at,
    phases: JSON.parse(row.phases) as PhaseTimings,
    resetToFirstByteMs: row.reset_to_first_byte,
    retries: row.retries,
    transcript: withTranscript && row.transcript ? decodeTranscript(row.transcript) : [],
    result: row.result,
    symptom: row.symptom === '' ? null : row.symptom,
    detail: row.detail,
  };
  if (row.reason) record.reason = row.reason;
  if (row.latency_ms !== null && row.latency_ms !== undefined) record.latencyMs = Number(row.latency_ms);
  if (row.hub) record.components.hub = row.hub;
  if (row.identity) record.identity = JSON.parse(row.identity) as TrialRecord['identity'];
  if (row.mismatch) record.mismatch = JSON.parse(row.mismatch) as TrialRecord['mismatch'];
  if (Number(row.follow_up) === 1) record.followUp = true;
  return record;
}

export interface RawAck {
  id: number;
  rig: string;
  kind: ComponentKind;
  component: string;
  acked_by: string;
  note: string;
  since: string;
  until: string | null;
  /** The AckScope as JSON text. */
  scope: string;
}

export function ackFromRow(row: RawAck): Ack {
  return {
    id: Number(row.id),
    rig: row.rig,
    kind: row.kind,
    component: row.component,
    by: row.acked_by,
    note: row.note,
    since: row.since,
    until: row.until,
    scope: JSON.parse(row.scope) as AckScope,
  };
}

/** One row of the diagnosis query: a configuration and symptom, its count, and the latency its trials measured. */
export type CountRow = Pick<RawTrial, 'night' | 'dut' | 'cable' | 'port' | 'hub' | 'supply' | 'relays' | 'host' | 'profile'> & {
  symptom: Symptom;
  count: number;
  latency_trials: number;
  latency_sum: number;
};

export function symptomCountFromRow(row: CountRow): SymptomCount {
  const count: SymptomCount = {
    night: row.night, dut: row.dut, cable: row.cable, port: row.port, supply: row.supply, relays: JSON.parse(row.relays) as string[],
    host: row.host, profile: row.profile, symptom: row.symptom, count: Number(row.count),
  };
  if (row.hub) count.hub = row.hub;
  if (Number(row.latency_trials) > 0) count.latency = { trials: Number(row.latency_trials), sumMs: Number(row.latency_sum) };
  return count;
}
