/**
 * Fault strengths measured on the real runner. A fault key's value is not its failure rate: a disconnect strikes
 * only once the host has sent its drawn number of bytes, a bit error only matters where a retry cannot mend it,
 * and the profiles exchange very different byte counts. So for every profile and fault key we run the real
 * runner (simulated time) on a calibration rig — one DUT per value on a grid, each with private cable, port,
 * supply and relay channels — and read off the per-trial failure probability. `valueFor` then inverts the
 * measured curve to pick the value that makes a component fail a wanted share of its trials.
 */
import type { Cable, Dut, RelayBoard, Rig, Supply, UsbPort } from '../../harness/config/types.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { hashString } from '../../harness/core/rng.js';
import type { ProfileSketch } from './scenario.js';
import { valueForRate, type FaultProbe, type FaultStrengths } from './strengths.js';

export interface CalibrationPoint {
  value: number;
  trials: number;
  failures: number;
}

export interface KeyCurve extends FaultProbe {
  profile: string;
  points: CalibrationPoint[];
}

export interface BaselineMeasure {
  profile: string;
  bitErrorRate: number;
  trials: number;
  failures: number;
}

/** Value grids: per-trial probabilities, per-switch, per-bit and per-byte rates. */
const TRIAL_GRID = [0.05, 0.15, 0.4, 0.9];
const SWITCH_GRID = [0.02, 0.06, 0.2, 0.5, 0.9];
const BIT_GRID = [3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3];
const BYTE_GRID = [3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];

export function probesOf(profile: ProfileSketch): FaultProbe[] {
  return [
    { kind: 'cable', key: 'bitErrorRate' },
    { kind: 'cable', key: 'dropRate' },
    { kind: 'cable', key: 'openRate' },
    { kind: 'port', key: 'disconnectRate' },
    { kind: 'supply', key: 'brownoutRate' },
    { kind: 'dut', key: 'deadRate' },
    { kind: 'dut', key: 'bootloopRate' },
    ...profile.pins.map((pin) => ({ kind: 'relay' as const, key: 'stuckRate', pin })),
  ];
}

function gridOf(probe: FaultProbe): number[] {
  if (probe.key === 'bitErrorRate') return BIT_GRID;
  if (probe.key === 'dropRate') return BYTE_GRID;
  if (probe.key === 'stuckRate') return SWITCH_GRID;
  return TRIAL_GRID;
}

export interface CalibrationOptions {
  /** Trials per grid value (spread over DUTs of at most 100 trials). */
  trialsPerValue?: number;
  seed?: number;
  /** Per-trial failure probability the baseline bit error rate is chosen for (median over the profiles). */
  baselineRate?: number;
  /** Trials of the baseline measure per profile. */
  baselineTrials?: number;
  /** Called after each profile (for progress output). */
  onProfile?: (profile: string, trials: number) => void;
}

export type RigRunner = (rig: Rig, options: { trialsPerDut: number; night: string; seed: number }) => Promise<TrialRecord[]>;

export interface Calibration {
  curves: KeyCurve[];
  baselines: BaselineMeasure[];
  baselineBitErrorRate: number;
  /** Trials run to calibrate. */
  trials: number;
}

export interface CalibrationSlot {
  probe?: FaultProbe;
  value: number;
}

const NIGHT = '2026-01-01';

/**
 * Measures every fault key of every profile on the real runner, then picks the baseline bit error rate (the median
 * over the profiles of the value that gives `baselineRate`) and measures the baseline each profile really gets.
 */
export async function calibrate(run: RigRunner, profiles: ProfileSketch[], options: CalibrationOptions = {}): Promise<Calibration> {
  const perValue = options.trialsPerValue ?? 100;
  const dutsPerValue = Math.max(1, Math.ceil(perValue / 100));
  const trialsPerDut = Math.ceil(perValue / dutsPerValue);
  const seed = options.seed ?? 1;
  const curves: KeyCurve[] = [];
  let trials = 0;
  for (const profile of profiles) {
    const slots: CalibrationSlot[] = [];
    for (const probe of probesOf(profile)) for (const value of gridOf(probe)) for (let k = 0; k < dutsPerValue; k++) slots.push({ probe, value });
    const rig = calibrationRig(`cal-${profile.id}`, profile, slots);
    const records = await run(rig, { trialsPerDut, night: NIGHT, seed: (seed + hashString(profile.id)) >>> 0 });
    trials += records.length;
    const tally = tallyByDut(records);
    const byProbe = new Map<FaultProbe, Map<number, CalibrationPoint>>();
    slots.forEach((slot, i) => {
      const points = byProbe.get(slot.probe!) ?? new Map<number, CalibrationPoint>();
      byProbe.set(slot.probe!, points);
      const point = points.get(slot.value) ?? { value: slot.value, trials: 0, failures: 0 };
      points.set(slot.value, point);
      const t = tally.get(`d${i + 1}`) ?? { trials: 0, failures: 0 };
      point.trials += t.trials;
      point.failures += t.failures;
    });
    for (const [probe, points] of byProbe) curves.push({ profile: profile.id, ...probe, points: [...points.values()] });
    options.onProfile?.(profile.id, records.length);
  }

  // One bit error rate for every cable (cables do not know what they carry), read off the bit error curves of all
  // profiles pooled: at a 0.5 % rate a single profile's points hold too few failures to be read alone.
  const pooled: KeyCurve = { profile: '*', kind: 'cable', key: 'bitErrorRate', points: [] };
  for (const curve of curves.filter((c) => c.kind === 'cable' && c.key === 'bitErrorRate')) {
    for (const point of curve.points) {
      const into = pooled.points.find((p) => p.value === point.value);
      if (into) {
        into.trials += point.trials;
        into.failures += point.failures;
      } else pooled.points.push({ ...point });
    }
  }
  const pooledOnly = strengthsFromCalibration({ curves: [pooled], baselines: [], baselineBitErrorRate: 0, trials });
  const target = options.baselineRate ?? 0.005;
  let baselineBitErrorRate = valueForRate(pooledOnly, ['*'], { kind: 'cable', key: 'bitErrorRate' }, target) ?? BIT_GRID[0]!;

  // The low end of a curve rests on a handful of failures: measure the baseline itself and correct the rate
  // (locally the failure rate is proportional to it) until the pooled baseline is within 40 % of the target.
  const baselineDuts = Math.max(1, Math.ceil((options.baselineTrials ?? 400) / 100));
  let baselines: BaselineMeasure[] = [];
  for (let round = 0; round < 4; round++) {
    baselines = [];
    for (const profile of profiles) {
      const slots: CalibrationSlot[] = Array.from({ length: baselineDuts }, () => ({ value: baselineBitErrorRate }));
      const rig = calibrationRig(`base-${profile.id}`, profile, slots);
      const records = await run(rig, { trialsPerDut: 100, night: NIGHT, seed: (seed + 7 + round + hashString(profile.id)) >>> 0 });
      trials += records.length;
      const failures = records.filter((r) => r.result === 'fail').length;
      baselines.push({ profile: profile.id, bitErrorRate: baselineBitErrorRate, trials: records.length, failures });
    }
    const measured = baselines.reduce((n, b) => n + b.failures, 0) / Math.max(1, baselines.reduce((n, b) => n + b.trials, 0));
    if (Math.abs(measured - target) <= 0.4 * target || round === 3) break;
    baselineBitErrorRate *= Math.min(4, Math.max(0.25, measured > 0 ? target / measured : 4));
  }
  return { curves, baselines, baselineBitErrorRate, trials };
}

function tallyByDut(records: TrialRecord[]): Map<string, { trials: number; failures: number }> {
  const tally = new Map<string, { trials: number; failures: number }>();
  for (const r of records) {
    const t = tally.get(r.dut) ?? { trials: 0, failures: 0 };
    tally.set(r.dut, t);
    t.trials++;
    if (r.result === 'fail') t.failures++;
  }
  return tally;
}

/**
 * A rig where every slot is a DUT with a cable, a host USB port, a supply and relay channels of its own, so no
 * fault reaches another slot. Only the slot's fault is set; baseline slots carry the baseline bit error rate.
 */
export function calibrationRig(id: string, profile: ProfileSketch, slots: CalibrationSlot[]): Rig {
  const cables: Cable[] = [];
  const ports: UsbPort[] = [];
  const supplies: Supply[] = [];
  const relays: RelayBoard[] = [];
  const duts: Dut[] = [];
  let channelsLeft = 0;
  slots.forEach((slot, i) => {
    const n = i + 1;
    const cable: Cable = { id: `c${n}` };
    const port: UsbPort = { id: `pc.usb${n}` };
    const supply: Supply = { id: `psu${n}` };
    const dut: Dut = { id: `d${n}`, board: profile.id, cable: cable.id, port: port.id, supply: supply.id, pins: {} };
    const pinChannels = new Map<string, RelayBoard['channels'][number]>();
    for (const pin of profile.pins) {
      if (channelsLeft === 0) {
        const board = `rb${relays.length + 1}`;
        relays.push({
          id: board,
          driver: 'sim',
          polarity: 'active-high',
          channels: Array.from({ length: 8 }, (_, k) => ({ id: `${board}.${k + 1}`, board, channel: k + 1, safe: 'open' as const })),
        });
        channelsLeft = 8;
      }
      const channel = relays[relays.length - 1]!.channels[8 - channelsLeft]!;
      channelsLeft--;
      dut.pins[pin] = { channel: channel.id, closed: 'active' };
      pinChannels.set(pin, channel);
    }
    const probe = slot.probe;
    if (!probe) cable.sim = { bitErrorRate: slot.value };
    else if (probe.kind === 'cable') cable.sim = { [probe.key]: slot.value };
    else if (probe.kind === 'port') port.sim = { [probe.key]: slot.value };
    else if (probe.kind === 'supply') supply.sim = { [probe.key]: slot.value };
    else if (probe.kind === 'dut') dut.sim = { [probe.key]: slot.value };
    else if (probe.kind === 'relay') pinChannels.get(probe.pin!)!.sim = { stuckRate: slot.value };
    cables.push(cable);
    ports.push(port);
    supplies.push(supply);
    duts.push(dut);
  });
  return {
    id,
    title: `Calibration rig for ${profile.id}`,
    kind: 'simulated',
    host: 'host',
    sim: { seed: 1 },
    nightly: { trialsPerDut: 100, concurrency: slots.length, trialTimeoutMs: 5000, historyNights: 14 },
    relays,
    hubs: [],
    ports,
    cables,
    supplies,
    duts,
    digest: id,
    file: `eval/${id}.yaml`,
  };
}

// ---------------------------------------------------------------- reading the curves

/** Complementary log-log: for p = 1 − (1 − v)^n, and p ≈ a·v for small v, it is linear in log v with slope 1. */
const cloglog = (p: number) => Math.log(-Math.log(1 - p));
const uncloglog = (y: number) => 1 - Math.exp(-Math.exp(y));

/** A point counts when it saw at least this many failures (fewer is indistinguishable from chance). */
const MIN_FAILURES = 3;

/**
 * The measured curve as (log value, cloglog rate) from its first informative point on, made monotone (running
 * maximum: a stronger fault never helps). Empty when no point saw enough failures.
 */
function curveXY(curve: KeyCurve): Array<[number, number]> {
  const sorted = [...curve.points].filter((p) => p.trials > 0).sort((a, b) => a.value - b.value);
  const first = sorted.findIndex((p) => p.failures >= MIN_FAILURES);
  if (first < 0) return [];
  let best = Number.NEGATIVE_INFINITY;
  return sorted.slice(first).map((p) => {
    const rate = Math.min(1 - 0.5 / p.trials, p.failures / p.trials);
    best = Math.max(best, cloglog(rate));
    return [Math.log(p.value), best];
  });
}

/**
 * Per-trial failure probability at `value`, read off the curve: linear interpolation in (log value, cloglog rate);
 * below the first informative point, slope 1 (rare independent events); above the last, its rate.
 */
export function curveRateAt(curve: KeyCurve, value: number): number {
  const xy = curveXY(curve);
  if (xy.length === 0 || !(value > 0)) return 0;
  const x = Math.log(value);
  const [x0, y0] = xy[0]!;
  if (x <= x0) return uncloglog(y0 + (x - x0));
  for (let i = 1; i < xy.length; i++) {
    const [xa, ya] = xy[i - 1]!;
    const [xb, yb] = xy[i]!;
    if (x <= xb) return uncloglog(ya + ((x - xa) * (yb - ya)) / (xb - xa));
  }
  return uncloglog(xy[xy.length - 1]![1]);
}

export function strengthsFromCalibration(calibration: Calibration): FaultStrengths {
  const curves = new Map(calibration.curves.map((c) => [curveKey(c.profile, c), c]));
  const baselines = new Map(calibration.baselines.map((b) => [b.profile, b]));
  return {
    source: 'runner',
    baselineBitErrorRate: calibration.baselineBitErrorRate,
    baselineRate(profile) {
      const b = baselines.get(profile);
      // Half a failure keeps a clean measure from claiming a rate of exactly zero.
      return b && b.trials > 0 ? (b.failures + 0.5) / (b.trials + 1) : 0;
    },
    rateAt(profile, probe, value) {
      const curve = curves.get(curveKey(profile, probe));
      return curve ? curveRateAt(curve, value) : 0;
    },
    maxValue(probe) {
      const grid = gridOf(probe);
      return grid[grid.length - 1]!;
    },
  };
}

function curveKey(profile: string, probe: FaultProbe): string {
  return `${profile}\u0000${probe.kind}\u0000${probe.key}\u0000${probe.pin ?? ''}`;
}
