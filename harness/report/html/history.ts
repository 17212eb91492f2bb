/**
 * History over the window of nights. For each flagged or watched component, its failure rate night by night in a
 * grid a person can read: one column per night for every row, bars on one common scale, the value written in each
 * cell, and the night its change began marked in words. Then the pass rate per DUT as sparklines, and the full
 * component list, folded.
 */
import type { ComponentDiagnosis } from '../../diagnose/types.js';
import { plural } from '../../core/plural.js';
import { esc } from '../escape.js';
import { fmtPct, nightIn } from '../../core/format.js';
import { keyOf } from '../folds.js';
import { sparklineSvg, type SparkPoint } from '../svg/sparkline.js';
import { dutsUsing, type BenchIndex } from '../rig-index.js';
import type { ReportInput } from '../types.js';
import type { Overall } from '../verdict.js';
import { verdictBadge } from './parts.js';

/** Nights shown as columns of the trend grid (the latest ones of the window). */
const TREND_NIGHTS = 30;
/** Rows of the folded list of every component. */
const ALL_COMPONENTS = 1000;
/** The common scale's top: the smallest of these at or above the highest rate shown. */
const SCALE_TOPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1];
const BAR_H = 36;
const ORDER: Record<string, number> = { bad: 0, suspect: 1, watch: 2, ok: 3 };

export function historySection(input: ReportInput, o: Overall): string {
  const out = ['<section id="history"><h2>History</h2>'];
  const components = input.diagnosis?.components ?? [];
  const watched = components.filter((c) => c.verdict !== 'ok' && c.history?.length);
  const nights = (input.diagnosis?.windowNights ?? []).slice(-TREND_NIGHTS);
  out.push('<h3>Trends of flagged and watched components</h3>');
  if (watched.length === 0 || nights.length === 0) out.push('<p class="muted">No component is flagged or watched.</p>');
  else out.push(trendGrid(watched, nights, o));
  const dutRows = dutHistory(input, o.index);
  if (dutRows.length) out.push('<h3>DUTs: pass rate per night</h3>', table('DUT', dutRows));
  const all = [...components].sort((a, b) => (ORDER[a.verdict] ?? 4) - (ORDER[b.verdict] ?? 4));
  if (all.length) {
    const shown = all.slice(0, ALL_COMPONENTS);
    out.push(
      `<details class="all-components"><summary>All ${esc(plural(all.length, 'component'))} of the diagnosis${all.length > shown.length ? ` (the first ${shown.length})` : ''}</summary>` +
        table('component', shown.map(componentRow)) +
        '</details>',
    );
  }
  if (watched.length === 0 && dutRows.length === 0 && all.length === 0) out.push('<p class="muted">No earlier nights in the store.</p>');
  out.push('</section>');
  return out.join('');
}

/** Failure rates per night, one row per component, one column per night, bars on one scale with their values. */
function trendGrid(components: ComponentDiagnosis[], nights: string[], o: Overall): string {
  let highest = 0;
  for (const c of components) for (const h of c.history ?? []) if (nights.includes(h.night) && h.trials > 0) highest = Math.max(highest, 1 - h.passRate);
  const top = SCALE_TOPS.find((s) => s >= highest) ?? 1;
  const head = nights.map((n) => `<th class="trend-night" title="${esc(n)}">${esc(n.slice(5))}</th>`).join('');
  const rows = components.map((c) => {
    const byNight = new Map((c.history ?? []).map((h) => [h.night, h] as const));
    const began = nightIn(c.changedSince);
    const aside = o.folds.setAside.has(keyOf(c));
    const cells = nights.map((night) => {
      const h = byNight.get(night);
      if (!h || h.trials === 0) return '<td class="trend-cell none" title="no trials">–</td>';
      const rate = 1 - h.passRate;
      const failed = Math.round(rate * h.trials);
      const height = Math.max(rate > 0 ? 1.5 : 0, (BAR_H * Math.min(rate, top)) / top);
      const mark = night === began;
      return (
        `<td class="trend-cell${mark ? ' began' : ''}" title="${esc(`${night}: ${failed} of ${plural(h.trials, 'trial')} failed (${fmtPct(rate)})`)}">` +
        `<svg class="tbar" viewBox="0 0 20 ${BAR_H}" aria-hidden="true"><rect x="3" y="${(BAR_H - height).toFixed(1)}" width="14" height="${height.toFixed(1)}"/></svg>` +
        `<span class="tv">${esc(rateText(rate))}</span>${mark ? '<span class="began-label">began</span>' : ''}</td>`
      );
    });
    return (
      `<tr${aside ? ' class="aside"' : ''}><th class="trend-name">${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code>${aside ? ' <span class="muted">(set aside)</span>' : ''}</th>${cells.join('')}</tr>`
    );
  });
  return (
    `<p class="legend">Failure rate per night; every row on one scale, 0 to ${esc(fmtPct(top))} (a full bar). “began” marks the night its change began.</p>` +
    `<div class="scroll"><table class="trends"><thead><tr><th>component</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** "0", "0.4%", "2.5%", "21%": short enough for a grid cell. */
function rateText(rate: number): string {
  if (rate <= 0) return '0';
  if (rate >= 0.1) return `${Math.round(rate * 100)}%`;
  return `${(rate * 100).toFixed(1)}%`;
}

/** A DUT's line is marked where a change began in the DUT itself or in a non-ok component it hangs on. */
function dutHistory(input: ReportInput, index: BenchIndex): string[] {
  const byDut = new Map<string, Map<string, { trials: number; passes: number }>>();
  for (const h of input.history ?? []) {
    let nights = byDut.get(h.dut);
    if (!nights) byDut.set(h.dut, (nights = new Map()));
    const acc = nights.get(h.night) ?? { trials: 0, passes: 0 };
    acc.trials += h.trials;
    acc.passes += h.passes;
    nights.set(h.night, acc);
  }
  const dutChange = new Map<string, { night: string; text: string }>();
  for (const c of input.diagnosis?.components ?? []) {
    const night = nightIn(c.changedSince);
    if (!night || (c.kind !== 'dut' && c.verdict === 'ok')) continue;
    for (const dut of dutsUsing(index, c.kind, c.id)) {
      const known = dutChange.get(dut);
      if (!known || night < known.night) dutChange.set(dut, { night, text: `${c.kind} ${c.id}: ${c.changedSince}` });
    }
  }
  return [...byDut].map(([dut, nights]) => {
    const points: SparkPoint[] = [...nights]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([night, v]) => ({ night, trials: v.trials, passRate: v.trials ? v.passes / v.trials : 0 }));
    const change = dutChange.get(dut);
    return row(dut, '', points, change?.night ?? null, change?.text ?? '');
  });
}

function componentRow(c: ComponentDiagnosis): string {
  const points = (c.history ?? []).map((h) => ({ night: h.night, trials: h.trials, passRate: h.passRate }));
  return row(c.id, `${esc(c.kind)} ${verdictBadge(c.verdict)}`, points, nightIn(c.changedSince), c.changedSince ?? '');
}

function row(id: string, kind: string, points: SparkPoint[], change: string | null, since: string): string {
  const last = points[points.length - 1];
  const first = points[0];
  return (
    `<tr><td><code>${esc(id)}</code>${kind ? ` <span class="muted">${kind}</span>` : ''}</td>` +
    `<td>${sparklineSvg(points, id, change)}</td>` +
    `<td class="num">${esc(last ? fmtPct(last.passRate) : '–')}</td>` +
    `<td class="muted nowrap">${esc(first && last ? `${first.night} → ${last.night}` : '')}</td>` +
    `<td>${esc(since || (change ? `changed ${change}` : ''))}</td></tr>`
  );
}

function table(what: string, rows: string[]): string {
  return (
    `<div class="scroll"><table class="history"><thead><tr><th>${esc(what)}</th><th>pass rate per night</th><th class="num">last</th><th>nights</th><th>change began</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}
