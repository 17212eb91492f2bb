/**
 * Where reports go, and the one way a run's report is written. Each run keeps its own report in
 * `<out>/<rig>/<night>/runs/<run id>/`; the night's folder `<out>/<rig>/<night>/` holds the report of the run that
 * stands for the night (store/night-runs.ts), so a night run twice loses neither report.
 */
import { join } from 'node:path';
import type { LoadedBench } from '../config/types.js';
import { writeReport, type ReportInput, type WrittenReport } from '../report/index.js';
import type { RunRow, TrialStore } from '../store/index.js';
import { reportInputOf } from './report-data.js';

export function nightDir(outDir: string, rig: string, night: string): string {
  return join(outDir, rig, night);
}

/** A run's own report folder, inside its night's. */
export function runDir(outDir: string, rig: string, night: string, runId: string): string {
  return join(nightDir(outDir, rig, night), 'runs', runId);
}

export interface WrittenRunReport {
  input: ReportInput;
  /** The run's own report (runs/<id>/). */
  files: WrittenReport;
  /** The night's report (the run that stands for the night: this one or another). */
  night: WrittenReport;
  standsForNight: boolean;
}

/** Writes `run`'s report into its own folder, and the night's report (again) beside it. */
export async function writeRunReport(store: TrialStore, bench: LoadedBench, run: RunRow, outDir: string): Promise<WrittenRunReport> {
  const input = await reportInputOf(store, bench, run);
  const files = await writeReport(runDir(outDir, run.rig, run.night, run.id), input);
  const standing = input.nightRuns?.find((r) => r.standsForNight)?.runId ?? run.id;
  const other = standing === run.id ? undefined : await store.run(standing);
  const nightInput = other ? await reportInputOf(store, bench, other) : input;
  const night = await writeReport(nightDir(outDir, run.rig, run.night), nightInput);
  return { input, files, night, standsForNight: !other };
}
