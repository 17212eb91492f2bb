/**
 * The few statistics the diagnosis needs, written out so every number in a report can be traced:
 * log-gamma (Lanczos), the one-sided Fisher exact test, Holm's step-down correction, and a binomial log-likelihood.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln C(n, k). */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * One-sided Fisher exact test, as a natural log: ln P(at least `failures` failures among `trials` trials of a
 * component, when its trials are drawn at random from all trials — its own plus `poolTrials` with `poolFailures`).
 * Unlike a binomial test against the pool's rate, it accounts for the pool's own uncertainty. Kept as a log because
 * a broken cable over a month of nights reaches p-values far below what a double can hold.
 * Returns 0 (p = 1) when the component fails no more often than expected: there is no excess to test.
 */
export function logFisherGreater(failures: number, trials: number, poolFailures: number, poolTrials: number): number {
  const total = trials + poolTrials;
  const totalFailures = failures + poolFailures;
  if (trials === 0 || poolTrials === 0 || totalFailures === 0) return 0;
  const expected = (trials * totalFailures) / total;
  if (failures <= expected) return 0;
  const denominator = logChoose(total, trials);
  const last = Math.min(totalFailures, trials);
  const logTerm = (x: number) => logChoose(totalFailures, x) + logChoose(total - totalFailures, trials - x) - denominator;
  // Past the mode (which lies below `failures`) the terms only shrink: sum relative to the first one.
  const first = logTerm(failures);
  let sum = 1;
  for (let x = failures + 1; x <= last; x++) {
    const ratio = Math.exp(logTerm(x) - first);
    sum += ratio;
    if (ratio < sum * 1e-14) break;
  }
  return Math.min(0, first + Math.log(sum));
}

export function fisherGreater(failures: number, trials: number, poolFailures: number, poolTrials: number): number {
  return Math.exp(logFisherGreater(failures, trials, poolFailures, poolTrials));
}

/** Holm's step-down adjustment: controls the chance of any false flag among m tests (family-wise error). */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Binomial log-likelihood of k failures in n trials at rate p (constant terms dropped). */
export function binomialLogLikelihood(k: number, n: number, p: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return k * Math.log(q) + (n - k) * Math.log(1 - q);
}

/** Holm-adjusted natural-log p-values (same order as given). */
export function holmLog(logP: number[]): number[] {
  const m = logP.length;
  const order = logP.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = -Infinity;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(0, Math.log(m - rank) + p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** A p-value for people: 3.2e-7, 0.012, or "< 1e-300". */
export function formatP(logP: number): string {
  const log10 = logP / Math.LN10;
  if (log10 < -300) return `< 1e-300`;
  const p = Math.exp(logP);
  if (p >= 0.001) return p.toPrecision(2).replace(/\.?0+$/, '');
  return p.toExponential(1);
}

/** Natural log of P(X ≤ k) for X ~ Binomial(n, p): "is this rate clearly below that one?". */
export function logBinomialLower(k: number, n: number, p: number): number {
  if (k >= n || p <= 0) return 0;
  if (p >= 1) return -Infinity;
  const logTerm = (x: number) => logChoose(n, x) + x * Math.log(p) + (n - x) * Math.log(1 - p);
  let max = -Infinity;
  const terms: number[] = [];
  for (let x = 0; x <= k; x++) {
    const t = logTerm(x);
    terms.push(t);
    if (t > max) max = t;
  }
  const sum = terms.reduce((s, t) => s + Math.exp(t - max), 0);
  return Math.min(0, max + Math.log(sum));
}
