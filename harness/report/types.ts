/**
 * What the report renders: an aggregated view of one night's run. Everything here is already summarised, so a
 * night of a million trials renders as fast as a night of ten (only the capped samples carry transcripts).
 */
import type { Rig } from '../config/types.js';
import type { HarnessErrorReason, NotRun, Symptom, TrialComponents, TrialRecord, TrialResult } from '../core/record.js';
import type { DiagnosisResult } from '../diagnose/types.js';
import type { SpoolStatus } from '../store/types.js';

export interface RunInfo {
  runId: string;
  rig: string;
  night: string;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** e.g. "completed", "interrupted", "running". */
  status: string;
  host: string;
  /** Tool and library versions, e.g. { shakedown: "0.1.0", node: "v20.19.0" }. */
  versions: Record<string, string>;
  rigDigest: string;
  /** Profile id → sha256 of its file. */
  profileDigests: Record<string, string>;
}

/**
 * Counts of values in fixed logarithmic bins (BINS_PER_DECADE per factor of ten, from HISTOGRAM_MIN_MS up), so
 * histograms of any number of trials can be built in one pass and merged by adding counts.
 */
export interface TimingHistogram {
  count: number;
  min: number | null;
  max: number | null;
  sum: number;
  /** Bin i holds values in [HISTOGRAM_MIN_MS·10^(i/BINS_PER_DECADE), next edge); bin 0 also holds everything smaller. */
  bins: number[];
}

/** One cell of the pass/fail strip: one trial, or several consecutive trials once the strip is full. */
export interface StripCell {
  /** Trials this cell stands for. */
  trials: number;
  /** Trials the device failed (result 'fail'). */
  failures: number;
  /** Trials that ended in a harness error (result 'error'; not failures). */
  errors: number;
  /** The failing symptom seen most in this cell ('ok' when none failed). */
  symptom: Symptom;
  /** seq of the first trial in the cell. */
  firstSeq: number;
}

export interface DutSummary {
  dut: string;
  profile: string;
  /** Components of the DUT's latest trial (the rig may have been rewired during the night). */
  components: TrialComponents;
  trials: number;
  passes: number;
  /** result 'fail' (the device misbehaved). */
  failures: number;
  /** result 'error' (the harness could not finish the trial). */
  errors: number;
  /** Failed trials per symptom (harness errors are never here). */
  symptoms: Partial<Record<Symptom, number>>;
  /** Most frequent detail lines per failing symptom (capped), to say in words what went wrong. */
  details: Partial<Record<Symptom, Array<{ text: string; count: number }>>>;
  /** Harness errors per reason. */
  errorReasons: Partial<Record<HarnessErrorReason, number>>;
  /** Most frequent detail lines per harness error reason (capped). */
  errorDetails: Partial<Record<HarnessErrorReason, Array<{ text: string; count: number }>>>;
  /** Trials in arrival order, capped at STRIP_CELLS cells (consecutive trials merge once it is full). */
  strip: StripCell[];
  /** From reset release (or power-on) to the first received byte, every trial where a byte came. */
  resetToFirstByteMs: TimingHistogram;
  /** Handshake time of passing trials. */
  handshakeMs: TimingHistogram;
  /** Sum of trial durations (for JUnit time). */
  totalMs: number;
  retries: number;
  firstStartedAt: string | null;
  lastStartedAt: string | null;
}

export interface HistoryPoint {
  night: string;
  dut: string;
  trials: number;
  passes: number;
}

export interface ReportInput {
  run: RunInfo;
  /** Trials not attempted, per DUT (absent or empty: every planned trial ran). */
  notRun?: NotRun[];
  /** For grouping by hub and supply and for component titles. */
  rig: Rig;
  perDut: DutSummary[];
  /** A capped sample of failing trials with their transcripts (e.g. ≤ 5 per DUT). */
  failingTrials: TrialRecord[];
  /** Per DUT one passing trial, for the pin timeline. */
  sampleTrial?: Record<string, TrialRecord>;
  diagnosis: DiagnosisResult;
  history: HistoryPoint[];
  /** Trials kept in the bench's local spool while the lab's database was away (absent: the database took them all). */
  spool?: SpoolStatus;
}

export type { HarnessErrorReason, NotRun, Symptom, TrialResult };
