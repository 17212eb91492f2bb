/**
 * Gathers what the report shows from the store: the run's trials (with a capped sample of failing transcripts), the
 * diagnosis over the history window, pass rates per night per DUT, the night's other runs, the rig's acks, and where
 * the pages of every failing trial read from. The report renderers only format this. Every night counts the run that
 * stands for it (store/night-runs.ts); the run reported counts for its own night, so the headline and the verdicts
 * count the same trials.
 */
import { hostname } from 'node:os';
import type { LoadedBench } from '../config/types.js';
import { diagnose } from '../diagnose/index.js';
import { FAMILY_PHYSICS } from '../families/index.js';
import type { DiagnosisResult } from '../diagnose/types.js';
import { ReportDataCollector, type HistoryPoint, type ReportInput, type TranscriptSource } from '../report/index.js';
import type { FollowUpSummary, NightRunEntry } from '../report/types.js';
import { countsOfNights, nightRunOf, type RunListing, type RunRow, type TrialStore } from '../store/index.js';
import { PRODUCT_VERSIONS } from './versions.js';

/** The report of `run`: its trials, the diagnosis counting them for their night, the history, the night's runs. */
export async function reportInputOf(store: TrialStore, bench: LoadedBench, run: RunRow): Promise<ReportInput> {
  const nightRuns = await store.runs({ rig: run.rig, nights: [run.night] });
  const trials = nightRuns.find((r) => r.id === run.id)?.trials ?? 0;
  // A run that stored no trial (the bench could not be driven) has nothing to diagnose tonight.
  const diagnosis =
    trials > 0
      ? await diagnose({ store, rig: run.rig, run, windowNights: bench.rig.nightly.historyNights, rigConfig: bench.rig, profiles: bench.profiles, physics: FAMILY_PHYSICS })
      : emptyDiagnosis(run.rig, run.night);
  return buildReportInput(store, bench, run, diagnosis, nightRuns);
}

export async function buildReportInput(
  store: TrialStore,
  bench: LoadedBench,
  run: RunRow,
  diagnosis: DiagnosisResult,
  nightRuns?: readonly RunListing[],
): Promise<ReportInput> {
  const collector = new ReportDataCollector();
  for await (const record of store.trialsFor({ rig: run.rig, runId: run.id, transcripts: true })) collector.add(record);
  const data = collector.finish();
  const maxMinutes = run.meta.maxMinutes;
  const spool = store.spoolStatus?.();
  const followUp = run.meta.followUp as FollowUpSummary | undefined;
  return {
    ...(followUp ? { followUp } : {}),
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
      hostComponent: data.perDut[0]?.components.host ?? bench.rig.host,
      maxMinutes: typeof maxMinutes === 'number' ? maxMinutes : null,
      versions: { ...PRODUCT_VERSIONS, ...store.versions, ...run.versions },
      rigDigest: run.rigDigest ?? bench.rig.digest,
      profileDigests: Object.fromEntries([...bench.profiles].map(([id, p]) => [id, p.digest])),
    },
    nightRuns: nightRuns ? nightRunEntries(nightRuns) : undefined,
    rig: bench.rig,
    ...data,
    diagnosis,
    history: await historyOf(store, run, diagnosis.windowNights),
    acks: await store.acks(run.rig),
    transcripts: failingTrialsOf(store, run),
  };
}

/** The run's failing trials as the pages of the report read them, straight from the store. */
function failingTrialsOf(store: TrialStore, run: RunRow): TranscriptSource {
  const query = { rig: run.rig, runId: run.id, failing: true };
  return {
    read: (perDut) => store.trialsFor({ ...query, transcripts: true, perDut }),
    async *beyond(perDut) {
      const seen = new Map<string, number>();
      for await (const t of store.trialsFor(query)) {
        const n = (seen.get(t.dut) ?? 0) + 1;
        seen.set(t.dut, n);
        if (n > perDut) yield t;
      }
    },
  };
}

/** The diagnosis of a night with no trial to diagnose. */
export function emptyDiagnosis(rig: string, night: string): DiagnosisResult {
  return { rig, night, windowNights: [], trials: 0, failures: 0, components: [], profiles: [] };
}

function nightRunEntries(runs: readonly RunListing[]): NightRunEntry[] {
  const standing = nightRunOf(runs)?.id;
  return runs.map((r) => ({
    runId: r.id,
    command: typeof r.meta.command === 'string' ? r.meta.command : 'run',
    status: r.status,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    trials: r.trials,
    standsForNight: r.id === standing,
  }));
}

/** Trials and passes per night per DUT over the window, counted by the store, each night by the run that counts for it. */
async function historyOf(store: TrialStore, run: RunRow, nights: string[]): Promise<HistoryPoint[]> {
  const points = new Map<string, HistoryPoint>();
  for (const count of await countsOfNights(store, { rig: run.rig, nights, run })) {
    const key = `${count.night}\u0000${count.dut}`;
    const point = points.get(key) ?? { night: count.night, dut: count.dut, trials: 0, passes: 0 };
    point.trials += count.count;
    if (count.symptom === 'ok') point.passes += count.count;
    points.set(key, point);
  }
  return [...points.values()].sort((a, b) => a.night.localeCompare(b.night) || a.dut.localeCompare(b.dut));
}
