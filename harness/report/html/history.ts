/** Pass rate per night, per DUT and per component, with the night a change began. */
import type { ComponentDiagnosis } from '../../diagnose/types.js';
import { esc } from '../escape.js';
import { fmtPct, nightIn } from '../format.js';
import { sparklineSvg, type SparkPoint } from '../svg/sparkline.js';
import { dutsUsing, type BenchIndex } from '../rig-index.js';
import type { ReportInput } from '../types.js';
import { verdictBadge } from './parts.js';

/** Components shown with a sparkline: flagged and watched first, then the rest, up to this many. */
const MAX_COMPONENTS = 60;
const ORDER: Record<string, number> = { bad: 0, suspect: 1, watch: 2, ok: 3 };

export function historySection(input: ReportInput, index: BenchIndex): string {
  const byDut = new Map<string, Map<string, { trials: number; passes: number }>>();
  for (const h of input.history ?? []) {
    let nights = byDut.get(h.dut);
    if (!nights) byDut.set(h.dut, (nights = new Map()));
    const acc = nights.get(h.night) ?? { trials: 0, passes: 0 };
    acc.trials += h.trials;
    acc.passes += h.passes;
    nights.set(h.night, acc);
  }
  // A DUT's line is marked where a change began in the DUT itself or in a non-ok component it hangs on.
  const dutChange = new Map<string, { night: string; text: string }>();
  for (const c of input.diagnosis?.components ?? []) {
    const night = nightIn(c.changedSince);
    if (!night || (c.kind !== 'dut' && c.verdict === 'ok')) continue;
    for (const dut of dutsUsing(index, c.kind, c.id)) {
      const known = dutChange.get(dut);
      if (!known || night < known.night) dutChange.set(dut, { night, text: `${c.kind} ${c.id}: ${c.changedSince}` });
    }
  }
  const dutRows = [...byDut].map(([dut, nights]) => {
    const points: SparkPoint[] = [...nights]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([night, v]) => ({ night, trials: v.trials, passRate: v.trials ? v.passes / v.trials : 0 }));
    const change = dutChange.get(dut);
    return row(dut, '', points, change?.night ?? null, change?.text ?? '');
  });
  const components = [...(input.diagnosis?.components ?? [])]
    .filter((c) => c.history?.length)
    .sort((a, b) => (ORDER[a.verdict] ?? 4) - (ORDER[b.verdict] ?? 4))
    .slice(0, MAX_COMPONENTS);
  const componentRows = components.map((c) => componentRow(c));
  const out = ['<section id="history"><h2>History</h2>'];
  if (dutRows.length === 0 && componentRows.length === 0) out.push('<p class="muted">No earlier nights in the store.</p>');
  if (dutRows.length) out.push(table('DUT', dutRows));
  if (componentRows.length) out.push('<h3>Components</h3>', table('component', componentRows));
  out.push('</section>');
  return out.join('');
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
