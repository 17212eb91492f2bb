/**
 * The pin timeline of one trial as an SVG step chart: one lane per logical pin (high = asserted), plus lanes of
 * ticks for bytes sent and received, all on the trial's own microsecond clock.
 */
import type { TranscriptEvent } from '../../core/record.js';
import { esc } from '../escape.js';
import { short } from '../../core/format.js';

const W = 640;
const LABEL = 78;
const LANE = 26;
const AXIS = 20;
/** Byte ticks drawn per lane; a flooding device would otherwise draw thousands. */
const MAX_TICKS = 400;

export function pinTimelineSvg(events: readonly TranscriptEvent[], caption: string): string {
  const edges = events.filter((e): e is Extract<TranscriptEvent, { kind: 'edge' }> => e.kind === 'edge');
  const tx = events.filter((e) => e.kind === 'tx');
  const rx = events.filter((e) => e.kind === 'rx');
  if (edges.length === 0 && tx.length === 0 && rx.length === 0) {
    return `<p class="muted">${esc(caption)}: the transcript has no pin edges or bytes.</p>`;
  }
  const pins: string[] = [];
  for (const e of edges) if (!pins.includes(e.pin)) pins.push(e.pin);
  let end = 1;
  for (const e of events) if (Number.isFinite(e.t) && e.t > end) end = e.t;
  const scale = (W - LABEL - 10) / end;
  const x = (t: number) => LABEL + Math.max(0, t) * scale;
  const lanes = [...pins.map((p) => ({ name: p, kind: 'pin' as const })), { name: 'tx', kind: 'tx' as const }, { name: 'rx', kind: 'rx' as const }];
  const height = lanes.length * LANE + AXIS;
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const top = i * LANE + 4;
    const hi = top + 2;
    const lo = top + LANE - 8;
    parts.push(`<text class="lane" x="${LABEL - 6}" y="${top + LANE / 2}" text-anchor="end">${esc(lane.name)}</text>`);
    parts.push(`<line class="grid" x1="${LABEL}" x2="${W - 10}" y1="${lo}" y2="${lo}"/>`);
    if (lane.kind === 'pin') {
      const mine = edges.filter((e) => e.pin === lane.name);
      // Before its first edge a pin was in the other state.
      let level = !mine[0]!.active;
      let d = `M${f(x(0))},${level ? hi : lo}`;
      for (const e of mine) {
        d += ` H${f(x(e.t))} V${e.active ? hi : lo}`;
        level = e.active;
      }
      d += ` H${W - 10}`;
      parts.push(`<path class="pin" d="${d}"/>`);
      for (const e of mine) {
        const late = e.planned !== undefined ? e.t - e.planned : null;
        const label = `${lane.name} ${e.active ? 'asserted' : 'released'} at ${short(e.t / 1000)} ms${
          late !== null ? ` (planned ${short(e.planned! / 1000)} ms, ${late >= 0 ? '+' : ''}${short(late / 1000)} ms)` : ''
        }${e.channel ? `, relay ${e.channel}` : ''}`;
        parts.push(`<circle class="edge" cx="${f(x(e.t))}" cy="${e.active ? hi : lo}" r="2.2"><title>${esc(label)}</title></circle>`);
      }
    } else {
      const ticks = lane.kind === 'tx' ? tx : rx;
      const shown = ticks.slice(0, MAX_TICKS);
      const d = shown.map((e) => `M${f(x(e.t))},${hi + 2}V${lo}`).join('');
      if (d) parts.push(`<path class="${lane.kind}" d="${d}"/>`);
      if (ticks.length > MAX_TICKS) {
        parts.push(`<text class="more" x="${W - 12}" y="${top + 10}" text-anchor="end">+${ticks.length - MAX_TICKS} more</text>`);
      }
    }
  });
  const axisY = lanes.length * LANE + 6;
  for (let k = 0; k <= 4; k++) {
    const t = (end * k) / 4;
    const anchor = k === 0 ? 'start' : k === 4 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${f(x(t))}" y="${axisY + 10}" text-anchor="${anchor}">${esc(short(t / 1000))} ms</text>`);
  }
  return (
    `<figure class="timeline"><figcaption>${esc(caption)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(caption)}">${parts.join('')}</svg></figure>`
  );
}

function f(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}
