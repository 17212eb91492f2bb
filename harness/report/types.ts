/**
 * What the report renders: an aggregated view of one night's run. Everything here is already summarised, so a
 * night of a million trials renders as fast as a night of ten (only the capped samples carry transcripts).
 */
import type { Rig } from '../config/types.js';
import type { ComponentKind, HarnessErrorReason, NotRun, Symptom, TrialComponents, TrialRecord, TrialResult } from '../core/record.js';
import type { DiagnosisResult, Verdict } from '../diagnose/types.js';
import type { Ack, SpoolStatus } from '../store/types.js';

export interface RunInfo {
  runId: string;
  rig: string;
  night: string;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** e.g. "completed", "interrupted", "running". */
  status: string;
  /** The machine that ran the run (its host name). */
  host: string;
  /** The rig's host component id (the `host:` of the rig file; trials name it among their components). */
  hostComponent?: string;
  /** The run's time budget in minutes, if it had one. */
  maxMinutes?: number | null;
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

/** A trial that failed or was a harness error, without its transcript. */
export interface NonPassingTrial {
  seq: number;
  trialId: string;
  result: 'fail' | 'error';
  /** The symptom (fail) or the reason (error). */
  kind: string;
  /** '' past the first NON_PASSING_DETAILS of a DUT. */
  detail: string;
  totalMs: number;
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
  /** Follow-up trials among them (run after the planned ones). */
  followUps: number;
  /** Failed trials per symptom (harness errors are never here). */
  symptoms: Partial<Record<Symptom, number>>;
  /** Most frequent detail lines per failing symptom (capped), to say in words what went wrong. */
  details: Partial<Record<Symptom, Array<{ text: string; count: number }>>>;
  /** Harness errors per reason. */
  errorReasons: Partial<Record<HarnessErrorReason, number>>;
  /** Most frequent detail lines per harness error reason (capped). */
  errorDetails: Partial<Record<HarnessErrorReason, Array<{ text: string; count: number }>>>;
  /**
   * Every trial that did not pass, in arrival order, briefly (junit.xml writes one testcase each, so its failure
   * count is the failing trials'); the detail line only for the first NON_PASSING_DETAILS of a DUT.
   */
  nonPassing: NonPassingTrial[];
  /** Trials in arrival order, capped at STRIP_CELLS cells (consecutive trials merge once it is full). */
  strip: StripCell[];
  /** From reset release (or power-on) to the first received byte, every trial where a byte came. */
  resetToFirstByteMs: TimingHistogram;
  /** Handshake time of passing trials. */
  handshakeMs: TimingHistogram;
  /**
   * The round trip the link (adapter, hub, host) added to the device's immediate answers, every trial that measured
   * one, passes too: a slow hub shows here on the boards it does not break.
   */
  linkRoundTripMs: TimingHistogram;
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

/** One run of the night, as the night's report lists it. */
export interface NightRunEntry {
  runId: string;
  /** The command that made it: `nightly`, `run`. */
  command: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  /** Trials it stored. */
  trials: number;
  /** Whether this run stands for the night (its trials are the night's in the diagnosis and the history). */
  standsForNight: boolean;
}

export interface ReportInput {
  run: RunInfo;
  /** Every run of the night, oldest first (absent: not known). */
  nightRuns?: NightRunEntry[];
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
  /** The rig's acknowledgements in the store; which apply is decided against the night (folds.ts). */
  acks?: Ack[];
  /** Every failing trial of the night with its transcript, paged into files beside index.html (trial-pages.ts). */
  transcripts?: TranscriptSource;
  /** What the run's follow-up trials did (absent: the run had none planned: `--no-follow-up`, or not a nightly). */
  followUp?: FollowUpSummary;
}

/** One part (or parts on exactly the same DUTs) followed up after the planned trials, and what its trials decided. */
export interface FollowUpUnit {
  /** The components, in the diagnosis' order, with their verdict after the planned trials. */
  components: Array<{ kind: ComponentKind; id: string; verdict: Verdict }>;
  /** The DUTs whose trials go through it. */
  duts: string[];
  /** Follow-up trials of those DUTs. */
  trials: number;
  /** Tonight's pass/fail trials and failures of the unit at its last decision (planned and follow-up). */
  tally: { trials: number; failures: number };
  /** The pool it was tested against (a shared part: none, its DUTs decide). */
  pool: { trials: number; failures: number };
  decision: 'flagged' | 'cleared' | 'undecided';
}

/** What a nightly run's follow-up trials did (stored in the run's meta as `followUp`). */
export interface FollowUpSummary {
  /**
   * `done`: it ran (perhaps with nothing to follow); `untrustworthy`: too many harness errors tonight; `cut`: the
   * run's own time budget left planned trials out; `skipped`: the planned trials did not all run (an adapter
   * missing, a stop, a failure).
   */
  status: 'done' | 'untrustworthy' | 'cut' | 'skipped';
  maxTrials: number;
  maxMinutes: number;
  /** Follow-up trials run. */
  trials: number;
  /** What ended it: every unit decided, a budget, or a stop (SIGINT/SIGTERM, a failure). */
  endedBy: 'decided' | 'max-trials' | 'max-minutes' | 'stopped';
  units: FollowUpUnit[];
  /** Clean DUTs that ran beside the followed ones so that the pool they were compared with kept growing (absent: none, or an older run). */
  poolDuts?: string[];
}

/** Where the pages of failing trials read from: the night's failing trials (result fail or error), by DUT and trial number. */
export interface TranscriptSource {
  /** The first `perDut` failing trials of each DUT, with transcripts. */
  read(perDut: number): AsyncIterable<TrialRecord>;
  /** The failing trials of each DUT after its first `perDut`, without transcripts (their numbers are listed). */
  beyond(perDut: number): AsyncIterable<Pick<TrialRecord, 'dut' | 'seq' | 'trialId'>>;
}

export type { HarnessErrorReason, NotRun, Symptom, TrialResult };
