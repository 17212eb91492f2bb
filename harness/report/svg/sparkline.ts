/** Pass rate per night as a small inline SVG line, with the night a change began marked. */
import { plural } from '../../core/plural.js';
import { esc } from '../escape.js';
import { fmtPct } from '../../core/format.js';

export interface SparkPoint {
  night: string;
  trials: number;
  passRate: number;
}

const W = 160;
const H = 34;
const PAD = 3;

export function sparklineSvg(points: SparkPoint[], label: string, changeNight?: string | null): string {
  if (points.length === 0) return '<span class="muted">no history</span>';
  const n = points.length;
  const x = (i: number) => (n === 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (n - 1));
  // Scale to the data (at least 90–100%) so a drop from 100% to 98% is visible.
  const low = Math.min(0.9, ...points.map((p) => clamp(p.passRate)));
  const floor = Math.max(0, Math.floor(low * 20) / 20);
  const y = (rate: number) => PAD + ((1 - clamp(rate)) / (1 - floor || 1)) * (H - 2 * PAD);
  const line = points.map((p, i) => `${f(x(i))},${f(y(p.passRate))}`).join(' ');
  const dots = points
    .map((p, i) =>
      p.passRate < 1
        ? `<circle cx="${f(x(i))}" cy="${f(y(p.passRate))}" r="1.8"><title>${esc(`${p.night}: ${fmtPct(p.passRate)} of ${p.trials}`)}</title></circle>`
        : '',
    )
    .join('');
  let change = '';
  const ci = changeNight ? points.findIndex((p) => p.night >= changeNight) : -1;
  if (ci >= 0) {
    change = `<line class="change" x1="${f(x(ci))}" x2="${f(x(ci))}" y1="0" y2="${H}"><title>${esc(
      `change began ${changeNight}`,
    )}</title></line>`;
  }
  const last = points[n - 1]!;
  const aria = `${label}: pass rate over ${plural(n, 'night')}, last ${fmtPct(last.passRate)}${
    changeNight ? `, change began ${changeNight}` : ''
  }`;
  return (
    `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(aria)}">` +
    `<line class="full" x1="0" x2="${W}" y1="${PAD}" y2="${PAD}"/>${change}` +
    `<title>${esc(`${aria} (scale ${Math.round(floor * 100)}–100%)`)}</title><polyline points="${line}"/>${dots}</svg>`
  );
}

function clamp(r: number): number {
  return Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
}

function f(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}
