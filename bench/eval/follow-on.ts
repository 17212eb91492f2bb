/**
 * The nights after a scenario's night, as a lab runs them: the report's swaps and moves carried out
 * (technician.ts), the same faults left in their parts, one more night on the changed rig, diagnosed with the nights
 * before as history (as a nightly diagnoses over its window of `historyNights`). At most `FOLLOW_ON_NIGHTS` such
 * nights: another only while the latest report still advises a swap or move that can be made.
 */
import type { Rig } from '../../harness/config/types.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import type { DiagnosisResult } from '../../harness/diagnose/types.js';
import type { DiagnoseInput } from './evaluate.js';
import type { Scenario } from './scenario.js';
import { scoreDiagnosis, type ScenarioScore } from './score.js';
import { benchAdvice, carryOutSwaps, type AdviceContext, type SwapOutcome } from './technician.js';

export const FOLLOW_ON_NIGHTS = 2;
/** The scenario's own night; follow-on nights are the days after it. */
export const FIRST_NIGHT = '2026-01-01';

export function nightAfter(first: string, days: number): string {
  const date = new Date(`${first}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** One night after the report's swaps: the rig as changed, what was done, and its trials. */
export interface FollowOnNight {
  night: string;
  /** The seed the night ran with. */
  seed: number;
  rig: Rig;
  swaps: SwapOutcome[];
  records: TrialRecord[];
}

/** The scenario scored on the last report after the follow-on nights (night one's when there were none). */
export interface AfterSwaps {
  score: ScenarioScore;
  /** The nights the last report was diagnosed over: night one and the follow-on nights, as history. */
  reportNights: string[];
  nights: FollowOnNight[];
  /** Advised swaps that could not be carried out. */
  notApplied: SwapOutcome[];
  /** Swaps and moves the last report still advises (beyond the nights allowed, or none could be made). */
  stillAdvised: number;
  /** On a replay: why the saved follow-on nights could not be used from some night on. */
  unreplayable?: string;
}

/** Gives a follow-on night's trials for a rig: run them, or read the saved ones; a string says why there are none. */
export type NightSource = (rig: Rig, night: string, index: number) => Promise<{ seed: number; records: TrialRecord[] } | string>;

/** The seed of follow-on night `index` (1, 2) of a scenario: its own stream, apart from every scenario's seed. */
export function followOnSeed(scenario: Scenario, index: number): number {
  return scenario.seed + 1_000_000 * index;
}

export async function followOnNights(
  scenario: Scenario,
  nightOne: { records: TrialRecord[]; diagnosis: DiagnosisResult },
  boards: DiagnoseInput,
  source: NightSource,
  maxNights = FOLLOW_ON_NIGHTS,
): Promise<AfterSwaps> {
  let records = nightOne.records;
  let diagnosis = nightOne.diagnosis;
  // The rig the diagnosis saw, and the rig as the bench stands (after a technician's mid-night swap, if any).
  let diagnosed = scenario.rig;
  let bench = scenario.swap?.rig ?? scenario.rig;
  const nights: FollowOnNight[] = [];
  const notApplied: SwapOutcome[] = [];
  let unreplayable: string | undefined;
  for (let index = 1; index <= maxNights; index++) {
    if (benchAdvice(diagnosis) === 0) break;
    const cells = cellsFromRecords(records);
    const ctx: AdviceContext = { cells, rig: diagnosed, ...(boards.profiles ? { profiles: boards.profiles } : {}) };
    const { rig, swaps } = carryOutSwaps(diagnosis, ctx, bench);
    notApplied.push(...swaps.filter((s) => !s.applied));
    if (!swaps.some((s) => s.applied)) break;
    const night = nightAfter(FIRST_NIGHT, index);
    const ran = await source(rig, night, index);
    if (typeof ran === 'string') {
      unreplayable = ran;
      break;
    }
    nights.push({ night, seed: ran.seed, rig, swaps, records: ran.records });
    records = [...records, ...ran.records];
    diagnosed = bench = rig;
    diagnosis = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id, rigConfig: rig, ...boards });
  }
  const after: AfterSwaps = { score: scoreDiagnosis(diagnosis, scenario.faults), reportNights: diagnosis.windowNights, nights, notApplied, stillAdvised: benchAdvice(diagnosis) };
  if (unreplayable) after.unreplayable = unreplayable;
  return after;
}

/** A source that runs each night with `execute` on the changed rig, the faults travelling in its parts. */
export function runningSource(scenario: Scenario, execute: (scenario: Scenario, night: string) => Promise<TrialRecord[]>): NightSource {
  return async (rig, night, index) => {
    const seed = followOnSeed(scenario, index);
    return { seed, records: await execute({ ...scenario, seed, rig }, night) };
  };
}

/**
 * A source that reads the nights saved by an earlier run; a night is used only when the current diagnosis' swaps
 * give the very rig it ran on (else its trials say nothing about the current advice).
 */
export function savedSource(saved: FollowOnNight[] | undefined): NightSource {
  return async (rig, night, index) => {
    const found = saved?.[index - 1];
    if (!found) return saved === undefined ? 'no follow-on nights saved' : `the current report advises a swap for ${night}, which the saved run did not make`;
    if (found.night !== night || JSON.stringify(found.rig) !== JSON.stringify(rig)) return `the current report advises other swaps for ${night} than the saved run made`;
    return { seed: found.seed, records: found.records };
  };
}
