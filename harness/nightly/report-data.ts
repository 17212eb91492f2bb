/**
 * Gathers what the report shows from the store: tonight's run (with a capped sample of failing transcripts), the
 * diagnosis over the history window, and pass rates per night per DUT. The report renderers only format this.
 */
import { hostname } from 'node:os';
import type { LoadedBench } from '../config/types.js';
import type { DiagnosisResult } from '../diagnose/types.js';
import { ReportDataCollector, type HistoryPoint, type ReportInput } from '../report/index.js';
import type { RunRow, TrialStore } from '../store/index.js';
import { PRODUCT_VERSIONS } from './versions.js';

export async function buildReportInput(store: TrialStore, bench: LoadedBench, run: RunRow, diagnosis: DiagnosisResult): Promise<ReportInput> {
  const collector = new ReportDataCollector();
  for await (const record of store.trialsFor({ rig: run.rig, runId: run.id, transcripts: true })) collector.add(record);
  const data = collector.finish();
  const spool = store.spoolStatus?.();
  return {
    ...(spool && (spool.spooled > 0 || spool.pending > 0) ? { spool } : {}),
    notRun: run.notRun,
    run: {
      runId: run.id,
      rig: run.rig,
      night: run.night,
      startedAt: run.startedAt,
      endedAt: run.endedAt ?? new Date().toISOString(),
      status: run.status,
      host: run.host || hostname(),
      versions: { ...PRODUCT_VERSIONS, ...store.versions, ...run.versions },
      rigDigest: run.rigDigest ?? bench.rig.digest,
      profileDigests: Object.fromEntries([...bench.profiles].map(([id, p]) => [id, p.digest])),
    },
    rig: bench.rig,
    ...data,
    diagnosis,
    history: await historyOf(store, run.rig, diagnosis.windowNights),
  };
}

/** Trials and passes per night per DUT over the window, counted by the store. */
async function historyOf(store: TrialStore, rig: string, nights: string[]): Promise<HistoryPoint[]> {
  const points = new Map<string, HistoryPoint>();
  for (const count of await store.symptomCounts({ rig, nights })) {
    const key = `${count.night}\u0000${count.dut}`;
    const point = points.get(key) ?? { night: count.night, dut: count.dut, trials: 0, passes: 0 };
    point.trials += count.count;
    if (count.symptom === 'ok') point.passes += count.count;
    points.set(key, point);
  }
  return [...points.values()].sort((a, b) => a.night.localeCompare(b.night) || a.dut.localeCompare(b.dut));
}
