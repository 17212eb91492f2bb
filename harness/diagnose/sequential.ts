/**
 * The sequential test that decides when follow-up trials of a component may stop: flag or clear, looked at after
 * every trial, at fixed error rates whenever one stops. Numbers only (harness/nightly/follow-up.ts decides what to
 * run). Both directions are likelihood-ratio martingales, so Ville's inequality bounds their errors at any stopping
 * time, the planned trials included:
 * - flag: the mixture (log-uniform over the rate ratio r in [minRatio, maxRatio]) of the likelihood ratios of
 *   "fails at r × the pool's rate" against "fails at the pool's rate" reaches 1/α. The mixture adapts to how strong
 *   the fault is, as Wald's SPRT told the true rate does, at the cost of the prior's spread (Robbins' method of
 *   mixtures); under "no worse than the pool" it ever gets there with probability ≤ α.
 * - clear: the likelihood ratio of "fails at the pool's rate" against "fails at minRatio × it" (the weakest fault a
 *   flag means) reaches 1/β; a component failing minRatio × the pool or more is cleared with probability ≤ β.
 * The pool's rate is its observed rate (Jeffreys: half a failure added), the uncertainty of a large pool left out.
 */
import { binomialLogLikelihood, logFisherGreater } from './stats.js';

export interface SequentialOptions {
  /** Chance of flagging a component that fails no more than the pool. */
  alpha: number;
  /** Chance of clearing a component that fails minRatio × the pool. */
  beta: number;
  /** The weakest effect a flag stands for (the diagnosis' minRatio). */
  minRatio: number;
  /** The mixture's strongest ratio: faults beyond it are flagged by the planned trials already. */
  maxRatio: number;
  /** Fewer failures than this never flag (the diagnosis' minFailures). */
  minFailures: number;
}

export type SequentialDecision = 'flagged' | 'cleared' | 'undecided';

/** Points of the mixture's grid over the log ratio. */
const GRID = 48;

/** The pool's failure rate with half a failure added (Jeffreys), so that a clean pool still gives a rate. */
export function poolRate(poolFailures: number, poolTrials: number): number {
  return (poolFailures + 0.5) / (poolTrials + 1);
}

/** ln of the mixture likelihood ratio of `failures` in `trials` against rate p0 (the flag's statistic). */
export function logMixtureRatio(failures: number, trials: number, p0: number, minRatio: number, maxRatio: number): number {
  const null0 = binomialLogLikelihood(failures, trials, p0);
  const lo = Math.log(minRatio);
  const hi = Math.log(Math.max(minRatio, maxRatio));
  const terms: number[] = [];
  for (let i = 0; i < GRID; i++) {
    const p1 = Math.min(1 - 1e-9, p0 * Math.exp(lo + ((hi - lo) * (i + 0.5)) / GRID));
    terms.push(binomialLogLikelihood(failures, trials, p1) - null0);
  }
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0) / GRID);
}

/** ln of the likelihood ratio of rate p0 against minRatio × p0 (the clear's statistic). */
export function logClearRatio(failures: number, trials: number, p0: number, minRatio: number): number {
  return binomialLogLikelihood(failures, trials, p0) - binomialLogLikelihood(failures, trials, Math.min(1 - 1e-9, minRatio * p0));
}

/** What a component's trials so far decide, against the pool's. */
export function sequentialDecision(failures: number, trials: number, poolFailures: number, poolTrials: number, o: SequentialOptions): SequentialDecision {
  if (trials === 0 || poolTrials === 0) return 'undecided';
  const p0 = poolRate(poolFailures, poolTrials);
  const effect = failures >= o.minFailures && failures / trials >= o.minRatio * p0;
  const flag =
    effect &&
    logMixtureRatio(failures, trials, p0, o.minRatio, o.maxRatio) >= Math.log(1 / o.alpha) &&
    logFisherGreater(failures, trials, poolFailures, poolTrials) <= Math.log(o.alpha);
  if (flag) return 'flagged';
  if (logClearRatio(failures, trials, p0, o.minRatio) >= Math.log(1 / o.beta)) return 'cleared';
  return 'undecided';
}
