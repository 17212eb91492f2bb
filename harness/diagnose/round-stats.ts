/**
 * The numbers of one attribution, and nothing else: which cells each component ran in, what is still unexplained in
 * each cell, tallies over sets of cells, and the tests of a round (one-sided Fisher exact tests on all failures and on
 * each symptom, Holm-corrected over the components). verdicts.ts decides with them; nothing here decides or words.
 */
import type { Symptom } from '../core/record.js';
import { FAILING_SYMPTOMS } from '../core/symptoms.js';
import type { Cell, ComponentRef } from './cells.js';
import { holmLog, logFisherGreater } from './stats.js';
import type { Thresholds } from './thresholds.js';

export type SymptomCounts = Partial<Record<Symptom, number>>;

export interface Tally {
  trials: number;
  failures: number;
}

export interface SymptomTally extends Tally {
  symptoms: SymptomCounts;
}

export interface RoundStats extends SymptomTally {
  /** The robust baseline rate of the round (see Unexplained.baseline). */
  baseline: number;
  /** Effect size of the most significant test: its rate over the reference rate. */
  ratio: number;
  /** The symptom whose own test was the most significant (none: all failures together). */
  symptom?: Symptom;
  poolTrials: number;
  poolFailures: number;
  logP: number;
  logPAdjusted: number;
}

/** A component and the cells of its trials. */
export interface Component {
  ref: ComponentRef;
  cells: number[];
  cellSet: Set<number>;
  /** Identical trial sets share a group key. */
  groupKey: string;
}

export function rate(t: Tally): number {
  return t.trials === 0 ? 0 : t.failures / t.trials;
}

/** How many of `trials` trials would show a symptom at the rate of the trials outside them (`all` includes them). */
export function expectedCount(all: SymptomTally, symptom: Symptom, own: number, trials: number): number {
  return (((all.symptoms[symptom] ?? 0) - own) / Math.max(1, all.trials - trials)) * trials;
}

/** Whether `n` failures of a symptom are clearly more than the `expected` ones. */
export function inExcess(n: number, expected: number, t: Thresholds): boolean {
  return n >= t.excessMinFailures && n > t.excessFactor * expected + t.excessMargin;
}

/** What is still unexplained in each cell as the rounds explain failures away. */
export class Unexplained {
  readonly activeTrials: number[];
  readonly activeSymptoms: SymptomCounts[];
  /** Per cell: explained failures by the component key that explained them. */
  readonly explained: Array<Map<string, number>>;

  constructor(readonly cells: Cell[]) {
    this.activeTrials = cells.map((c) => c.trials);
    this.activeSymptoms = cells.map((c) => ({ ...c.symptoms }));
    this.explained = cells.map(() => new Map());
  }

  failuresIn(i: number): number {
    let sum = 0;
    for (const count of Object.values(this.activeSymptoms[i]!)) sum += count ?? 0;
    return sum;
  }

  tally(indices: Iterable<number>): SymptomTally {
    let trials = 0;
    let failures = 0;
    const symptoms: SymptomCounts = {};
    for (const i of indices) {
      trials += this.activeTrials[i]!;
      for (const [s, n] of Object.entries(this.activeSymptoms[i]!) as Array<[Symptom, number]>) {
        if (!n) continue;
        failures += n;
        symptoms[s] = (symptoms[s] ?? 0) + n;
      }
    }
    return { trials, failures, symptoms };
  }

  /** Every unexplained trial. */
  all(): SymptomTally {
    return this.tally(this.cells.keys());
  }

  /**
   * The bench's baseline failure rate, robust to faults: the pooled rate of the DUTs at or below the median DUT
   * rate (up to half the DUTs may be hit without moving it). Effect sizes are measured against it, because the
   * pool of "everything else" still holds the other faults' failures.
   */
  baseline(): number {
    const byDut = new Map<string, Tally>();
    this.cells.forEach((cell, i) => {
      const t = byDut.get(cell.dut) ?? { trials: 0, failures: 0 };
      t.trials += this.activeTrials[i]!;
      t.failures += this.failuresIn(i);
      byDut.set(cell.dut, t);
    });
    const duts = [...byDut.values()].filter((t) => t.trials > 0).sort((a, b) => rate(a) - rate(b));
    const lower = duts.slice(0, Math.ceil(duts.length / 2));
    const f = lower.reduce((sum, t) => sum + t.failures, 0);
    const n = lower.reduce((sum, t) => sum + t.trials, 0);
    return (f + 0.5) / (n + 1);
  }

  /** Takes the failures of the given symptoms out of the analysis (trials and failures alike). */
  explain(indices: Iterable<number>, symptoms: Set<Symptom>, by: string): void {
    for (const i of indices) {
      const active = this.activeSymptoms[i]!;
      for (const s of symptoms) {
        const n = active[s] ?? 0;
        if (!n) continue;
        delete active[s];
        this.activeTrials[i]! -= n;
        this.explained[i]!.set(by, (this.explained[i]!.get(by) ?? 0) + n);
      }
    }
  }

  /** Takes up to `count` failures of one symptom of one cell out of the analysis; returns how many it took. */
  explainSome(i: number, symptom: Symptom, count: number, by: string): number {
    const active = this.activeSymptoms[i]!;
    const n = Math.min(active[symptom] ?? 0, Math.max(0, Math.floor(count)));
    if (n <= 0) return 0;
    if (n === active[symptom]) delete active[symptom];
    else active[symptom] = active[symptom]! - n;
    this.activeTrials[i]! -= n;
    this.explained[i]!.set(by, (this.explained[i]!.get(by) ?? 0) + n);
    return n;
  }

  /** Failures of the given cells that flags other than `self` explained, by the flag's key, most first. */
  explainedIn(indices: number[], self: string): Array<[string, number]> {
    const by = new Map<string, number>();
    for (const i of indices) for (const [key, n] of this.explained[i]!) if (key !== self) by.set(key, (by.get(key) ?? 0) + n);
    return [...by.entries()].sort((a, b) => b[1] - a[1]);
  }

  /** Failures of the given cells that any flag explained. */
  explainedCount(indices: number[]): number {
    return indices.reduce((n, i) => n + [...this.explained[i]!.values()].reduce((a, b) => a + b, 0), 0);
  }
}

/** Every component of the cells with the cells it ran in (components of empty cells left out). */
export function indexComponents(cells: Cell[]): Map<string, Component> {
  const byKey = new Map<string, { ref: ComponentRef; cells: number[] }>();
  cells.forEach((cell, i) => {
    if (cell.trials === 0) return;
    for (const ref of cell.components) {
      let entry = byKey.get(ref.key);
      if (!entry) byKey.set(ref.key, (entry = { ref, cells: [] }));
      entry.cells.push(i);
    }
  });
  const components = new Map<string, Component>();
  for (const [key, entry] of byKey) {
    components.set(key, { ref: entry.ref, cells: entry.cells, cellSet: new Set(entry.cells), groupKey: entry.cells.join(',') });
  }
  return components;
}

/** All trials of the given cells, explained or not. */
export function rawTally(cells: Cell[], indices: number[]): SymptomTally {
  let trials = 0;
  let failures = 0;
  const symptoms: SymptomCounts = {};
  for (const i of indices) {
    const cell = cells[i]!;
    trials += cell.trials;
    failures += cell.failures;
    for (const [s, n] of Object.entries(cell.symptoms) as Array<[Symptom, number]>) symptoms[s] = (symptoms[s] ?? 0) + n;
  }
  return { trials, failures, symptoms };
}

/** The given counts of the given symptoms only. */
export function pick(symptoms: SymptomCounts, keep: Set<Symptom>): SymptomCounts {
  const out: SymptomCounts = {};
  for (const s of keep) if (symptoms[s]) out[s] = symptoms[s];
  return out;
}

/** Failure symptoms each component is tested on (Bonferroni factor of the per-symptom tests). */
const SYMPTOM_TESTS = FAILING_SYMPTOMS.length;

/**
 * Tests the trials of `inside` (less `exclude`) against every other unexplained trial (less `exclude`): once on all
 * failures, and once per symptom (Bonferroni over the symptoms), keeping the most significant. A board stuck in the
 * wrong mode under a hub that drops half its trials stands out on wrong-mode alone even when the pool is awash with
 * port-lost. The effect size is measured on the same test: the rate against the pool's (for a symptom) or against
 * the lower of the pool's and the robust baseline (for all failures).
 */
export function testCells(state: Unexplained, inside: number[], exclude: Set<number> | undefined, baseline: number, t: Thresholds): RoundStats {
  const all = state.all();
  const mine = state.tally(exclude ? inside.filter((i) => !exclude.has(i)) : inside);
  // The pool is everything outside both `inside` and `exclude`.
  const excluded = exclude ? state.tally(exclude) : { trials: 0, failures: 0, symptoms: {} as SymptomCounts };
  const poolTrials = all.trials - mine.trials - excluded.trials;
  const poolFailures = all.failures - mine.failures - excluded.failures;
  let logP = logFisherGreater(mine.failures, mine.trials, poolFailures, poolTrials);
  let ratio = rate(mine) / Math.max(Math.min((poolFailures + 0.5) / (poolTrials + 1), baseline), 1e-9);
  let symptom: Symptom | undefined;
  for (const [s, n] of Object.entries(mine.symptoms) as Array<[Symptom, number]>) {
    if (!n || n < t.symptomTestMinFailures) continue;
    const poolS = (all.symptoms[s] ?? 0) - n - (excluded.symptoms[s] ?? 0);
    const logPs = logFisherGreater(n, mine.trials, poolS, poolTrials) + Math.log(SYMPTOM_TESTS);
    if (logPs < logP) {
      logP = logPs;
      ratio = n / mine.trials / ((poolS + 0.5) / (poolTrials + 1));
      symptom = s;
    }
  }
  const stats: RoundStats = { ...mine, baseline, ratio, poolTrials, poolFailures, logP: Math.min(0, logP), logPAdjusted: Math.min(0, logP) };
  if (symptom) stats.symptom = symptom;
  return stats;
}

export function testOne(state: Unexplained, component: Component, t: Thresholds, exclude?: Set<number>, baseline?: number): RoundStats {
  return testCells(state, component.cells, exclude, baseline ?? state.baseline(), t);
}

/** One round: every component not yet flagged against the rest, Holm-corrected over those that can be tested. */
export function testAll(state: Unexplained, components: Map<string, Component>, flagged: ReadonlyMap<string, unknown>, t: Thresholds): Map<string, RoundStats> {
  const stats = new Map<string, RoundStats>();
  const baseline = state.baseline();
  for (const [key, component] of components) if (!flagged.has(key)) stats.set(key, testOne(state, component, t, undefined, baseline));
  // Correct over the components that can be tested at all (a component on every trial has no pool).
  const testable = [...stats.entries()].filter(([, s]) => s.poolTrials > 0 && s.trials > 0);
  const adjusted = holmLog(testable.map(([, s]) => s.logP));
  testable.forEach(([, s], i) => (s.logPAdjusted = adjusted[i]!));
  return stats;
}

/** Ochiai suspiciousness of a component with `failures` of its `trials` failing, among `totalFailures`. */
export function ochiai(failures: number, trials: number, totalFailures: number): number {
  return failures === 0 ? 0 : failures / Math.sqrt(totalFailures * trials);
}

/** A component's cells by the DUT they ran on. */
export function cellsByDut(component: Component, state: Unexplained): Map<string, number[]> {
  const byDut = new Map<string, number[]>();
  for (const i of component.cells) byDut.set(state.cells[i]!.dut, [...(byDut.get(state.cells[i]!.dut) ?? []), i]);
  return byDut;
}

/**
 * Whether a component served two DUTs or more on one night (a supply, a hub): a shared cause, which strikes its DUTs
 * alike. A part a swap moved from one board to another served them one after the other: on each night it is that
 * board's own part, and it explains their failures as a local part does.
 */
export function servesTogether(component: Component, state: Unexplained): boolean {
  const dutOfNight = new Map<string, string>();
  for (const i of component.cells) {
    const { night, dut } = state.cells[i]!;
    const seen = dutOfNight.get(night);
    if (seen === undefined) dutOfNight.set(night, dut);
    else if (seen !== dut) return true;
  }
  return false;
}
