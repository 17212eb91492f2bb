/** Number and time formatting for what people read: the report, the diagnosis sentences, the nightly plan (plain text; callers escape). */

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtPct(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  if (rate === 1) return '100%';
  if (rate >= 0.999) return `${(rate * 100).toFixed(2)}%`;
  return `${(rate * 100).toFixed(1)}%`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Milliseconds between two ISO times, or NaN. */
export function spanMs(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

/** The first YYYY-MM-DD in a sentence such as "failing since 2026-11-20, the first night with cable c7". */
export function nightIn(text: string | undefined): string | null {
  const m = text ? /\d{4}-\d{2}-\d{2}/.exec(text) : null;
  return m ? m[0] : null;
}

/** A short number for chart labels: 3, 12.5, 0.42. */
export function short(n: number): string {
  if (n >= 100) return String(Math.round(n));
  if (n >= 10) return n.toFixed(1).replace(/\.0$/, '');
  return n.toFixed(2).replace(/0$/, '').replace(/\.0$/, '');
}
