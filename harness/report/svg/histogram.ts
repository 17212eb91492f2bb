/** A timing histogram as inline SVG: bars over the occupied log bins, median and p95 marked. */
import { esc } from '../escape.js';
import { fmtMs, short } from '../../core/format.js';
import { BINS_PER_DECADE, binEdge, occupiedBins, quantile } from '../histogram.js';
import type { TimingHistogram } from '../types.js';

const W = 320;
const H = 96;
const PAD_L = 6;
const PAD_B = 18;
const PAD_T = 14;

export function histogramSvg(title: string, h: TimingHistogram): string {
  const range = occupiedBins(h);
  if (!range) {
    return `<figure class="hist"><figcaption>${esc(title)}</figcaption><p class="muted">no samples</p></figure>`;
  }
  // Show at least a decade so a single spike is not one fat bar.
  const first = Math.max(0, Math.min(range.first, range.last - 9));
  const last = Math.max(range.last, first + 9);
  const n = last - first + 1;
  const bw = (W - PAD_L * 2) / n;
  const peak = Math.max(...h.bins.slice(first, last + 1), 1);
  const x = (i: number) => PAD_L + (i - first) * bw;
  const bars: string[] = [];
  for (let i = first; i <= last; i++) {
    const count = h.bins[i] ?? 0;
    if (!count) continue;
    const bh = Math.max(1.5, ((H - PAD_B - PAD_T) * count) / peak);
    bars.push(
      `<rect x="${f(x(i) + 0.5)}" y="${f(H - PAD_B - bh)}" width="${f(Math.max(1, bw - 1))}" height="${f(bh)}"><title>${esc(
        `${short(binEdge(i))}–${short(binEdge(i + 1))} ms: ${count}`,
      )}</title></rect>`,
    );
  }
  const marker = (q: number, label: string, cls: string, anchor: 'start' | 'end') => {
    const v = quantile(h, q);
    if (v === null) return '';
    const pos = PAD_L + (Math.log10(v / binEdge(first)) * BINS_PER_DECADE * bw);
    const px = Math.min(W - PAD_L, Math.max(PAD_L, pos));
    return `<line class="${cls}" x1="${f(px)}" x2="${f(px)}" y1="${PAD_T - 2}" y2="${H - PAD_B}"/><text class="${cls}" x="${f(
      px,
    )}" y="${PAD_T - 4}" text-anchor="${anchor}" dx="${anchor === 'end' ? -2 : 2}">${esc(label)}</text>`;
  };
  const ticks: string[] = [];
  const step = Math.max(1, Math.round(n / 4));
  for (let i = first; i <= last - step / 2; i += step) {
    const anchor = i === first ? 'start' : 'middle';
    ticks.push(`<text x="${f(x(i))}" y="${H - 4}" text-anchor="${anchor}">${esc(short(binEdge(i)))}</text>`);
  }
  const median = quantile(h, 0.5);
  const p95 = quantile(h, 0.95);
  const caption = `${title} — n=${h.count}, median ${fmtMs(median)}, p95 ${fmtMs(p95)}, max ${fmtMs(h.max)}`;
  return (
    `<figure class="hist"><figcaption>${esc(caption)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(caption)}">` +
    `<line class="axis" x1="${PAD_L}" x2="${W - PAD_L}" y1="${H - PAD_B}" y2="${H - PAD_B}"/>` +
    `<g class="bars">${bars.join('')}</g>${marker(0.5, 'median', 'q50', 'end')}${marker(0.95, 'p95', 'q95', 'start')}` +
    `<g class="ticks">${ticks.join('')}<text x="${W - PAD_L}" y="${H - 4}" text-anchor="end">${esc(short(binEdge(last + 1)))} ms</text></g></svg></figure>`
  );
}

function f(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}
