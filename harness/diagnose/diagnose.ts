/**
 * `diagnose`: the window of nights from the store, aggregated by the database into cells, attributed
 * (attribute.ts), with each component's night-by-night history. The store is only read.
 */
import type { Rig } from '../config/types.js';
import { InputError } from '../core/exit-codes.js';
import type { TrialStore } from '../store/index.js';
import { attribute, type AttributeOptions, type ComponentReport } from './attribute.js';
import { cellsFromCounts, type Cell } from './cells.js';
import { changeOf, nightsOf } from './history.js';
import { changedSinceSentence } from './sentences.js';
import { thresholdsWith } from './thresholds.js';
import type { DiagnosisResult } from './types.js';

export interface DiagnoseOptions {
  store: TrialStore;
  rig: string;
  /** The night diagnosed (default: the latest night in the store); the window ends with it. */
  night?: string;
  windowNights?: number;
  rigConfig?: Rig;
  /** The board profiles of the rig's DUTs (family and pins), so that a proposed board swap fits. */
  profiles?: AttributeOptions['profiles'];
  /** Symptom physics per chip family (harness/families/physics.ts on a bench). */
  physics?: AttributeOptions['physics'];
  thresholds?: AttributeOptions['thresholds'];
}

export interface Diagnosis extends DiagnosisResult {
  components: ComponentReport[];
}

export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  const nights = await options.store.nights(options.rig);
  if (nights.length === 0) throw new InputError(`no trials of rig ${options.rig} in the store`);
  const night = options.night ?? nights[nights.length - 1]!;
  const upTo = nights.filter((n) => n <= night);
  if (upTo.length === 0) throw new InputError(`no trials of rig ${options.rig} on or before ${night} (first night: ${nights[0]})`);
  const windowNights = upTo.slice(-Math.max(1, options.windowNights ?? 14));
  const cells = cellsFromCounts(await options.store.symptomCounts({ rig: options.rig, nights: windowNights }));
  return diagnoseCells(cells, { rig: options.rig, night, windowNights, rigConfig: options.rigConfig, profiles: options.profiles, physics: options.physics, thresholds: options.thresholds });
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
