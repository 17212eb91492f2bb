/**
 * The trial store as the rest of shakedown sees it: runs, trial records and the aggregates the diagnosis and the
 * report read. Asynchronous, so that a database across the network can stand behind it as well as a file on the
 * bench; `openStore` (open.ts) picks the implementation from the location. Nothing outside harness/store knows which
 * database holds the trials.
 */
import type { Rig } from '../config/types.js';
import type { ComponentKind, NotRun, Symptom, TrialComponents, TrialRecord } from '../core/record.js';
import type { Verdict } from '../diagnose/types.js';

/**
 * running: under way, or crashed; completed: every planned trial ran; cut-by-budget: stopped starting trials at its
 * time budget (the trials not run are in `notRun`); interrupted: stopped by a signal; failed: the bench or the store
 * failed under it.
 */
export type RunStatus = 'running' | 'completed' | 'cut-by-budget' | 'interrupted' | 'failed';

export interface RunRow {
  id: string;
  rig: string;
  night: string;
  startedAt: string;
  endedAt: string | null;
  host: string;
  versions: Record<string, string>;
  rigDigest: string | null;
  status: RunStatus;
  meta: Record<string, unknown>;
  /** Trials the run did not attempt, per DUT, and why. */
  notRun: NotRun[];
}

/** A run with the number of trials it stored. */
export interface RunListing extends RunRow {
  trials: number;
}

/** Trials of one configuration (the same component ids) on one night that ended with one symptom (harness errors never). */
export interface SymptomCount extends TrialComponents {
  night: string;
  profile: string;
  symptom: Symptom;
  count: number;
  /** The link round trips those trials measured, when any did. */
  latency?: LatencySum;
}

/** Link round trips measured over some trials (TrialRecord.latencyMs): how many trials measured one, and their sum. */
export interface LatencySum {
  trials: number;
  sumMs: number;
}

export interface SymptomCountQuery {
  rig: string;
  nights?: string[];
  /** Only the trials of these runs (a night counts the run that stands for it: night-runs.ts). */
  runIds?: string[];
}

export interface BeginRunOptions {
  runId?: string;
  /** The rig id, or the rig itself (then its digest is kept with the run). */
  rig: string | Rig;
  night: string;
  meta?: Record<string, unknown>;
  startedAt?: string;
}

export interface TrialQuery {
  rig: string;
  nights?: string[];
  runId?: string;
  /** Decode and return transcripts (default false: the heavy part stays in the store). */
  transcripts?: boolean;
  /** Only trials that did not pass (result fail or error). */
  failing?: boolean;
  /** At most this many trials per DUT and run, the first by trial number. */
  perDut?: number;
}

/**
 * A person's acknowledgement of a known problem (`shakedown ack`): while it applies, the component's flag is shown
 * folded and does not fail the night. It covers what was known when it was made — the verdict and the symptoms —
 * so a worse verdict or another symptom shows again.
 */
export interface Ack {
  id: number;
  rig: string;
  kind: ComponentKind;
  /** Component id (a profile id for kind 'profile'). */
  component: string;
  /** Who acknowledged it: the OS user, or `ack --by`. */
  by: string;
  note: string;
  /** When it was made, ISO 8601. */
  since: string;
  /** The last night it covers (YYYY-MM-DD, inclusive); null: until `unack`. */
  until: string | null;
  scope: AckScope;
}

/** What an ack covers: the component's verdict and failing symptoms when it was made. */
export interface AckScope {
  verdict: Verdict;
  symptoms: Symptom[];
}

export type NewAck = Omit<Ack, 'id'>;

/** A rig as the lab knows it: the bench PC whose rig id it is, and where it stands. */
export interface LabRig {
  id: string;
  /** The bench PC (SHAKEDOWN_HOST, else the host name) that runs the rig. */
  host: string;
  site: string | null;
  title: string | null;
  /** Since when (ISO 8601) the rig id has been this host's. */
  since: string;
}

/** Trials of one run by result. */
export interface ResultCounts {
  pass: number;
  fail: number;
  error: number;
}

/** Trials a spooling store kept in its local file while the database was away. */
export interface SpoolStatus {
  /** The local SQLite spool. */
  file: string;
  /** Trials this process wrote to the spool. */
  spooled: number;
  /** Trials still in the spool, waiting for the database. */
  pending: number;
  /** Trials this process moved from the spool into the database (earlier runs' included). */
  uploaded: number;
  /** Why the database was set aside (its error), when it was. */
  unreachable: string | null;
}

/** A rig's run lock, held until released or until the process ends, however it ends. */
export interface RigLock {
  release(): Promise<void>;
}

export interface TrialStore {
  /** Where the store is (a file path, a URL), for messages. */
  readonly location: string;
  /** Versions of the software the store runs on (its database driver), for the report's environment section. */
  readonly versions: Readonly<Record<string, string>>;

  /**
   * Starts a run, or marks an unfinished one running again (resuming); returns its id. In a store shared by a lab,
   * a rig given whole is claimed for this bench PC: a rig id another PC runs is refused (RigClaimError).
   */
  beginRun(options: BeginRunOptions): Promise<string>;
  endRun(runId: string, status?: RunStatus): Promise<void>;
  /** Keeps the trials a run did not attempt (replacing what an earlier part of a resumed run said). */
  setNotRun(runId: string, notRun: readonly NotRun[]): Promise<void>;
  /** Replaces a run's meta (the nightly adds what its follow-up trials decided). */
  setRunMeta(runId: string, meta: Record<string, unknown>): Promise<void>;
  /** The latest run of a rig on a night (to resume a crashed night), if any; `command` narrows it (e.g. 'nightly'). */
  findRun(query: { rig: string; night: string; command?: string }): Promise<RunRow | undefined>;
  run(runId: string): Promise<RunRow | undefined>;
  /** A rig's runs, on the given nights or all, oldest first, each with the number of trials it stored. */
  runs(query: { rig: string; nights?: string[] }): Promise<RunListing[]>;
  /** Keeps a run exactly as given, inserted or replacing the row of the same id (moving runs between stores). */
  upsertRun(run: RunRow): Promise<void>;
  /** Trials of a run by result, counted by the database. */
  resultCounts(runId: string): Promise<ResultCounts>;
  /** Every rig of the store with the bench PC that runs it, by id. */
  labRigs(): Promise<LabRig[]>;
  /** Gives a rig id to another bench PC (the bench moved); a store of one bench has nothing to hand over. */
  adoptRig(rig: string, host: string): Promise<void>;
  /** Trials kept in a local spool while the database was away; absent for a store that never spools. */
  spoolStatus?(): SpoolStatus;

  /** Stores one finished trial: it survives a killed process once the promise resolves. The same trial id twice stays one. */
  addTrial(record: TrialRecord): Promise<void>;
  /** Many trials at once (imports, benchmarks): all or none of them survive a crash. */
  addTrials(records: Iterable<TrialRecord>): Promise<void>;

  /** Trial records one by one, by night, run, DUT and trial number; memory stays flat however many there are. */
  trialsFor(query: TrialQuery): AsyncIterable<TrialRecord>;
  /**
   * Counts per night, configuration and symptom, aggregated by the database: everything the diagnosis and the
   * report's history need, whatever the number of trials. Harness errors are left out: no evidence about hardware.
   */
  symptomCounts(query: SymptomCountQuery): Promise<SymptomCount[]>;
  /** Nights with trials for a rig, oldest first. */
  nights(rig: string): Promise<string[]>;
  /** Rigs with trials in the store. */
  rigs(): Promise<string[]>;
  /** The highest trial number of a DUT stored for a run (0 if none): resuming starts after it. */
  lastSeq(runId: string, dut: string): Promise<number>;
  /** Trial numbers of a DUT already stored for a run, in order. */
  completedSeqs(runId: string, dut: string): Promise<number[]>;

  /** One stored trial, transcript included; undefined when no trial has that id. */
  trial(trialId: string): Promise<TrialRecord | undefined>;
  /** Stored trial ids nearest to one that is not stored (the same run and DUT first, by trial number), at most `limit`. */
  trialIdsNear(trialId: string, limit: number): Promise<string[]>;

  /** Keeps an acknowledgement; returns it with its id. */
  addAck(ack: NewAck): Promise<Ack>;
  /** Removes every ack of one component of a rig; how many there were. */
  removeAcks(target: { rig: string; kind: ComponentKind; component: string }): Promise<number>;
  /** The acks of a rig, oldest first, expired ones included (whether one applies depends on the night). */
  acks(rig: string): Promise<Ack[]>;

  /**
   * One run per rig on this store at a time: rejects with an InfrastructureError naming the holder when another
   * process holds the rig's lock. The lock goes when released or when its process ends, however it ends.
   */
  lockRig(rig: string): Promise<RigLock>;
  close(): Promise<void>;
}
