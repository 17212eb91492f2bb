/** Fixed logarithmic timing bins: one pass over any number of trials, mergeable, and cheap to render. */
import type { TimingHistogram } from './types.js';

export const HISTOGRAM_MIN_MS = 0.1;
export const BINS_PER_DECADE = 10;
/** 0.1 ms … 100 s; larger values land in the last bin. */
export const HISTOGRAM_BINS = 6 * BINS_PER_DECADE;

export function emptyHistogram(): TimingHistogram {
  return { count: 0, min: null, max: null, sum: 0, bins: new Array<number>(HISTOGRAM_BINS).fill(0) };
}

export function binOf(ms: number): number {
  if (!(ms > HISTOGRAM_MIN_MS)) return 0;
  const i = Math.floor(Math.log10(ms / HISTOGRAM_MIN_MS) * BINS_PER_DECADE);
  return Math.min(HISTOGRAM_BINS - 1, Math.max(0, i));
}

/** Lower edge of bin i in ms. */
export function binEdge(i: number): number {
  return HISTOGRAM_MIN_MS * 10 ** (i / BINS_PER_DECADE);
}

export function addSample(h: TimingHistogram, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  h.count++;
  h.sum += ms;
  h.min = h.min === null ? ms : Math.min(h.min, ms);
  h.max = h.max === null ? ms : Math.max(h.max, ms);
  h.bins[binOf(ms)]!++;
}

/**
 * The q-quantile (0..1) estimated from the bins: the geometric middle of the bin it falls in, clamped to the
 * observed min and max. Null when the histogram is empty.
 */
export function quantile(h: TimingHistogram, q: number): number | null {
  if (h.count === 0 || h.min === null || h.max === null) return null;
  const rank = Math.max(1, Math.ceil(q * h.count));
  let seen = 0;
  for (let i = 0; i < h.bins.length; i++) {
    seen += h.bins[i]!;
    if (seen >= rank) {
      const mid = Math.sqrt(binEdge(i) * binEdge(i + 1));
      return Math.min(h.max, Math.max(h.min, mid));
    }
  }
  return h.max;
}

/** The range of bins that hold anything, for drawing without empty tails. */
export function occupiedBins(h: TimingHistogram): { first: number; last: number } | null {
  const first = h.bins.findIndex((n) => n > 0);
  if (first < 0) return null;
  let last = h.bins.length - 1;
  while (last > first && h.bins[last] === 0) last--;
  return { first, last };
}
