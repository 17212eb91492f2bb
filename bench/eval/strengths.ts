/**
 * Fault strengths: how a wanted per-trial failure probability becomes the value of a simulation fault key, and
 * back. Two sources: curves measured on the real runner (`calibrate.ts`), or the synthetic generator's own model.
 */
import type { ComponentKind } from '../../harness/core/record.js';

/** A fault key as it acts on one DUT: the kind of component, the simulation key and, for relays, the pin. */
export interface FaultProbe {
  kind: Exclude<ComponentKind, 'host' | 'hub'>;
  key: string;
  /** The logical pin whose relay channel carries the fault (relay faults only). */
  pin?: string;
}

export interface FaultStrengths {
  /** 'runner': measured on the real runner; 'synthetic': the synthetic generator's model. */
  source: 'runner' | 'synthetic';
  /** Cable bit error rate every scenario carries as its baseline. */
  baselineBitErrorRate: number;
  /** Per-trial failure probability of the baseline alone on a DUT of `profile`. */
  baselineRate(profile: string): number;
  /** Per-trial failure probability `probe` at `value` gives a DUT of `profile` (0 when nothing is known). */
  rateAt(profile: string, probe: FaultProbe, value: number): number;
  /** The largest value worth trying for the probe (rates cap at 1; per-bit and per-byte rates at what was measured). */
  maxValue(probe: FaultProbe): number;
}

/** The per-event probability that gives a per-trial probability `rate` over `events` independent events. */
export function perEvent(rate: number, events: number): number {
  return 1 - Math.pow(1 - rate, 1 / events);
}

export function perTrial(value: number, events: number): number {
  return 1 - Math.pow(1 - value, events);
}

/**
 * The value that makes the component fail `rate` of its trials on average over the DUTs it serves (one profile
 * per DUT), or undefined when even the largest value falls short. Bisection on log(value): the curves are monotone.
 */
export function valueForRate(strengths: FaultStrengths, profiles: string[], probe: FaultProbe, rate: number): number | undefined {
  if (profiles.length === 0) return undefined;
  const mean = (v: number) => profiles.reduce((s, p) => s + strengths.rateAt(p, probe, v), 0) / profiles.length;
  const hi0 = strengths.maxValue(probe);
  if (mean(hi0) < rate) return undefined;
  let lo = Math.log(hi0) - 30;
  let hi = Math.log(hi0);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mean(Math.exp(mid)) < rate) lo = mid;
    else hi = mid;
  }
  return Math.exp(hi);
}

// ---------------------------------------------------------------- the synthetic model

/** Data bits, bytes and relay switches per trial that the synthetic generator assumes. */
export const SYNTHETIC_BITS_PER_TRIAL = 800;
export const SYNTHETIC_BYTES_PER_TRIAL = 100;
export const SYNTHETIC_SWITCHES_PER_TRIAL = 2;
export const DEFAULT_BASELINE_RATE = 0.005;

/** The strengths the synthetic generator's own model implies (nothing to measure). */
export function syntheticStrengths(baselineRate = DEFAULT_BASELINE_RATE): FaultStrengths {
  return {
    source: 'synthetic',
    baselineBitErrorRate: perEvent(baselineRate, SYNTHETIC_BITS_PER_TRIAL),
    baselineRate: () => baselineRate,
    rateAt(_profile, probe, value) {
      if (probe.key === 'bitErrorRate') return perTrial(value, SYNTHETIC_BITS_PER_TRIAL);
      if (probe.key === 'dropRate') return perTrial(value, SYNTHETIC_BYTES_PER_TRIAL);
      if (probe.key === 'stuckRate') return perTrial(value, SYNTHETIC_SWITCHES_PER_TRIAL);
      return Math.min(1, value);
    },
    maxValue: () => 1,
  };
}
