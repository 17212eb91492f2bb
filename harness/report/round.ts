/**
 * Numbers for scripts carry the digits they mean, no more: a rate to 0.01 % (four decimals), a score in [0, 1] to
 * three decimals, an estimate to its significant digits, a measured time to the microsecond the clock resolves.
 * null, undefined and non-finite numbers become null.
 */

function finite(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function toDecimals(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** A fraction such as a pass rate, to four decimals. */
export function rate(n: number | null | undefined): number | null {
  return finite(n) ? toDecimals(n, 4) : null;
}

/** A score in [0, 1] (Ochiai, symptom fit), to three decimals. */
export function score(n: number | null | undefined): number | null {
  return finite(n) ? toDecimals(n, 3) : null;
}

/** An estimate (a p-value, a quantile from bins) to `digits` significant digits. */
export function significant(n: number | null | undefined, digits: number): number | null {
  return finite(n) ? (n === 0 ? 0 : Number(n.toPrecision(digits))) : null;
}

/** A measured time in ms, to the microsecond. */
export function exactMs(n: number | null | undefined): number | null {
  return finite(n) ? toDecimals(n, 3) : null;
}
