/**
 * One night's runs, made explicit. A night may hold several runs of a rig (a nightly run again by hand, a `run`
 * during the day, a crashed night completed by a second start keeps its one run). One of them stands for the night:
 * its latest finished nightly run; else its latest nightly run (interrupted, failed, still running); else its latest
 * finished run of any command; else its latest run. The diagnosis, the history and the night's report count that
 * run's trials only, so the headline and the verdicts count the same trials; the others stay in the store and each
 * keeps its own report.
 */
import type { RunRow, RunStatus, SymptomCount, TrialStore } from './types.js';

/** Runs that ended on their own terms: every planned trial ran, or the time budget stopped them as planned. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'cut-by-budget'];

export function isFinished(run: Pick<RunRow, 'status'>): boolean {
  return FINISHED_STATUSES.includes(run.status);
}

/** The run that stands for a night, among that night's runs; undefined when there are none. */
export function nightRunOf<R extends RunRow>(runs: readonly R[]): R | undefined {
  const latestFirst = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const nightly = (r: RunRow) => r.meta.command === 'nightly';
  return (
    latestFirst.find((r) => nightly(r) && isFinished(r)) ??
    latestFirst.find(nightly) ??
    latestFirst.find(isFinished) ??
    latestFirst[0]
  );
}

/** Which run counts for each night: the night's run, or the one chosen for one night (`report --run`). */
export interface NightRunChoice {
  rig: string;
  nights: string[];
  /** Count this run for its night instead of the night's run. */
  run?: Pick<RunRow, 'id' | 'night'>;
  /** The rig's runs of these nights, when the caller has read them already. */
  runs?: readonly RunRow[];
}

/**
 * Symptom counts of the given nights, each night counting only the run that stands for it (or the chosen run).
 * A night whose trials have no run record (imported trials) counts all of its trials.
 */
export async function countsOfNights(store: TrialStore, choice: NightRunChoice): Promise<SymptomCount[]> {
  const { rig, nights } = choice;
  if (nights.length === 0) return [];
  const runs = choice.runs ?? (await store.runs({ rig, nights }));
  const counted = new Map<string, string>();
  for (const night of nights) {
    const id = choice.run?.night === night ? choice.run.id : nightRunOf(runs.filter((r) => r.night === night))?.id;
    if (id) counted.set(night, id);
  }
  const withRun = nights.filter((n) => counted.has(n));
  const withoutRun = nights.filter((n) => !counted.has(n));
  const counts = withRun.length > 0 ? await store.symptomCounts({ rig, nights: withRun, runIds: [...counted.values()] }) : [];
  if (withoutRun.length > 0) counts.push(...(await store.symptomCounts({ rig, nights: withoutRun })));
  return counts;
}
