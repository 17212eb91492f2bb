/**
 * The night's job for one rig: lock → say how long it will take → run every DUT (resuming the night's unfinished
 * run after a crash; within the time budget, if any) → diagnose against the history window → write the run's report
 * and the night's report, and point `latest` at the night. Relays are safe whatever happens (runBench), every
 * finished trial is in the store, and a night the bench could not be driven through (a relay board not found or
 * lost) still gets its report saying so; the failure is handed back for the caller to pass on (exit 3).
 */
import { readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH_FACTS_KEY, benchFacts } from '../config/bench-facts.js';
import { dutsInService } from '../config/health.js';
import type { LoadedBench } from '../config/types.js';
import { EXIT, InfrastructureError } from '../core/exit-codes.js';
import type { NotRun, TrialRecord } from '../core/record.js';
import { newRunId, nightOf } from '../core/run-id.js';
import { exitCodeOf, overall, publishNights } from '../report/index.js';
import { runBench, type RunSummary } from '../runner/run.js';
import type { World } from '../runner/world.js';
import { StoreError, type RunRow, type RunStatus, type TrialStore } from '../store/index.js';
import { followUpBudgetOf } from '../config/rig-schema.js';
import { TimeBudget } from './budget.js';
import { FollowUpRun } from './follow-up-run.js';
import { describeEstimate, estimateNight, type NightEstimate } from './estimate.js';
import { writeRunReport, type WrittenRunReport } from './night-report.js';
import { runNotify } from './notify.js';

export interface NightlyOptions {
  bench: LoadedBench;
  /**
   * The bench the run drives (runner/world.ts), or how to build it: built inside the night, so a bench that cannot
   * be built (a relay board not found) still ends the run as failed, with its report.
   */
  world: World | (() => Promise<World>);
  store: TrialStore;
  outDir: string;
  trialsPerDut?: number;
  /** Time budget in minutes (default: the rig's nightly.maxMinutes; none when neither gives one). */
  maxMinutes?: number;
  /** Follow-up trials after the planned ones, within the rig's nightly.followUp budget (default: on; --no-follow-up: off). */
  followUp?: boolean;
  /** Keep report folders of the newest N nights of this rig. */
  keepNights?: number;
  signal?: AbortSignal;
  onTrial?: (record: TrialRecord) => void;
  log?: (line: string) => void;
  /** The wall clock the night is dated by (default: now). */
  now?: () => Date;
}

export interface NightlyResult {
  run: RunRow;
  /** What this process ran; absent when the bench could not be driven or failed mid-run. */
  summary?: RunSummary;
  /** Absent only when even the report could not be written (the store or the disk failing). */
  report?: WrittenRunReport;
  exitCode: number;
  headline: string;
  /** Stopped by the caller's signal. */
  interrupted: boolean;
  /** What ended the run early (a relay board not found or lost, the store failing): the caller passes it on, exit 3. */
  failure?: unknown;
  estimate: NightEstimate;
}

export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  const { bench, store } = options;
  const rig = bench.rig;
  const log = options.log ?? (() => undefined);
  // The night owns its world from here: disposed however it ends, even when no trial ran (disposing twice is a no-op).
  let world = typeof options.world === 'function' ? undefined : options.world;
  let lock: Awaited<ReturnType<TrialStore['lockRig']>> | undefined;
  try {
    lock = await store.lockRig(rig.id);
    const start = options.now?.() ?? new Date();
    const night = nightOf(start);
    const trialsPerDut = options.trialsPerDut ?? rig.nightly.trialsPerDut;
    const maxMinutes = options.maxMinutes ?? rig.nightly.maxMinutes;
    const previous = await store.findRun({ rig: rig.id, night, command: 'nightly' });
    const resuming = previous && previous.status !== 'completed' ? previous : undefined;
    const runId = resuming?.id ?? newRunId(rig.id, start);
    const doneTrials = new Map<string, number>();
    if (resuming) {
      for (const dut of rig.duts) doneTrials.set(dut.id, await store.lastSeq(runId, dut.id));
      const done = [...doneTrials.values()].reduce((a, b) => a + b, 0);
      log(`resuming tonight's unfinished run ${runId} (${done} trials already stored)`);
    }
    const meta: Record<string, unknown> = { command: 'nightly', trialsPerDut, maxMinutes: maxMinutes ?? null, [BENCH_FACTS_KEY]: benchFacts(bench) };
    await store.beginRun({ runId, rig, night, meta, startedAt: resuming?.startedAt ?? start.toISOString() });
    const followUpBudget = options.followUp !== false ? followUpBudgetOf(rig.nightly.followUp) : undefined;
    const plan = { duts: rig.duts, trialsPerDut, doneTrials, concurrency: rig.nightly.concurrency, followUp: followUpBudget };
    const estimate = await estimateNight(store, bench, plan);
    log(`expected duration: ${describeEstimate(estimate, plan)}${maxMinutes ? `; time budget ${maxMinutes} min` : ''}`);

    let summary: RunSummary | undefined;
    let failure: unknown;
    let budget: TimeBudget | undefined;
    let followUp: FollowUpRun | undefined;
    try {
      world ??= await (options.world as () => Promise<World>)();
      if (maxMinutes) budget = new TimeBudget(maxMinutes, world.clock, (dut) => estimate.trialTimes.get(dut.id)?.highMs ?? 0);
      if (followUpBudget) {
        followUp = new FollowUpRun({
          store, bench, run: { id: runId, night }, clock: world.clock, ...followUpBudget,
          cutByBudget: () => budget?.cut ?? false,
          trialMs: (dut) => estimate.trialTimes.get(dut.id)?.highMs ?? 0,
          log,
        });
      }
      summary = await runBench(bench, {
        world,
        runId,
        night,
        trialsPerDut,
        doneTrials,
        sink: store,
        signal: options.signal,
        onTrial: (record) => {
          followUp?.trial(record);
          options.onTrial?.(record);
        },
        beforeTrial: budget ? (dut, seq) => budget!.beforeTrial(dut, seq) : undefined,
        followUp,
      });
    } catch (error) {
      failure = error;
    }

    const status: RunStatus = failure ? 'failed' : summary!.interrupted ? 'interrupted' : budget?.cut ? 'cut-by-budget' : 'completed';
    try {
      const notRun = summary?.notRun ?? (failure instanceof StoreError ? [] : await notRunAfter(store, bench, runId, trialsPerDut, failure));
      await store.setNotRun(runId, notRun);
      if (followUp) await store.setRunMeta(runId, { ...meta, followUp: followUp.summary(failure !== undefined || (summary?.interrupted ?? false)) });
      await store.endRun(runId, status);
    } catch (error) {
      failure ??= error;
    }

    let report: WrittenRunReport | undefined;
    try {
      const run = (await store.run(runId))!;
      report = await writeRunReport(store, bench, run, options.outDir);
      pointLatest(join(options.outDir, rig.id), night);
      if (options.keepNights) pruneNights(join(options.outDir, rig.id), options.keepNights, log);
      await publishNights(join(options.outDir, rig.id), rig.id, night);
    } catch (error) {
      if (!failure) throw error;
      log(`no report tonight: ${error instanceof Error ? error.message : String(error)}`);
    }

    const run = (await store.run(runId).catch(() => undefined)) ?? fallbackRun(runId, rig.id, night, start, status);
    const verdict = report ? overall(report.input) : undefined;
    const headline = verdict?.headline ?? `no report: ${failure instanceof Error ? failure.message : String(failure)}`;
    // A lab is told of new flags, and of a night it cannot trust (a bench that could not be driven, too many
    // harness errors): a silent failure would leave yesterday's report to be read as tonight's.
    if (report && verdict && rig.nightly.notify && (verdict.fresh.length > 0 || verdict.level === 'untrustworthy')) {
      await runNotify(rig.nightly.notify, resolve(report.night.summary), log);
    }
    // A night of too many harness errors exits 3 like any other fault of the bench, not 1 as if hardware failed.
    const exitCode = failure ? EXIT.infrastructure : verdict ? exitCodeOf(verdict.level) : EXIT.infrastructure;
    return { run, summary, report, exitCode, headline, interrupted: summary?.interrupted ?? false, failure, estimate };
  } finally {
    world?.dispose();
    await lock?.release();
  }
}

/**
 * The trials a failed run did not attempt, per DUT: the planned ones not in the store. A relay board not found or
 * lost (the runner's infrastructure errors are all its relay boards') is `relay-not-answering`; anything else, the
 * harness's `exception`.
 */
async function notRunAfter(store: TrialStore, bench: LoadedBench, runId: string, trialsPerDut: number, failure: unknown): Promise<NotRun[]> {
  const reason: NotRun['reason'] = failure instanceof InfrastructureError ? 'relay-not-answering' : 'exception';
  const detail = failure instanceof Error ? failure.message : String(failure);
  const notRun: NotRun[] = [];
  for (const dut of dutsInService(bench.rig)) {
    const left = trialsPerDut - (await store.lastSeq(runId, dut.id));
    if (left > 0) notRun.push({ dut: dut.id, trials: left, reason, detail });
  }
  return notRun;
}

/** The run as far as it is known, when the store cannot say. */
function fallbackRun(id: string, rig: string, night: string, start: Date, status: RunStatus): RunRow {
  return { id, rig, night, startedAt: start.toISOString(), endedAt: null, host: '', versions: {}, rigDigest: null, status, meta: { command: 'nightly' }, notRun: [] };
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
