/**
 * The diagnosis evaluation: seeded fault scenarios and fault-free ones, executed (runner or synthetic), diagnosed,
 * scored; and for every fault the number of trials per DUT until it is first flagged, against an SPRT that knows
 * the true rates.
 */
import type { TrialRecord } from '../../harness/core/record.js';
import { DEFAULT_THRESHOLDS } from '../../harness/diagnose/thresholds.js';
import { cellsFromRecords, componentKey, refsOf } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import type { Executor } from './execute.js';
import { generateScenario, type InjectedFault, type ProfileSketch, type Scenario } from './scenario.js';
import { PATTERNS, patternScenario } from './patterns.js';
import { syntheticStrengths, type FaultStrengths } from './strengths.js';
import { isFound, scoreDiagnosis, type ScenarioScore } from './score.js';
import { sprtTrialsToDetect } from './sprt.js';
import type { SavedScenario, ScenarioRole } from './saved.js';
import { FIRST_NIGHT, followOnNights, runningSource, savedSource, type AfterSwaps } from './follow-on.js';
import type { DiagnosisResult } from '../../harness/diagnose/types.js';

export interface EvaluationOptions {
  faultScenarios: number;
  faultFreeScenarios: number;
  trialsPerDut: number;
  seed: number;
  execute: Executor;
  profiles?: ProfileSketch[];
  /** How wanted failure rates become fault values (default: the synthetic model). */
  strengths?: FaultStrengths;
  /** Range of per-trial failure probabilities of an injected fault (default 0.1–0.6). */
  faultRate?: [number, number];
  /** Per-DUT trial counts at which the diagnosis is re-run to find the first correct flag (default: 5, 10, 20, …). */
  checkpoints?: number[];
  /** Scenarios per failure pattern of patterns.ts (default none). */
  patternScenarios?: number;
  /** Board profiles by id (family, pins) and the families' symptom physics, handed to the diagnosis as a bench would. */
  boards?: DiagnoseInput;
  onScenario?: (result: ScenarioResult) => void;
  /** Nights after the report's swaps per scenario, at most (default 2; 0: the scenario's night alone). */
  followOnNights?: number;
  /** Called with every scenario's trials as they are run (to save them for a replay). */
  onRecords?: (saved: SavedScenario) => void;
}

/** What re-scoring saved trials needs: no runner, no strengths. */
export type ReplayOptions = Pick<EvaluationOptions, 'trialsPerDut' | 'checkpoints' | 'boards' | 'onScenario'>;

export interface FaultTiming {
  fault: InjectedFault;
  /** Trials per DUT at the first checkpoint where the fault was flagged (undefined: never within the run). */
  ours?: number;
  /** Trials per DUT an SPRT with the true rates needed on the same outcomes. */
  sprt?: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  trials: number;
  /** Failed trials (any symptom but ok). */
  failures: number;
  score: ScenarioScore;
  timings: FaultTiming[];
  /** After the report's swaps were carried out and the next nights run (absent on a replay of older records). */
  afterSwaps?: AfterSwaps;
}

/** The figures after the report's swaps, beside the one-night ones. */
export interface AfterSwapsSummary {
  found: number;
  recall: number;
  trueFlags: number;
  falseFlags: number;
  precision: number;
  /** Faults still inside a group the last report cannot split. */
  unidentifiable: number;
  /** Faults found on night one that the last report no longer flags. */
  dropped: number;
  /** Scenarios that got follow-on nights, and those nights in all. */
  scenariosFollowedOn: number;
  nights: number;
  /** Scenarios by follow-on nights taken: index 0, 1, 2. */
  byNights: number[];
  swapsApplied: number;
  /** Boards moved off a supply to confirm it (the report's `confirmingMove`). */
  movesApplied: number;
  swapsNotApplied: number;
  /** Swaps and moves the last reports still advise. */
  stillAdvised: number;
  faultFreeFlagged: number;
  /** Replay: scenarios whose saved follow-on nights no longer match the current advice. */
  unreplayable: number;
}

export interface EvaluationSummary {
  faultScenarios: ScenarioResult[];
  faultFree: ScenarioResult[];
  /** The pattern scenarios (also counted in faultScenarios). */
  patterns: ScenarioResult[];
  faults: number;
  found: number;
  flags: number;
  trueFlags: number;
  falseFlags: number;
  recall: number;
  precision: number;
  /** Faults inside a group a flag says no night can tell apart: only a swap can (never counted as found). */
  unidentifiable: number;
  /** Flags that say so, with a fault in their group (neither true nor false). */
  undecidedFlags: number;
  /** Recall over the faults a night can identify: found / (faults − unidentifiable). */
  identifiableRecall: number;
  /** Precision if every undecided flag were counted false. */
  precisionUndecidedFalse: number;
  /** Fault-free scenarios with at least one flag. */
  faultFreeFlagged: number;
  foundThroughGroup: number;
  /** Failure rate measured over the fault-free scenarios: the baseline the diagnosis really saw. */
  measuredBaselineRate: number;
  medianOurs?: number;
  medianSprt?: number;
  /** Absent when no scenario has follow-on figures (records saved before they were). */
  afterSwaps?: AfterSwapsSummary;
}

const NIGHT = FIRST_NIGHT;

/** What a bench hands the diagnosis besides the trials. */
export type DiagnoseInput = Pick<Parameters<typeof diagnoseCells>[1], 'profiles' | 'physics'>;

export async function evaluate(options: EvaluationOptions): Promise<EvaluationSummary> {
  const results: Array<{ role: ScenarioRole; result: ScenarioResult }> = [];
  const run = async (role: ScenarioRole, scenario: Scenario) => {
    const records = await executeNight(scenario, options);
    const { result, diagnosis } = scoreScenario(scenario, records, options, role !== 'fault-free');
    const source = runningSource(scenario, (s, night) => options.execute(s, { trialsPerDut: options.trialsPerDut, night }));
    result.afterSwaps = await followOnNights(scenario, { records, diagnosis }, options.boards ?? {}, source, options.followOnNights);
    options.onRecords?.({ role, scenario, records, followOn: result.afterSwaps.nights });
    results.push({ role, result });
    options.onScenario?.(result);
  };
  for (let i = 0; i < options.faultScenarios; i++) {
    const seed = options.seed + i;
    const faultCount = 1 + (seed % 3);
    await run('fault', generateScenario(seed, { faults: faultCount, profiles: options.profiles, strengths: options.strengths, faultRate: options.faultRate }));
  }
  for (let i = 0; i < (options.patternScenarios ?? 0); i++) {
    for (const pattern of PATTERNS) {
      const scenario = patternScenario(options.seed + 50_000 + i, pattern, options.profiles ?? [], options.strengths ?? syntheticStrengths(), options.trialsPerDut);
      if (scenario) await run('pattern', scenario);
    }
  }
  for (let i = 0; i < options.faultFreeScenarios; i++) {
    await run('fault-free', generateScenario(options.seed + 100_000 + i, { faults: 0, profiles: options.profiles, strengths: options.strengths }));
  }
  return summarize(results);
}

/**
 * The same summary over trials saved by an earlier run, re-scored with the diagnosis as it is now. Saved follow-on
 * nights are re-scored too, as long as the current report advises the swaps they were run after; records saved
 * without them give the one-night figures alone.
 */
export async function replayEvaluation(saved: SavedScenario[], options: ReplayOptions): Promise<EvaluationSummary> {
  const results: Array<{ role: ScenarioRole; result: ScenarioResult }> = [];
  for (const { role, scenario, records, followOn } of saved) {
    const { result, diagnosis } = scoreScenario(scenario, records, options, role !== 'fault-free');
    if (followOn) result.afterSwaps = await followOnNights(scenario, { records, diagnosis }, options.boards ?? {}, savedSource(followOn));
    options.onScenario?.(result);
    results.push({ role, result });
  }
  return summarize(results);
}

function summarize(results: Array<{ role: ScenarioRole; result: ScenarioResult }>): EvaluationSummary {
  const faultScenarios = results.filter((r) => r.role !== 'fault-free').map((r) => r.result);
  const patterns = results.filter((r) => r.role === 'pattern').map((r) => r.result);
  const faultFree = results.filter((r) => r.role === 'fault-free').map((r) => r.result);
  const all = [...faultScenarios, ...faultFree];
  const faults = faultScenarios.reduce((n, r) => n + r.score.faults, 0);
  const found = faultScenarios.reduce((n, r) => n + r.score.found.length, 0);
  const trueFlags = all.reduce((n, r) => n + r.score.trueFlags.length, 0);
  const falseFlags = all.reduce((n, r) => n + r.score.falseFlags.length, 0);
  const unidentifiable = faultScenarios.reduce((n, r) => n + r.score.unidentifiable.length, 0);
  const undecidedFlags = all.reduce((n, r) => n + r.score.undecidedFlags.length, 0);
  const timings = faultScenarios.flatMap((r) => r.timings);
  return {
    faultScenarios,
    faultFree,
    patterns,
    faults,
    found,
    flags: trueFlags + falseFlags + undecidedFlags,
    trueFlags,
    falseFlags,
    recall: faults === 0 ? 1 : found / faults,
    precision: trueFlags + falseFlags === 0 ? 1 : trueFlags / (trueFlags + falseFlags),
    unidentifiable,
    undecidedFlags,
    identifiableRecall: faults - unidentifiable === 0 ? 1 : found / (faults - unidentifiable),
    precisionUndecidedFalse: trueFlags + falseFlags + undecidedFlags === 0 ? 1 : trueFlags / (trueFlags + falseFlags + undecidedFlags),
    faultFreeFlagged: faultFree.filter((r) => r.score.falseFlags.length + r.score.undecidedFlags.length > 0).length,
    foundThroughGroup: faultScenarios.reduce((n, r) => n + r.score.foundThroughGroup, 0),
    measuredBaselineRate: rate(faultFree.reduce((n, r) => n + r.failures, 0), faultFree.reduce((n, r) => n + r.trials, 0)),
    medianOurs: median(timings.flatMap((t) => (t.ours === undefined ? [] : [t.ours]))),
    medianSprt: median(timings.flatMap((t) => (t.sprt === undefined ? [] : [t.sprt]))),
    ...(all.every((r) => r.afterSwaps) && all.length > 0 ? { afterSwaps: summarizeAfterSwaps(faultScenarios, faultFree) } : {}),
  };
}

/**
 * Scored on the last report of each scenario, the one the engineer reads after the swaps: a fault found on night
 * one and no longer flagged then counts as missed (and `dropped`), as the report no longer sends anyone to it.
 */
function summarizeAfterSwaps(faultScenarios: ScenarioResult[], faultFree: ScenarioResult[]): AfterSwapsSummary {
  const all = [...faultScenarios, ...faultFree];
  const after = (r: ScenarioResult) => r.afterSwaps!;
  const sum = (rs: ScenarioResult[], f: (r: ScenarioResult) => number) => rs.reduce((n, r) => n + f(r), 0);
  const faults = sum(faultScenarios, (r) => r.score.faults);
  const found = sum(faultScenarios, (r) => after(r).score.found.length);
  const trueFlags = sum(all, (r) => after(r).score.trueFlags.length);
  const falseFlags = sum(all, (r) => after(r).score.falseFlags.length);
  const byNights = [0, 0, 0];
  for (const r of all) byNights[after(r).nights.length] = (byNights[after(r).nights.length] ?? 0) + 1;
  const swaps = all.flatMap((r) => after(r).nights.flatMap((n) => n.swaps));
  return {
    found,
    recall: faults === 0 ? 1 : found / faults,
    trueFlags,
    falseFlags,
    precision: trueFlags + falseFlags === 0 ? 1 : trueFlags / (trueFlags + falseFlags),
    unidentifiable: sum(faultScenarios, (r) => after(r).score.unidentifiable.length),
    dropped: sum(faultScenarios, (r) => r.score.found.filter((f) => !after(r).score.found.includes(f)).length),
    scenariosFollowedOn: all.filter((r) => after(r).nights.length > 0).length,
    nights: sum(all, (r) => after(r).nights.length),
    byNights,
    swapsApplied: swaps.filter((s) => s.applied && s.kind !== 'move').length,
    movesApplied: swaps.filter((s) => s.applied && s.kind === 'move').length,
    swapsNotApplied: sum(all, (r) => after(r).notApplied.length),
    stillAdvised: sum(all, (r) => after(r).stillAdvised),
    faultFreeFlagged: faultFree.filter((r) => after(r).score.falseFlags.length + after(r).score.undecidedFlags.length > 0).length,
    unreplayable: all.filter((r) => after(r).unreplayable).length,
  };
}

function scoreScenario(scenario: Scenario, records: TrialRecord[], options: ReplayOptions, timed: boolean): { result: ScenarioResult; diagnosis: DiagnosisResult } {
  const diagnosis = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id, rigConfig: scenario.rig, ...options.boards });
  const score = scoreDiagnosis(diagnosis, scenario.faults);
  const timings = timed ? timeFaults(scenario, records, options) : [];
  const failures = records.filter((r) => r.result === 'fail').length;
  return { result: { scenario, trials: records.length, failures, score, timings }, diagnosis };
}

/** The night's trials; with a swap mid-night, the first part on the rig as it was and the rest on the rig after it. */
async function executeNight(scenario: Scenario, options: EvaluationOptions): Promise<TrialRecord[]> {
  const swap = scenario.swap;
  if (!swap) return options.execute(scenario, { trialsPerDut: options.trialsPerDut, night: NIGHT });
  const before = await options.execute(scenario, { trialsPerDut: swap.after, night: NIGHT });
  const afterScenario: Scenario = { ...scenario, seed: scenario.seed + 1, rig: swap.rig };
  const after = await options.execute(afterScenario, { trialsPerDut: options.trialsPerDut - swap.after, night: NIGHT });
  return [...before, ...after.map((r) => ({ ...r, seq: r.seq + swap.after, trialId: `${r.trialId}+${swap.after}` }))];
}

function timeFaults(scenario: Scenario, records: TrialRecord[], options: ReplayOptions): FaultTiming[] {
  const checkpoints = (options.checkpoints ?? [5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100]).filter((k) => k < options.trialsPerDut);
  checkpoints.push(options.trialsPerDut);
  const flaggedAt = new Map<InjectedFault, number>();
  for (const k of checkpoints) {
    if (flaggedAt.size === scenario.faults.length) break;
    const diagnosis = diagnoseCells(cellsFromRecords(records, (r) => r.seq <= k), { rig: scenario.rig.id, rigConfig: scenario.rig, ...options.boards });
    for (const fault of scenario.faults) if (!flaggedAt.has(fault) && isFound(diagnosis, fault)) flaggedAt.set(fault, k);
  }
  const components = new Set(records.flatMap((r) => refsOf(r.components).map((c) => c.key))).size;
  return scenario.faults.map((fault) => {
    const timing: FaultTiming = { fault };
    const ours = flaggedAt.get(fault);
    if (ours !== undefined) timing.ours = ours;
    const sprt = sprtFor(fault, records, components);
    if (sprt !== undefined) timing.sprt = sprt;
    return timing;
  });
}

/** The SPRT on the faulty component's trials in the order they ran (seq by seq), converted to trials per DUT. */
function sprtFor(fault: InjectedFault, records: TrialRecord[], components: number): number | undefined {
  const key = componentKey(fault.kind, fault.id);
  const mine = records.filter((r) => refsOf(r.components).some((c) => c.key === key)).sort((a, b) => a.seq - b.seq || a.dut.localeCompare(b.dut));
  const duts = new Set(mine.map((r) => r.dut)).size;
  if (duts === 0) return undefined;
  // The true rates: the component's baseline, and the baseline combined with the fault's calibrated rate.
  const p0 = Math.max(fault.baselineRate, 1e-4);
  const p1 = 1 - (1 - p0) * (1 - Math.min(fault.targetRate, 0.999));
  const n = sprtTrialsToDetect(
    mine.map((r) => r.result === 'fail'),
    { p0, p1, alpha: DEFAULT_THRESHOLDS.suspectP / components, beta: 0.05 },
  );
  return n === undefined ? undefined : Math.ceil(n / duts);
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
