/**
 * History per component: pass rate night by night over the window, and the night it changed — found as the split
 * of the nights into "before" and "after" that best explains the failures (a binomial likelihood-ratio test), with
 * what was new on that night (sentences.ts tells it: "failing since 2026-11-20, the first night with cable c7").
 */
import type { Cell, ComponentRef } from './cells.js';
import { binomialLogLikelihood } from './stats.js';
import type { Thresholds } from './thresholds.js';
import type { ComponentDiagnosis, DiagnosisResult, Verdict } from './types.js';

export interface NightPoint {
  night: string;
  trials: number;
  failures: number;
}

/** The night a component started failing, and the part that was new that night (itself, or another). */
export interface Change {
  night: string;
  newPart?: ComponentRef;
}

export function nightsOf(key: string, cells: Cell[]): NightPoint[] {
  const byNight = new Map<string, NightPoint>();
  for (const cell of cells) {
    if (!cell.components.some((c) => c.key === key)) continue;
    const point = byNight.get(cell.night) ?? { night: cell.night, trials: 0, failures: 0 };
    point.trials += cell.trials;
    point.failures += cell.failures;
    byNight.set(cell.night, point);
  }
  return [...byNight.values()].sort((a, b) => a.night.localeCompare(b.night));
}

/** The first night of the "after" part when the failure rate rose clearly, or undefined. */
export function worseSince(points: NightPoint[], t: Thresholds): string | undefined {
  let best: { night: string; statistic: number } | undefined;
  for (let k = 1; k < points.length; k++) {
    const statistic = riseStatistic(points, k, t);
    if (statistic !== undefined && (!best || statistic > best.statistic)) best = { night: points[k]!.night, statistic };
  }
  return best?.night;
}

/** Whether the last night alone fails clearly more than the nights before it (a fault known before that got worse). */
export function worseOnLastNight(points: NightPoint[], t: Thresholds): boolean {
  return points.length >= 2 && riseStatistic(points, points.length - 1, t) !== undefined;
}

/**
 * The likelihood-ratio statistic of "the failure rate rose from night k on" (2·ln of before/after split against one
 * rate), or undefined when the rise is too small or not beyond chance.
 */
function riseStatistic(points: NightPoint[], k: number, t: Thresholds): number | undefined {
  const sum = (ps: NightPoint[]) => ps.reduce((a, p) => ({ trials: a.trials + p.trials, failures: a.failures + p.failures }), { trials: 0, failures: 0 });
  const all = sum(points);
  const before = sum(points.slice(0, k));
  const after = sum(points.slice(k));
  const rb = before.failures / Math.max(1, before.trials);
  const ra = after.failures / Math.max(1, after.trials);
  if (ra <= t.changeMinRise * rb) return undefined;
  const pooled = binomialLogLikelihood(all.failures, all.trials, all.failures / Math.max(1, all.trials));
  const split = binomialLogLikelihood(before.failures, before.trials, rb) + binomialLogLikelihood(after.failures, after.trials, ra);
  const statistic = 2 * (split - pooled);
  return statistic >= t.changeMinStatistic ? statistic : undefined;
}

/** Components that ran with `key` on `night` but never with it (or with its DUT) before that night. */
function newOn(ref: ComponentRef, night: string, cells: Cell[]): ComponentRef[] {
  const withIt = cells.filter((c) => c.components.some((x) => x.key === ref.key));
  const duts = new Set(withIt.filter((c) => c.night === night).map((c) => c.dut));
  const before = new Set(cells.filter((c) => c.night < night && duts.has(c.dut)).flatMap((c) => c.components.map((x) => x.key)));
  const seen = new Set<string>();
  const fresh: ComponentRef[] = [];
  for (const cell of withIt) {
    if (cell.night !== night) continue;
    for (const c of cell.components) if (!before.has(c.key) && !seen.has(c.key)) (seen.add(c.key), fresh.push(c));
  }
  return fresh;
}

/** The night the component changed and what came with it, or undefined when nothing changed in the window. */
export function changeOf(ref: ComponentRef, cells: Cell[], windowStart: string, t: Thresholds): Change | undefined {
  const points = nightsOf(ref.key, cells);
  let night = worseSince(points, t);
  // A component that arrived during the window and failed from its first night has no "before" of its own.
  if (!night && points.length > 0 && points[0]!.night > windowStart && points[0]!.failures > 0) {
    const first = points[0]!;
    const all = points.reduce((a, p) => a + p.failures, 0) / Math.max(1, points.reduce((a, p) => a + p.trials, 0));
    if (all >= t.arrivalMinRate && first.failures / first.trials >= t.arrivalMinRate) night = first.night;
  }
  if (!night) return undefined;
  const fresh = newOn(ref, night, cells);
  const self = fresh.find((c) => c.key === ref.key);
  const other = fresh.find((c) => c.kind !== 'host');
  const newPart = self ?? other;
  return newPart ? { night, newPart } : { night };
}

/** Verdicts from least to most serious. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = { ok: 0, watch: 1, suspect: 2, bad: 3 };
const RANK = VERDICT_RANK;

/** Whether a verdict is a flag (suspect or bad). */
function flagged(verdict: Verdict): boolean {
  return RANK[verdict] >= RANK.suspect;
}

/**
 * Tonight against the night before: each component that is not ok is `new` (ok or absent the night before, or no
 * night before), `worse` (not ok before, and now a higher verdict, a change that began tonight, or a last night that
 * fails clearly more than the nights before it) or `known`; the components flagged the night before that are
 * not tonight are `fixed`. New and worse go first within their verdict group (the order is otherwise kept).
 */
export function compareWithPrevious(
  tonight: DiagnosisResult,
  previous: DiagnosisResult | undefined,
  cells: Cell[],
  t: Thresholds,
): DiagnosisResult {
  const before = new Map((previous?.components ?? []).map((c) => [`${c.kind}:${c.id}`, c.verdict] as const));
  for (const c of tonight.components) {
    if (c.verdict === 'ok') continue;
    const was = before.get(`${c.kind}:${c.id}`) ?? 'ok';
    if (previous) c.previousVerdict = was;
    const beganTonight = /\d{4}-\d{2}-\d{2}/.exec(c.changedSince ?? '')?.[0] === tonight.night;
    if (!previous || was === 'ok') c.news = 'new';
    else if (RANK[c.verdict] > RANK[was] || beganTonight || (c.kind !== 'profile' && worseOnLastNight(nightsOf(`${c.kind}:${c.id}`, cells), t))) c.news = 'worse';
    else c.news = 'known';
  }
  const now = new Map(tonight.components.map((c) => [`${c.kind}:${c.id}`, c.verdict] as const));
  const fixed = (previous?.components ?? [])
    .filter((c) => flagged(c.verdict) && !flagged(now.get(`${c.kind}:${c.id}`) ?? 'ok'))
    .map((c) => ({ id: c.id, kind: c.kind, previousVerdict: c.verdict, verdict: now.get(`${c.kind}:${c.id}`) ?? ('ok' as Verdict) }));
  const group = (c: ComponentDiagnosis) => (flagged(c.verdict) ? (c.kind === 'profile' ? 0 : 1) : c.verdict === 'watch' ? 2 : 3);
  const fresh = (c: ComponentDiagnosis) => (c.news === 'new' || c.news === 'worse' ? 0 : 1);
  // Array.prototype.sort is stable: within a group and freshness, the diagnosis' own order stays.
  tonight.components.sort((a, b) => group(a) - group(b) || fresh(a) - fresh(b));
  const result: DiagnosisResult = { ...tonight, fixed };
  if (previous) result.previousNight = previous.night;
  return result;
}
