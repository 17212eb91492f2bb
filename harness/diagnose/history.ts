/**
 * History per component: pass rate night by night over the window, and the night it changed — found as the split
 * of the nights into "before" and "after" that best explains the failures (a binomial likelihood-ratio test), with
 * what was new on that night (sentences.ts tells it: "failing since 2026-11-20, the first night with cable c7").
 */
import type { Cell, ComponentRef } from './cells.js';
import { binomialLogLikelihood } from './stats.js';
import type { Thresholds } from './thresholds.js';

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
  if (points.length < 2) return undefined;
  const sum = (ps: NightPoint[]) => ps.reduce((a, p) => ({ trials: a.trials + p.trials, failures: a.failures + p.failures }), { trials: 0, failures: 0 });
  const all = sum(points);
  const pooled = binomialLogLikelihood(all.failures, all.trials, all.failures / Math.max(1, all.trials));
  let best: { night: string; statistic: number } | undefined;
  for (let k = 1; k < points.length; k++) {
    const before = sum(points.slice(0, k));
    const after = sum(points.slice(k));
    const rb = before.failures / Math.max(1, before.trials);
    const ra = after.failures / Math.max(1, after.trials);
    if (ra <= t.changeMinRise * rb) continue;
    const split = binomialLogLikelihood(before.failures, before.trials, rb) + binomialLogLikelihood(after.failures, after.trials, ra);
    const statistic = 2 * (split - pooled);
    if (statistic >= t.changeMinStatistic && (!best || statistic > best.statistic)) best = { night: points[k]!.night, statistic };
  }
  return best?.night;
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
