/**
 * B6 — detection: on the shipped sim bench's layout (8 DUTs, shared hubs and supplies), every trial fails with a
 * 0.5 % baseline and the trials through one bad cable with 5 % ("corrupt"). Trial round after trial round, the
 * diagnosis runs on everything so far; the figure is how many trials of the bad cable it needs to flag it
 * correctly (the cable, or a group it names the cable in), against Wald's SPRT that is told both true rates.
 * Outcomes are drawn directly (no bytes): this measures the statistics, not the bench.
 */
import type { Rig } from '../harness/config/types.js';
import type { TrialComponents } from '../harness/core/record.js';
import { Rng } from '../harness/core/rng.js';
import { DEFAULT_THRESHOLDS } from '../harness/diagnose/thresholds.js';
import { CellBuilder, refsOf } from '../harness/diagnose/cells.js';
import { diagnoseCells, type Diagnosis } from '../harness/diagnose/diagnose.js';
import { sprtTrialsToDetect } from './eval/sprt.js';
import { componentsOf } from '../harness/runner/run.js';
import { cleanSimBench } from '../test/runner/sim-bench-fixture.js';
import type { Benchmark } from './lib/types.js';
import { mean, median } from './lib/stats.js';

const BASELINE = 0.005;
const BAD = 0.05;
const TARGET_RATIO = 1.5;
/** Trials per DUT after which a seed counts as "never flagged". */
const CAP = 2000;
const NIGHT = '2026-01-01';

export interface DetectionRun {
  badCable: string;
  /** Trials of the bad cable until the diagnosis first flagged it correctly (undefined: not within CAP). */
  ours?: number;
  sprt?: number;
  /** Flags on other components seen before the correct one. */
  falseFlagsBefore: number;
}

function flagged(d: Diagnosis) {
  return d.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

/** Whether a flag names the cable (itself, or as part of a group that rates alone cannot split). */
function namesCable(flag: Diagnosis['components'][number], cable: string): boolean {
  return (flag.kind === 'cable' && flag.id === cable) || (flag.confoundedWith ?? []).includes(cable);
}

export function detectOnce(seed: number, rig: Rig, components: Map<string, TrialComponents>, componentCount: number): DetectionRun {
  const rng = new Rng(seed);
  const badDut = rng.pick(rig.duts);
  const badCable = badDut.cable;
  const lanes = rig.duts.map((d) => ({ dut: d, rng: rng.fork(d.id), rate: d.id === badDut.id ? BAD : BASELINE }));
  const builder = new CellBuilder();
  const badOutcomes: boolean[] = [];
  let badFailures = 0;
  let falseFlagsBefore = 0;
  let ours: number | undefined;
  for (let k = 1; k <= CAP && ours === undefined; k++) {
    for (const lane of lanes) {
      const failed = lane.rng.chance(lane.rate);
      builder.add(NIGHT, lane.dut.board, components.get(lane.dut.id)!, failed ? 'corrupt' : 'ok');
      if (lane.dut.id === badDut.id) {
        badOutcomes.push(failed);
        if (failed) badFailures++;
      }
    }
    // Fewer failures than this never make a suspect: no need to ask the diagnosis yet.
    if (badFailures < DEFAULT_THRESHOLDS.minFailures) continue;
    const flags = flagged(diagnoseCells(builder.build(), { rig: rig.id, rigConfig: rig }));
    if (flags.some((f) => namesCable(f, badCable))) ours = k;
    else if (flags.length > 0) falseFlagsBefore++;
  }
  // The oracle sees the same outcomes, continued past our stop if it needs more.
  const laneRng = lanes.find((l) => l.dut.id === badDut.id)!.rng;
  while (badOutcomes.length < CAP) badOutcomes.push(laneRng.chance(BAD));
  const sprt = sprtTrialsToDetect(badOutcomes, { p0: BASELINE, p1: BAD, alpha: DEFAULT_THRESHOLDS.suspectP / componentCount, beta: 0.05 });
  const run: DetectionRun = { badCable, falseFlagsBefore };
  if (ours !== undefined) run.ours = ours;
  if (sprt !== undefined) run.sprt = sprt;
  return run;
}

export const b6: Benchmark = {
  id: 'B6',
  what: 'detection (bad cable 5 % vs 0.5 %)',
  target: `≤ ${TARGET_RATIO} × SPRT oracle`,
  async run(ctx) {
    const seeds = ctx.quick ? 30 : 200;
    const bench = cleanSimBench();
    const rig = bench.rig;
    const components = new Map(rig.duts.map((d) => [d.id, componentsOf(bench, d, Object.values(d.pins).map((p) => p.channel))] as const));
    const componentCount = new Set([...components.values()].flatMap((c) => refsOf(c).map((r) => r.key))).size;
    const runs: DetectionRun[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      runs.push(detectOnce(seed, rig, components, componentCount));
      if (seed % 50 === 0) ctx.log(`B6 ${seed}/${seeds} seeds`);
    }
    const ours = runs.flatMap((r) => (r.ours === undefined ? [] : [r.ours]));
    const sprt = runs.flatMap((r) => (r.sprt === undefined ? [] : [r.sprt]));
    const missed = runs.length - ours.length;
    const paired = runs.filter((r) => r.ours !== undefined && r.sprt !== undefined).map((r) => r.ours! / r.sprt!);
    const ratio = median(ours) / median(sprt);
    const falseBefore = runs.filter((r) => r.falseFlagsBefore > 0).length;
    return {
      figure: `median ${median(ours)} vs ${median(sprt)} trials (×${ratio.toFixed(2)})`,
      verdict: ratio <= TARGET_RATIO && missed === 0 ? 'met' : 'missed',
      details: [
        `${seeds} seeds on the sim bench layout (${rig.duts.length} DUTs, ${componentCount} components); the bad cable picked at random each seed`,
        `ours: median ${median(ours)}, mean ${mean(ours).toFixed(1)} trials of the bad cable to the first correct flag; ${missed} seeds not flagged within ${CAP}`,
        `SPRT (p0 ${BASELINE}, p1 ${BAD}, α = ${DEFAULT_THRESHOLDS.suspectP} / ${componentCount} components, β = 0.05): median ${median(sprt)}, mean ${mean(sprt).toFixed(1)}`,
        `ratio of medians ×${ratio.toFixed(2)}; median of per-seed ratios ×${median(paired).toFixed(2)}`,
        `seeds with a flag on another component before the correct one: ${falseBefore}`,
      ],
    };
  },
};
