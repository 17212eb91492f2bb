/**
 * `diagnose`: the window of nights from the store, aggregated by the database into cells, attributed
 * (attribute.ts), with each component's night-by-night history. The store is only read.
 */
import type { Rig } from '../config/types.js';
import { InputError } from '../core/exit-codes.js';
import { countsOfNights, type RunRow, type TrialStore } from '../store/index.js';
import { attribute, type AttributeOptions, type ComponentReport } from './attribute.js';
import { cellsFromCounts, type Cell } from './cells.js';
import { changeOf, compareWithPrevious, nightsOf } from './history.js';
import { changedSinceSentence } from './sentences.js';
import { thresholdsWith } from './thresholds.js';
import type { DiagnosisResult } from './types.js';

export interface DiagnoseOptions {
  store: TrialStore;
  rig: string;
  /** The night diagnosed (default: the run's night, else the latest night in the store); the window ends with it. */
  night?: string;
  /** The run counted for its night (default: the run that stands for the night, store/night-runs.ts). */
  run?: Pick<RunRow, 'id' | 'night'>;
  windowNights?: number;
  rigConfig?: Rig;
  /** The board profiles of the rig's DUTs (family and pins), so that a proposed board swap fits. */
  profiles?: AttributeOptions['profiles'];
  /** Symptom physics per chip family (the registry's FAMILY_PHYSICS on a bench). */
  physics?: AttributeOptions['physics'];
  thresholds?: AttributeOptions['thresholds'];
}

export interface Diagnosis extends DiagnosisResult {
  components: ComponentReport[];
}

export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  const nights = await options.store.nights(options.rig);
  if (nights.length === 0) throw new InputError(`no trials of rig ${options.rig} in the store`);
  const night = options.night ?? options.run?.night ?? nights[nights.length - 1]!;
  if (!nights.includes(night)) {
    const span = nights.length === 1 ? nights[0] : `${nights[0]} … ${nights[nights.length - 1]}`;
    throw new InputError(`no trials of rig ${options.rig} on ${night}: nothing to diagnose (the store holds ${nights.length} night${nights.length === 1 ? '' : 's'} of it: ${span})`);
  }
  const upTo = nights.filter((n) => n <= night);
  const window = Math.max(1, options.windowNights ?? 14);
  const windowNights = upTo.slice(-window);
  // The night before is diagnosed over its own window too, so that tonight says what is new and what was fixed.
  const previousNights = upTo.slice(0, -1).slice(-window);
  // Each night counts the run that stands for it, so a night run twice is not counted twice.
  const counts = await countsOfNights(options.store, { rig: options.rig, nights: [...new Set([...previousNights, ...windowNights])], run: options.run });
  const cells = cellsFromCounts(counts);
  const within = (nights: string[]) => {
    const set = new Set(nights);
    return cells.filter((c) => set.has(c.night));
  };
  const shared = { rig: options.rig, rigConfig: options.rigConfig, profiles: options.profiles, physics: options.physics, thresholds: options.thresholds };
  const tonightCells = within(windowNights);
  const tonight = diagnoseCells(tonightCells, { ...shared, night, windowNights });
  const previous = previousNights.length > 0 ? diagnoseCells(within(previousNights), { ...shared, night: previousNights.at(-1)!, windowNights: previousNights }) : undefined;
  return compareWithPrevious(tonight, previous, tonightCells, thresholdsWith(options.thresholds)) as Diagnosis;
}

/** The same over cells already in memory (tests, the evaluation, a run that has its records at hand). */
export function diagnoseCells(
  cells: Cell[],
  options: {
    rig: string;
    night?: string;
    windowNights?: string[];
    rigConfig?: Rig;
    profiles?: AttributeOptions['profiles'];
    physics?: AttributeOptions['physics'];
    thresholds?: AttributeOptions['thresholds'];
  },
): Diagnosis {
  const windowNights = options.windowNights ?? [...new Set(cells.map((c) => c.night))].sort();
  const night = options.night ?? windowNights[windowNights.length - 1] ?? '';
  const thresholds = thresholdsWith(options.thresholds);
  const attribution = attribute(cells, { rig: options.rigConfig, profiles: options.profiles, physics: options.physics, thresholds });
  const windowStart = windowNights[0] ?? '';
  const refs = new Map(cells.flatMap((c) => c.components.map((r) => [r.key, r] as const)));
  for (const report of attribution.components) {
    if (report.kind === 'profile') continue;
    const ref = refs.get(`${report.kind}:${report.id}`);
    if (!ref) continue;
    report.history = nightsOf(ref.key, cells).map((p) => ({ night: p.night, trials: p.trials, passRate: p.trials === 0 ? 0 : 1 - p.failures / p.trials }));
    if (report.verdict !== 'ok' || report.kind === 'dut') {
      const change = changeOf(ref, cells, windowStart, thresholds);
      if (change) report.changedSince = changedSinceSentence(change);
    }
  }
  return {
    rig: options.rig,
    night,
    windowNights,
    trials: attribution.trials,
    failures: attribution.failures,
    components: attribution.components,
    profiles: attribution.profiles,
  };
}

/** Whether any component (or profile) is flagged suspect or bad. */
export function hasFlags(result: DiagnosisResult): boolean {
  return result.components.some((c) => c.verdict === 'suspect' || c.verdict === 'bad') || result.profiles.some((p) => p.verdict === 'suspect' || p.verdict === 'bad');
}
