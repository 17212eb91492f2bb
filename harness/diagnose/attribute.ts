/**
 * Which components explain the failures: a pure function over cells (see cells.ts), used by `diagnose` on the
 * store's aggregates, by the tests, and by the evaluation.
 *
 * Method (docs/diagnosis.md says it for people):
 * 1. Profile-level mistakes first: every DUT of one profile failing the same way is the profile, not the hardware.
 * 2. Rounds. In each round every component is tested against the pool of the other trials still unexplained
 *    (one-sided Fisher exact test, Holm-corrected over the components tested). The most significant one that is
 *    also a real effect (rate ≥ 3× the pool's, ≥ 3 failures) is taken, after checking nesting both ways: a shared
 *    component (hub, supply) whose excess remains without the candidate's trials beats it, and a shared candidate
 *    whose excess vanishes without one of its members' trials gives way to that member.
 * 3. Explain away: the failures of the flagged component whose symptoms are in excess and fit its kind are taken
 *    out of the analysis (those trials tell nothing about the rest), and the next round re-tests everything else.
 * Components with identical trial sets cannot be told apart by rates: the group is named, its member whose kind
 * fits the symptoms best carries the flag, and a swap that would separate them is proposed.
 */
import type { Rig } from '../config/types.js';
import type { ComponentKind, Symptom } from '../core/record.js';
import { FAILING_SYMPTOMS } from '../core/symptoms.js';
import type { ComponentDiagnosis, DiagnosisResult, Verdict } from './types.js';
import { componentKey, type Cell, type ComponentRef } from './cells.js';
import { findProfileMistakes, type ProfileMistake } from './profiles.js';
import { formatP, holmLog, logBinomialLower, logFisherGreater } from './stats.js';
import { affinity, dominantSymptom, KIND_ORDER, symptomFit } from './symptom-fit.js';
import { actionFor, separatingSwap, type ProfileFacts } from './actions.js';

export interface Thresholds {
  /** Holm-adjusted p at or below which a component with a real effect is suspect. */
  suspectP: number;
  /** Holm-adjusted p at or below which (with badRatio and badRate) a suspect is bad. */
  badP: number;
  /** Holm-adjusted p at or below which a component with ratio ≥ watchRatio is worth watching. */
  watchP: number;
  /** Failure rate at least this many times the pool's for suspect. */
  minRatio: number;
  watchRatio: number;
  badRatio: number;
  /** Failure rate at or above which a suspect with badP and badRatio is bad. */
  badRate: number;
  /** Fewer failures than this never make a suspect, whatever the p-value. */
  minFailures: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  suspectP: 1e-3,
  badP: 1e-6,
  watchP: 0.05,
  minRatio: 3,
  watchRatio: 2,
  badRatio: 10,
  badRate: 0.1,
  minFailures: 3,
};

export interface AttributeOptions {
  thresholds?: Partial<Thresholds>;
  /** The rig, for swaps: its spares, the DUTs' wired pins, the relay channels. */
  rig?: Rig;
  /** Board profiles by id (family and pins), for swaps: which boards can trade places. */
  profiles?: ReadonlyMap<string, ProfileFacts>;
  maxRounds?: number;
}

/** A component's diagnosis with what the shared result type leaves out. */
export interface ComponentReport extends ComponentDiagnosis {
  /** Failures of this component's trials that a flagged component explains. */
  explainedBy?: Array<{ id: string; kind: ComponentKind; failures: number }>;
  /** The round of the analysis that flagged it (1 = first). */
  round?: number;
  /** Natural log of the corrected p-value (p-values of a month of trials underflow a double). */
  logPValue: number;
}

export interface Attribution {
  trials: number;
  failures: number;
  components: ComponentReport[];
  profiles: DiagnosisResult['profiles'];
}

interface Tally {
  trials: number;
  failures: number;
}

interface RoundStats extends Tally {
  /** The robust baseline rate of the round (see State.baseline). */
  baseline: number;
  /** Effect size of the most significant test: its rate over the reference rate. */
  ratio: number;
  /** The symptom whose own test was the most significant (none: all failures together). */
  symptom?: Symptom;
  poolTrials: number;
  poolFailures: number;
  logP: number;
  logPAdjusted: number;
  symptoms: Partial<Record<Symptom, number>>;
}

/** Mutable analysis state: what is still unexplained in each cell. */
class State {
  readonly activeTrials: number[];
  readonly activeSymptoms: Array<Partial<Record<Symptom, number>>>;
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

  tally(indices: Iterable<number>): Tally & { symptoms: Partial<Record<Symptom, number>> } {
    let trials = 0;
    let failures = 0;
    const symptoms: Partial<Record<Symptom, number>> = {};
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
}

interface Component {
  ref: ComponentRef;
  cells: number[];
  cellSet: Set<number>;
  /** Identical trial sets share a group key. */
  groupKey: string;
}

export function attribute(cells: Cell[], options: AttributeOptions = {}): Attribution {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const state = new State(cells);
  const components = indexComponents(cells);
  const total = state.tally(cells.keys());
  const groups = new Map<string, Component[]>();
  for (const c of components.values()) groups.set(c.groupKey, [...(groups.get(c.groupKey) ?? []), c]);

  // 1. Profile-level mistakes.
  const profileMistakes = findProfileMistakes(cells, components);
  for (const mistake of profileMistakes) {
    const indices = cells.flatMap((c, i) => (c.profile === mistake.profile ? [i] : []));
    state.explain(indices, new Set([mistake.symptom]), `profile:${mistake.profile}`);
  }

  // 2–3. Rounds of test, pick, explain away.
  const flagged = new Map<string, { round: number; stats: RoundStats; explainedSymptoms: Set<Symptom> }>();
  const maxRounds = options.maxRounds ?? 25;
  let finalStats = new Map<string, RoundStats>();
  for (let round = 1; round <= maxRounds; round++) {
    const stats = testAll(state, components, flagged);
    finalStats = stats;
    const candidates = [...stats.entries()].filter(([, s]) => isCandidate(s, t));
    if (candidates.length === 0) break;
    let [bestKey] = candidates.reduce((best, next) => (better(next, best, components) ? next : best));
    bestKey = refine(bestKey, state, components, stats, t);
    // The group member whose kind fits the excess best carries the flag.
    const chosen = components.get(bestKey)!;
    const bestStats = stats.get(bestKey) ?? testOne(state, chosen);
    const group = groups.get(chosen.groupKey)!.filter((c) => !flagged.has(c.ref.key));
    const active = state.tally(cells.keys());
    const excess = excessSymptoms(bestStats, active);
    const carrier = pickByFit(group.length > 0 ? group : [chosen], excess.size > 0 ? pick(bestStats.symptoms, excess) : bestStats.symptoms);
    const explainedSymptoms = symptomsToExplain(carrier.ref.kind, bestStats, spreadOver(carrier, excess, state, active));
    flagged.set(carrier.ref.key, { round, stats: stats.get(carrier.ref.key) ?? bestStats, explainedSymptoms });
    state.explain(carrier.cells, explainedSymptoms, carrier.ref.key);
  }

  // Verdicts and evidence.
  const reports: ComponentReport[] = [];
  const flaggedGroupOf = new Map<string, string>();
  for (const key of flagged.keys()) {
    for (const member of groups.get(components.get(key)!.groupKey)!) {
      if (member.ref.key !== key && !flagged.has(member.ref.key)) flaggedGroupOf.set(member.ref.key, key);
    }
  }
  for (const component of components.values()) {
    const key = component.ref.key;
    const raw = rawTally(cells, component.cells);
    const poolRaw = { trials: total.trials - raw.trials, failures: total.failures - raw.failures };
    const ochiai = raw.failures === 0 ? 0 : raw.failures / Math.sqrt(total.failures * raw.trials);
    const flag = flagged.get(key);
    const stats = flag?.stats ?? finalStats.get(key) ?? testOne(state, component);
    const groupMembers = groups.get(component.groupKey)!.filter((c) => c.ref.key !== key).map((c) => c.ref.id);
    let verdict: Verdict = 'ok';
    if (flag) verdict = isBad(stats, t) ? 'bad' : 'suspect';
    else if (flaggedGroupOf.has(key) || isWatch(stats, t)) verdict = 'watch';

    const explainedBy = explainedFor(state, component.cells, components, key);
    const fit = symptomFit(component.ref.kind, flag ? pick(stats.symptoms, flag.explainedSymptoms) : raw.symptoms);
    const report: ComponentReport = {
      id: component.ref.id,
      kind: component.ref.kind,
      verdict,
      evidence: {
        trials: raw.trials,
        failures: raw.failures,
        failureRate: rate(raw),
        poolRate: flag || verdict !== 'ok' ? rate({ trials: stats.poolTrials, failures: stats.poolFailures }) : rate(poolRaw),
        pValue: Math.exp(stats.logPAdjusted),
        ochiai: round4(ochiai),
        symptoms: raw.symptoms,
        symptomFit: round4(fit),
        summary: '',
      },
      action: '',
      logPValue: stats.logPAdjusted,
    };
    if (flag) report.round = flag.round;
    if (groupMembers.length > 0) report.confoundedWith = groupMembers;
    if (explainedBy.length > 0) report.explainedBy = explainedBy;
    report.evidence.summary = summarize(report, stats, components.size, flaggedGroupOf.get(key));
    reports.push(report);
  }

  // Advice last: a swap partner must be healthy, and only the verdicts say which parts are.
  const advice = { cells, verdicts: new Map(reports.map((r) => [componentKey(r.kind, r.id), r.verdict] as const)), rig: options.rig, profiles: options.profiles };
  const swaps = new Map<string, string>();
  for (const key of flagged.keys()) {
    const group = groupRefs(groups, components.get(key)!);
    if (group.length > 0) swaps.set(key, separatingSwap(components.get(key)!.ref, group, advice));
  }
  for (const report of reports) {
    if (report.verdict === 'ok') continue;
    const key = componentKey(report.kind, report.id);
    const carrier = flaggedGroupOf.get(key);
    const swap = swaps.get(carrier ?? key);
    if (swap) report.separatingSwap = swap;
    if (carrier) {
      // The group's swap is stated once, with the flag that carries it; the other members point there.
      const { kind, id } = components.get(carrier)!.ref;
      report.action = `Cannot be told apart from ${kind} ${id} by rates: the swap proposed for ${id} tells them apart.`;
    } else {
      report.action = actionFor(components.get(key)!.ref, report.evidence.symptoms, cells);
      if (swap) report.action += ` It always ran with ${report.confoundedWith!.join(', ')}: ${swap}.`;
    }
  }

  const profileReports = profileMistakes.map((m) => profileReport(m, cells, total));
  reports.push(...profileMistakes.map((m, i) => profileComponent(m, profileReports[i]!, cells, total)));
  reports.sort((a, b) => orderOf(a) - orderOf(b) || (a.round ?? 99) - (b.round ?? 99) || a.logPValue - b.logPValue || b.evidence.ochiai - a.evidence.ochiai || a.id.localeCompare(b.id));
  return { trials: total.trials, failures: total.failures, components: reports, profiles: profileReports };
}

// ---------------------------------------------------------------- components and their trial sets

function indexComponents(cells: Cell[]): Map<string, Component> {
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

function groupRefs(groups: Map<string, Component[]>, component: Component): ComponentRef[] {
  return groups.get(component.groupKey)!.filter((c) => c.ref.key !== component.ref.key).map((c) => c.ref);
}

function rawTally(cells: Cell[], indices: number[]): Tally & { symptoms: Partial<Record<Symptom, number>> } {
  let trials = 0;
  let failures = 0;
  const symptoms: Partial<Record<Symptom, number>> = {};
  for (const i of indices) {
    const cell = cells[i]!;
    trials += cell.trials;
    failures += cell.failures;
    for (const [s, n] of Object.entries(cell.symptoms) as Array<[Symptom, number]>) symptoms[s] = (symptoms[s] ?? 0) + n;
  }
  return { trials, failures, symptoms };
}

// ---------------------------------------------------------------- one round of tests

/**
 * Tests the trials of `inside` (less `exclude`) against every other unexplained trial (less `exclude`): once on all
 * failures, and once per symptom (Bonferroni over the symptoms), keeping the most significant. A board stuck in the
 * wrong mode under a hub that drops half its trials stands out on wrong-mode alone even when the pool is awash with
 * port-lost. The effect size is measured on the same test: the rate against the pool's (for a symptom) or against
 * the lower of the pool's and the robust baseline (for all failures).
 */
function testCells(state: State, inside: number[], exclude: Set<number> | undefined, baseline: number): RoundStats {
  const all = state.tally(state.cells.keys());
  const mine = state.tally(exclude ? inside.filter((i) => !exclude.has(i)) : inside);
  // The pool is everything outside both `inside` and `exclude`.
  const excluded = exclude ? state.tally(exclude) : { trials: 0, failures: 0, symptoms: {} };
  const poolTrials = all.trials - mine.trials - excluded.trials;
  const poolFailures = all.failures - mine.failures - excluded.failures;
  let logP = logFisherGreater(mine.failures, mine.trials, poolFailures, poolTrials);
  let ratio = rate(mine) / Math.max(Math.min((poolFailures + 0.5) / (poolTrials + 1), baseline), 1e-9);
  let symptom: Symptom | undefined;
  for (const [s, n] of Object.entries(mine.symptoms) as Array<[Symptom, number]>) {
    if (!n || n < 2) continue;
    const poolS = (all.symptoms[s] ?? 0) - n - ((excluded.symptoms as Partial<Record<Symptom, number>>)[s] ?? 0);
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

/** Failure symptoms each component is tested on (Bonferroni factor of the per-symptom tests). */
const SYMPTOM_TESTS = FAILING_SYMPTOMS.length;

function testOne(state: State, component: Component, exclude?: Set<number>, baseline?: number): RoundStats {
  return testCells(state, component.cells, exclude, baseline ?? state.baseline());
}

function testAll(state: State, components: Map<string, Component>, flagged: Map<string, unknown>): Map<string, RoundStats> {
  const stats = new Map<string, RoundStats>();
  const baseline = state.baseline();
  for (const [key, component] of components) if (!flagged.has(key)) stats.set(key, testOne(state, component, undefined, baseline));
  // Correct over the components that can be tested at all (a component on every trial has no pool).
  const testable = [...stats.entries()].filter(([, s]) => s.poolTrials > 0 && s.trials > 0);
  const adjusted = holmLog(testable.map(([, s]) => s.logP));
  testable.forEach(([, s], i) => (s.logPAdjusted = adjusted[i]!));
  return stats;
}

function rate(t: Tally): number {
  return t.trials === 0 ? 0 : t.failures / t.trials;
}

function isCandidate(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.suspectP) && s.failures >= t.minFailures && s.ratio >= t.minRatio;
}

function isBad(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.badP) && s.ratio >= t.badRatio && rate(s) >= t.badRate;
}

function isWatch(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.watchP) && s.failures >= 2 && s.ratio >= t.watchRatio;
}

/** Is `a` a better pick than `b`? Smaller p first; exact ties (same trial set) by symptom fit, then kind. */
function better(a: [string, RoundStats], b: [string, RoundStats], components: Map<string, Component>): boolean {
  const dp = a[1].logP - b[1].logP;
  if (Math.abs(dp) > 1e-9 * Math.max(1, Math.abs(b[1].logP))) return dp < 0;
  const ka = components.get(a[0])!.ref.kind;
  const kb = components.get(b[0])!.ref.kind;
  const df = symptomFit(ka, a[1].symptoms) - symptomFit(kb, b[1].symptoms);
  if (Math.abs(df) > 1e-9) return df > 0;
  return KIND_ORDER.indexOf(ka) < KIND_ORDER.indexOf(kb);
}

/**
 * Nesting: a hub or supply holds its DUTs' trials. Go up to a shared component whose excess survives without the
 * candidate's trials (a shared cause); go down from a shared component when its excess sits in some of its DUTs
 * only, while the others look like the baseline (local causes: a real shared cause strikes all its DUTs alike).
 */
function refine(key: string, state: State, components: Map<string, Component>, stats: Map<string, RoundStats>, t: Thresholds): string {
  const m = Math.max(1, [...stats.values()].filter((s) => s.poolTrials > 0).length);
  const threshold = Math.log(t.suspectP / m);
  const significant = (s: RoundStats) => s.logP <= threshold && s.failures >= t.minFailures && s.ratio >= t.minRatio;
  let current = components.get(key)!;

  const supersets = (c: Component) =>
    [...components.values()].filter((o) => o.cells.length > c.cells.length && c.cells.every((i) => o.cellSet.has(i)) && stats.has(o.ref.key));
  const subsets = (c: Component) =>
    [...components.values()].filter((o) => o.cells.length < c.cells.length && o.cells.every((i) => c.cellSet.has(i)) && stats.has(o.ref.key));

  // Up: the smallest-p shared component that stays significant without the current one's trials.
  const up = supersets(current)
    .map((s) => ({ s, rest: testOne(state, s, current.cellSet) }))
    .filter(({ rest }) => significant(rest))
    .sort((a, b) => a.rest.logP - b.rest.logP)[0];
  if (up) current = up.s;

  // Down: while the excess sits in some DUTs of the shared component and the others look like the baseline.
  for (let guard = 0; guard < 8; guard++) {
    const next = localCause(current, state, stats, significant, subsets(current));
    if (!next) break;
    current = next;
  }
  return current.ref.key;
}

function localCause(
  shared: Component,
  state: State,
  stats: Map<string, RoundStats>,
  significant: (s: RoundStats) => boolean,
  members: Component[],
): Component | undefined {
  // The shared component's trials, DUT by DUT.
  const byDut = new Map<string, number[]>();
  for (const i of shared.cells) byDut.set(state.cells[i]!.dut, [...(byDut.get(state.cells[i]!.dut) ?? []), i]);
  if (byDut.size < 2) return undefined;
  const all = state.tally(state.cells.keys());
  const inside = state.tally(shared.cells);
  const pool = { trials: all.trials - inside.trials, failures: all.failures - inside.failures };
  const baseline = state.baseline();
  const hit: number[] = [];
  const rest: number[] = [];
  const hitDuts: number[][] = [];
  const restDuts: number[][] = [];
  for (const cells of byDut.values()) {
    // A DUT whose failures another flag already explained is no evidence either way.
    if (cells.reduce((n, i) => n + [...state.explained[i]!.values()].reduce((a, b) => a + b, 0), 0) >= 3) continue;
    // Each DUT against the trials outside the shared component.
    const s = testCells(state, cells, new Set(shared.cells.filter((i) => !cells.includes(i))), baseline);
    (significant(s) ? hitDuts : restDuts).push(cells);
  }
  const profileOf = (cells: number[]) => state.cells[cells[0]!]!.profile;
  const hitProfiles = new Set(hitDuts.map(profileOf));
  for (const cells of hitDuts) hit.push(...cells);
  // With several DUTs hit, a clean DUT speaks against a shared cause only if it runs a profile that was hit: another
  // boot ROM may simply not be exposed (a dip during a 3-byte exchange mostly misses it).
  for (const cells of restDuts) if (hitDuts.length < 2 || hitProfiles.has(profileOf(cells))) rest.push(...cells);
  const hitSet = new Set(hit);
  const bestMember = () =>
    members
      .filter((o) => o.cells.every((i) => hitSet.has(i)) && significant(stats.get(o.ref.key)!))
      .sort((a, b) => stats.get(a.ref.key)!.logP - stats.get(b.ref.key)!.logP || b.cells.length - a.cells.length)[0];
  if (hit.length === 0) return undefined;
  // Several DUTs hit, but by different symptoms or by ones this kind cannot cause: local causes side by side.
  if (hitDuts.length >= 2 && !sharesFittingSymptom(shared.ref.kind, hitDuts, state)) return bestMember();
  // All DUTs hit alike, or none stands out alone: one shared cause is the simpler story.
  if (rest.length === 0) return undefined;
  // The clean DUTs are compared with the hit DUTs of their own profiles: a less exposed profile fails less.
  const restProfiles = new Set(restDuts.filter((cells) => cells.some((i) => rest.includes(i))).map(profileOf));
  const sameProfileHit = hitDuts.filter((cells) => restProfiles.has(profileOf(cells))).flat();
  const h = state.tally(sameProfileHit.length > 0 ? sameProfileHit : hit);
  const r = state.tally(rest);
  const restAbovePool = logFisherGreater(r.failures, r.trials, pool.failures, pool.trials) <= Math.log(0.01);
  const restBelowHit = logBinomialLower(r.failures, r.trials, rate(h)) <= Math.log(0.01);
  if (restAbovePool || !restBelowHit) return undefined;
  return bestMember();
}

/**
 * Whether at least two of the hit DUTs share an excess symptom that the shared component's kind can cause. DUTs of
 * different profiles are compared by kind rather than by symptom: one cause looks different to different boot
 * ROMs (a supply dip makes an STM32 bootloader lose its sync, while a MediaTek BROM just stops answering), so two
 * hit DUTs of different profiles that each show a symptom this kind causes strongly (affinity ≥ 0.8 for one of them)
 * count as alike.
 */
function sharesFittingSymptom(kind: ComponentKind, hitDuts: number[][], state: State): boolean {
  const active = state.tally(state.cells.keys());
  const counts = new Map<Symptom, number>();
  const fitting: Array<{ profile: string; best: number }> = [];
  for (const cells of hitDuts) {
    const mine = state.tally(cells);
    let best = 0;
    for (const [symptom, n] of Object.entries(mine.symptoms) as Array<[Symptom, number]>) {
      const expected = (((active.symptoms[symptom] ?? 0) - n) / Math.max(1, active.trials - mine.trials)) * mine.trials;
      if (n >= 2 && n > 2 * expected + 1 && affinity(kind, symptom) >= 0.5) {
        counts.set(symptom, (counts.get(symptom) ?? 0) + 1);
        best = Math.max(best, affinity(kind, symptom));
      }
    }
    if (best > 0) fitting.push({ profile: state.cells[cells[0]!]!.profile, best });
  }
  if ([...counts.values()].some((n) => n >= 2)) return true;
  return fitting.some((a, i) => fitting.some((b, j) => j > i && a.profile !== b.profile && Math.max(a.best, b.best) >= 0.8));
}

// ---------------------------------------------------------------- explaining away

/** Symptoms the component shows clearly more of than the rest of the bench. */
function excessSymptoms(s: RoundStats, total: Tally & { symptoms: Partial<Record<Symptom, number>> }): Set<Symptom> {
  const out = new Set<Symptom>();
  for (const [symptom, n] of Object.entries(s.symptoms) as Array<[Symptom, number]>) {
    const poolCount = Math.max(0, (total.symptoms[symptom] ?? 0) - n);
    const expected = (poolCount / Math.max(1, total.trials - s.trials)) * s.trials;
    if (n >= 2 && n > 2 * expected + 1) out.add(symptom);
  }
  return out;
}

function pick(symptoms: Partial<Record<Symptom, number>>, keep: Set<Symptom>): Partial<Record<Symptom, number>> {
  const out: Partial<Record<Symptom, number>> = {};
  for (const s of keep) if (symptoms[s]) out[s] = symptoms[s];
  return out;
}

/**
 * A shared cause strikes all its DUTs alike: of the excess symptoms of a component that spans several DUTs, keep
 * those in excess on at least half of them (a port-lost on one DUT of a supply is that DUT's port, not the supply).
 * Alike means alike per profile: a symptom the kind can cause that every DUT of the profiles showing it shows is
 * kept as well (a supply dip resets STM32 bootloaders mid-handshake and silences MediaTek BROMs), as long as the
 * kept symptoms cover at least two DUTs.
 */
function spreadOver(component: Component, excess: Set<Symptom>, state: State, active: Tally & { symptoms: Partial<Record<Symptom, number>> }): Set<Symptom> {
  const byDut = new Map<string, number[]>();
  for (const i of component.cells) byDut.set(state.cells[i]!.dut, [...(byDut.get(state.cells[i]!.dut) ?? []), i]);
  if (byDut.size < 2) return excess;
  const spread = new Set<Symptom>();
  const byProfile = new Set<Symptom>();
  const hitBy = new Map<Symptom, string[]>();
  for (const symptom of excess) {
    const hitDuts: string[] = [];
    for (const [dut, cells] of byDut) {
      const mine = state.tally(cells);
      const n = mine.symptoms[symptom] ?? 0;
      const expected = (((active.symptoms[symptom] ?? 0) - n) / Math.max(1, active.trials - mine.trials)) * mine.trials;
      if (n >= 1 && n > 2 * expected) hitDuts.push(dut);
    }
    hitBy.set(symptom, hitDuts);
    if (hitDuts.length >= Math.max(2, Math.ceil(byDut.size / 2))) spread.add(symptom);
    else if (hitDuts.length > 0 && affinity(component.ref.kind, symptom) >= 0.5) {
      const profiles = new Set(hitDuts.map((d) => state.cells[byDut.get(d)![0]!]!.profile));
      const sameProfile = [...byDut.values()].filter((cells) => profiles.has(state.cells[cells[0]!]!.profile)).length;
      if (hitDuts.length === sameProfile) byProfile.add(symptom);
    }
  }
  if (byProfile.size > 0) {
    const covered = new Set([...spread, ...byProfile].flatMap((s) => hitBy.get(s)!));
    if (covered.size >= 2 && spread.size + byProfile.size > 1) for (const s of byProfile) spread.add(s);
  }
  return spread.size > 0 ? spread : excess;
}

/** The excess symptoms that fit the flagged kind; if none fits, the dominant excess (something must be explained). */
function symptomsToExplain(kind: ComponentKind, s: RoundStats, excess: Set<Symptom>): Set<Symptom> {
  const fitting = new Set([...excess].filter((symptom) => affinity(kind, symptom) >= 0.5));
  if (fitting.size > 0) return fitting;
  const dominant = dominantSymptom(excess.size > 0 ? pick(s.symptoms, excess) : s.symptoms);
  return new Set(dominant ? [dominant] : []);
}

function pickByFit(group: Component[], symptoms: Partial<Record<Symptom, number>>): Component {
  return [...group].sort(
    (a, b) =>
      symptomFit(b.ref.kind, symptoms) - symptomFit(a.ref.kind, symptoms) ||
      KIND_ORDER.indexOf(a.ref.kind) - KIND_ORDER.indexOf(b.ref.kind) ||
      a.ref.id.localeCompare(b.ref.id),
  )[0]!;
}

function explainedFor(state: State, indices: number[], components: Map<string, Component>, self: string): NonNullable<ComponentReport['explainedBy']> {
  const by = new Map<string, number>();
  for (const i of indices) for (const [key, n] of state.explained[i]!) if (key !== self) by.set(key, (by.get(key) ?? 0) + n);
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, failures]) => {
      const ref = components.get(key)?.ref;
      const [kind, ...rest] = key.split(':');
      return { id: ref?.id ?? rest.join(':'), kind: (ref?.kind ?? kind) as ComponentKind, failures };
    });
}

// ---------------------------------------------------------------- words

function idOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

function percent(x: number): string {
  if (x === 0) return '0%';
  if (x < 0.001) return '<0.1%';
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function mix(symptoms: Partial<Record<Symptom, number>>): string {
  const entries = (Object.entries(symptoms) as Array<[Symptom, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return entries.slice(0, 3).map(([s, n]) => `${s} ${n}`).join(', ');
}

function summarize(r: ComponentReport, s: RoundStats, tested: number, confoundedWithFlag: string | undefined): string {
  const e = r.evidence;
  const name = `${r.kind} ${r.id}`;
  const failed = `${e.failures} of ${e.trials} trials failed (${percent(e.failureRate)}${e.failures > 0 ? `: ${mix(e.symptoms)}` : ''})`;
  const explained = (r.explainedBy ?? []).reduce((sum, x) => sum + x.failures, 0);
  if (r.verdict === 'suspect' || r.verdict === 'bad') {
    return `${name}: ${failed} against ${percent(rate({ trials: s.poolTrials, failures: s.poolFailures }))} for the other ${s.poolTrials} trials still unexplained; p ${formatP(r.logPValue).startsWith('<') ? '' : '= '}${formatP(r.logPValue)} after Holm over ${tested} components; the symptoms fit a ${r.kind} ${fitWord(e.symptomFit)} (${e.symptomFit.toFixed(2)}).`;
  }
  if (confoundedWithFlag) {
    return `${name}: ${failed}; it ran on exactly the same trials as ${idOf(confoundedWithFlag)}, so rates cannot tell them apart.`;
  }
  if (r.verdict === 'watch') {
    return `${name}: ${failed} against ${percent(rate({ trials: s.poolTrials, failures: s.poolFailures }))} for the rest; p = ${formatP(r.logPValue)} after Holm: marginal, not yet beyond chance.`;
  }
  if (explained > 0) {
    const by = (r.explainedBy ?? []).map((x) => `${x.kind} ${x.id}`).join(', ');
    return `${name}: ${failed}; ${explained} of them explained by ${by}, the rest within the bench's baseline.`;
  }
  return `${name}: ${failed}, within the bench's baseline.`;
}

function fitWord(fit: number): string {
  return fit >= 0.8 ? 'well' : fit >= 0.5 ? 'fairly' : 'poorly';
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function orderOf(r: ComponentReport): number {
  return r.verdict === 'bad' || r.verdict === 'suspect' ? (r.kind === 'profile' ? 0 : 1) : r.verdict === 'watch' ? 2 : 3;
}

// ---------------------------------------------------------------- profiles

function profileReport(m: ProfileMistake, cells: Cell[], total: Tally): DiagnosisResult['profiles'][number] {
  const t = rawTally(cells, cells.flatMap((c, i) => (c.profile === m.profile ? [i] : [])));
  return {
    id: m.profile,
    verdict: 'bad',
    summary: `profile ${m.profile}: all ${m.duts.length} DUTs (${m.duts.join(', ')}) fail the same way — ${m.symptom} in ${m.symptomFailures} of ${t.trials} trials (${percent(m.symptomFailures / Math.max(1, t.trials))}, every DUT ≥ ${percent(m.minShare)}), against ${percent(rate({ trials: total.trials - t.trials, failures: total.failures - t.failures }))} failures elsewhere: a mistake in the profile, not the hardware.`,
    action: profileAction(m.profile, m.symptom),
  };
}

function profileComponent(m: ProfileMistake, p: DiagnosisResult['profiles'][number], cells: Cell[], total: Tally): ComponentReport {
  const t = rawTally(cells, cells.flatMap((c, i) => (c.profile === m.profile ? [i] : [])));
  const poolTrials = total.trials - t.trials;
  const poolFailures = total.failures - t.failures;
  const logP = logFisherGreater(t.failures, t.trials, poolFailures, poolTrials);
  const report: ComponentReport = {
    id: m.profile,
    kind: 'profile',
    verdict: 'bad',
    evidence: {
      trials: t.trials,
      failures: t.failures,
      failureRate: rate(t),
      poolRate: rate({ trials: poolTrials, failures: poolFailures }),
      pValue: Math.exp(logP),
      ochiai: round4(t.failures === 0 ? 0 : t.failures / Math.sqrt(total.failures * t.trials)),
      symptoms: t.symptoms,
      symptomFit: round4(symptomFit('profile', t.symptoms)),
      summary: p.summary,
    },
    action: p.action,
    logPValue: logP,
  };
  if (m.confoundedWith.length > 0) report.confoundedWith = m.confoundedWith;
  return report;
}

function profileAction(profile: string, symptom: Symptom): string {
  switch (symptom) {
    case 'wrong-mode':
      return `Check the enter sequence and boot pins of profile ${profile} (which pins, which level, how long held) against the board's datasheet.`;
    case 'unexpected-reply':
      return `Check the protocol of profile ${profile} (engine, baud, parity) and its expected identity against what the boards answer.`;
    case 'late':
      return `Lengthen the deadlines or the boot delay of profile ${profile}; the boards answer, but after its deadline.`;
    case 'silent':
      return `Check profile ${profile}'s serial settings and enter sequence: none of its boards answer.`;
    case 'corrupt':
      return `Check the baud rate and parity of profile ${profile}: every board's bytes arrive garbled.`;
    default:
      return `Review profile ${profile}: every board using it fails with ${symptom}.`;
  }
}
