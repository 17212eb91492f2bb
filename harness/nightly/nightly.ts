/**
 * The night's job for one rig: lock → run every DUT (resuming the night's unfinished run after a crash) →
 * diagnose against the history window → write reports/<rig>/<night>/{index.html,summary.json,junit.xml} and the
 * `latest` link. Relays are safe whatever happens (runBench), and every finished trial is in the store.
 */
import { mkdirSync, readdirSync, rmSync, symlinkSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LoadedBench } from '../config/types.js';
import { EXIT } from '../core/exit-codes.js';
import type { TrialRecord } from '../core/record.js';
import { diagnose } from '../diagnose/index.js';
import { overall, writeReport, type WrittenReport } from '../report/index.js';
import { newRunId, nightOf, runBench, type RunSummary } from '../runner/run.js';
import type { BenchEnvironment } from '../runner/bench-environment.js';
import type { RunRow, Store } from '../store/index.js';
import { acquireLock } from './lock.js';
import { buildReportInput } from './report-data.js';

export interface NightlyOptions {
  bench: LoadedBench;
  store: Store;
  /** One run per rig at a time: `<db>.<rig>.lock` by default (see lockFileFor). */
  lockFile: string;
  outDir: string;
  trialsPerDut?: number;
  /** Keep report folders of the newest N nights of this rig. */
  keepNights?: number;
  signal?: AbortSignal;
  onTrial?: (record: TrialRecord) => void;
  onEnvironment?: (env: BenchEnvironment) => void;
  log?: (line: string) => void;
}

export interface NightlyResult {
  run: RunRow;
  summary: RunSummary;
  report: WrittenReport;
  exitCode: number;
  headline: string;
}

export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  const { bench, store } = options;
  const rig = bench.rig;
  const log = options.log ?? (() => undefined);
  mkdirSync(dirname(options.lockFile), { recursive: true });
  const lock = acquireLock(options.lockFile);
  if (lock.tookOverFrom) log(`took over a stale lock of PID ${lock.tookOverFrom.pid} (started ${lock.tookOverFrom.startedAt})`);
  try {
    const start = new Date();
    const night = nightOf(start);
    const trialsPerDut = options.trialsPerDut ?? rig.nightly.trialsPerDut;
    const previous = store.findRun({ rig: rig.id, night });
    const resuming = previous && previous.status !== 'completed' ? previous : undefined;
    const runId = resuming?.id ?? newRunId(rig.id, start);
    const doneTrials = new Map<string, number>();
    if (resuming) {
      for (const dut of rig.duts) doneTrials.set(dut.id, Math.max(0, ...store.completedSeqs(runId, dut.id)));
      const done = [...doneTrials.values()].reduce((a, b) => a + b, 0);
      log(`resuming tonight's unfinished run ${runId} (${done} trials already stored)`);
    }
    store.beginRun({ runId, rig, night, meta: { command: 'nightly', trialsPerDut }, startedAt: resuming?.startedAt });

    let summary: RunSummary;
    try {
      summary = await runBench(bench, {
        runId,
        night,
        trialsPerDut,
        doneTrials,
        sink: store,
        signal: options.signal,
        onTrial: options.onTrial,
        onEnvironment: options.onEnvironment,
      });
    } catch (error) {
      store.endRun(runId, 'failed');
      throw error;
    }
    store.endRun(runId, summary.interrupted ? 'interrupted' : 'completed');

    const diagnosis = diagnose({ store, rig: rig.id, night, windowNights: rig.nightly.historyNights, rigConfig: rig });
    const run = store.run(runId)!;
    const input = buildReportInput(store, bench, run, diagnosis);
    const nightDir = join(options.outDir, rig.id, night);
    const report = await writeReport(nightDir, input);
    pointLatest(join(options.outDir, rig.id), night);
    if (options.keepNights) pruneNights(join(options.outDir, rig.id), options.keepNights, log);

    const verdict = overall(input);
    const exitCode = verdict.level === 'healthy' ? EXIT.ok : EXIT.failures;
    return { run, summary, report, exitCode, headline: verdict.headline };
  } finally {
    lock.release();
  }
}

/** Replaces reports/<rig>/latest with a link to tonight's folder, atomically. */
function pointLatest(rigDir: string, night: string): void {
  const tmp = join(rigDir, `.latest-${process.pid}`);
  rmSync(tmp, { force: true });
  symlinkSync(night, tmp);
  renameSync(tmp, join(rigDir, 'latest'));
}

function pruneNights(rigDir: string, keep: number, log: (line: string) => void): void {
  const nights = readdirSync(rigDir).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name)).sort();
  for (const old of nights.slice(0, Math.max(0, nights.length - keep))) {
    rmSync(join(rigDir, old), { recursive: true, force: true });
    log(`removed the report of ${old} (keeping ${keep} nights)`);
  }
}

/** Where the store and lock files go by default: next to the reports. */
export function defaultDbPath(outDir: string): string {
  return resolve(outDir, 'shakedown.db');
}

export function lockFileFor(dbFile: string, rig: string): string {
  return `${resolve(dbFile)}.${rig}.lock`;
}
