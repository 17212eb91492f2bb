/**
 * The night's job for one rig: lock → run every DUT (resuming the night's unfinished run after a crash) →
 * diagnose against the history window → write reports/<rig>/<night>/{index.html,summary.json,junit.xml} and the
 * `latest` link. Relays are safe whatever happens (runBench), every finished trial is in the store, and a run that
 * the bench cut short (a relay board lost) still gets its report before the error is passed on.
 */
import { readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoadedBench } from '../config/types.js';
import { EXIT } from '../core/exit-codes.js';
import type { TrialRecord } from '../core/record.js';
import { diagnose } from '../diagnose/index.js';
import { FAMILY_PHYSICS } from '../families/physics.js';
import { exitCodeOf, overall, writeReport, type WrittenReport } from '../report/index.js';
import { newRunId, nightOf } from '../core/run-id.js';
import { runBench, type RunSummary } from '../runner/run.js';
import type { World } from '../runner/world.js';
import type { RunRow, TrialStore } from '../store/index.js';
import { buildReportInput } from './report-data.js';

export interface NightlyOptions {
  bench: LoadedBench;
  /** The bench the run drives (runner/world.ts). */
  world: World;
  store: TrialStore;
  outDir: string;
  trialsPerDut?: number;
  /** Keep report folders of the newest N nights of this rig. */
  keepNights?: number;
  signal?: AbortSignal;
  onTrial?: (record: TrialRecord) => void;
  log?: (line: string) => void;
}

export interface NightlyResult {
  run: RunRow;
  summary: RunSummary;
  /** Absent when no trial finished tonight (stopped before the first one ended). */
  report?: WrittenReport;
  exitCode: number;
  headline: string;
}

export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  const { bench, store } = options;
  const rig = bench.rig;
  const log = options.log ?? (() => undefined);
  const lock = await store.lockRig(rig.id);
  try {
    const start = new Date();
    const night = nightOf(start);
    const trialsPerDut = options.trialsPerDut ?? rig.nightly.trialsPerDut;
    const previous = await store.findRun({ rig: rig.id, night, command: 'nightly' });
    const resuming = previous && previous.status !== 'completed' ? previous : undefined;
    const runId = resuming?.id ?? newRunId(rig.id, start);
    const doneTrials = new Map<string, number>();
    if (resuming) {
      for (const dut of rig.duts) doneTrials.set(dut.id, await store.lastSeq(runId, dut.id));
      const done = [...doneTrials.values()].reduce((a, b) => a + b, 0);
      log(`resuming tonight's unfinished run ${runId} (${done} trials already stored)`);
    }
    await store.beginRun({ runId, rig, night, meta: { command: 'nightly', trialsPerDut }, startedAt: resuming?.startedAt });

    let summary: RunSummary | undefined;
    let benchFailure: unknown;
    try {
      summary = await runBench(bench, {
        world: options.world,
        runId,
        night,
        trialsPerDut,
        doneTrials,
        sink: store,
        signal: options.signal,
        onTrial: options.onTrial,
      });
    } catch (error) {
      benchFailure = error;
    }
    if (summary) await store.setNotRun(runId, summary.notRun);
    await store.endRun(runId, benchFailure ? 'failed' : summary!.interrupted ? 'interrupted' : 'completed');
    if (!(await store.nights(rig.id)).includes(night)) {
      // Not one trial finished tonight: there is nothing to diagnose or report.
      if (benchFailure) throw benchFailure;
      return { run: (await store.run(runId))!, summary: summary!, exitCode: EXIT.infrastructure, headline: 'no trial finished tonight' };
    }

    const diagnosis = await diagnose({ store, rig: rig.id, night, windowNights: rig.nightly.historyNights, rigConfig: rig, profiles: bench.profiles, physics: FAMILY_PHYSICS });
    const run = (await store.run(runId))!;
    const input = await buildReportInput(store, bench, run, diagnosis);
    const report = await writeReport(join(options.outDir, rig.id, night), input);
    pointLatest(join(options.outDir, rig.id), night);
    if (options.keepNights) pruneNights(join(options.outDir, rig.id), options.keepNights, log);
    if (benchFailure) {
      log(`report of the trials before the failure: ${report.html}`);
      throw benchFailure;
    }

    const verdict = overall(input);
    // A night of too many harness errors exits 3 like any other fault of the bench, not 1 as if hardware failed.
    const exitCode = exitCodeOf(verdict.level);
    return { run, summary: summary!, report, exitCode, headline: verdict.headline };
  } finally {
    await lock.release();
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

/** Where the store goes by default: a SQLite file next to the reports. */
export function defaultDbPath(outDir: string): string {
  return resolve(outDir, 'shakedown.db');
}
