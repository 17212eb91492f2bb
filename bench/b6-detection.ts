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
import { sequentialDecision } from '../harness/diagnose/sequential.js';
import { FollowUp, sequentialOptions, type FollowUpUnit } from '../harness/nightly/follow-up.js';
import { componentsOf } from '../harness/runner/run.js';
import { cleanSimBench } from '../test/runner/sim-bench-fixture.js';
import type { Benchmark } from './lib/types.js';
import { mean, median } from './lib/stats.js';

const BASELINE = 0.005;
const BAD = 0.05;
const TARGET_RATIO = 1.1;
/** Trials per DUT after which a seed counts as "never flagged". */
const CAP = 2000;
const NIGHT = '2026-01-01';

export interface DetectionRun {
  badCable: string;
  /** Trials of the bad cable until the diagnosis (or the follow-up's sequential test) first flagged it correctly (undefined: not within CAP). */
  ours?: number;
  sprt?: number;
  /** Flags on other components seen before the correct one. */
  falseFlagsBefore: number;
  /** With follow-up: trials spent on follow-ups, and how often the bad cable's unit was wrongly cleared. */
  followUpTrials: number;
  wronglyCleared: number;
}

/** Whether a follow-up unit holds the bad cable. */
function unitNamesCable(unit: FollowUpUnit, cable: string): boolean {
  return unit.components.some((c) => c.kind === 'cable' && c.id === cable);
}

function flagged(d: Diagnosis) {
  return d.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

/** Whether a flag names the cable (itself, or as part of a group that rates alone cannot split). */
function namesCable(flag: Diagnosis['components'][number], cable: string): boolean {
  return (flag.kind === 'cable' && flag.id === cable) || (flag.confoundedWith ?? []).includes(cable);
}

/**
 * One seed. Without follow-up, the diagnosis runs after every round of one trial per DUT (as if every night were
 * one round long: the fewest trials the diagnosis alone could flag at). With it, a night's planned trials end at the
 * first round the diagnosis leaves parts at suspect or watch: their DUTs, and clean DUTs for the pool, run follow-up
 * trials until the sequential test decides (harness/nightly/follow-up.ts), as the nightly does; then the rounds go on.
 */
export function detectOnce(seed: number, rig: Rig, components: Map<string, TrialComponents>, componentCount: number, withFollowUp = false): DetectionRun {
  const rng = new Rng(seed);
  const badDut = rng.pick(rig.duts);
  const badCable = badDut.cable;
  const lanes = rig.duts.map((d) => ({ dut: d, rng: rng.fork(d.id), rate: d.id === badDut.id ? BAD : BASELINE }));
  const builder = new CellBuilder();
  const badOutcomes: boolean[] = [];
  let badFailures = 0;
  let falseFlagsBefore = 0;
  let ours: number | undefined;
  let followUpTrials = 0;
  let wronglyCleared = 0;
  const tallies = new Map(rig.duts.map((d) => [d.id, { trials: 0, failures: 0 }]));
  const componentsOfDut = new Map(rig.duts.map((d) => [d.id, refsOf(components.get(d.id)!).map((r) => r.key)] as const));
  const trial = (lane: (typeof lanes)[number]) => {
    const failed = lane.rng.chance(lane.rate);
    builder.add(NIGHT, lane.dut.board, components.get(lane.dut.id)!, failed ? 'corrupt' : 'ok');
    const tally = tallies.get(lane.dut.id)!;
    tally.trials++;
    if (failed) tally.failures++;
    if (lane.dut.id === badDut.id) {
      badOutcomes.push(failed);
      if (failed) badFailures++;
    }
    return failed;
  };
  for (let k = 1; k <= CAP && ours === undefined; k++) {
    for (const lane of lanes) trial(lane);
    // Fewer failures than this never make a suspect: no need to ask the diagnosis yet.
    if (badFailures < DEFAULT_THRESHOLDS.minFailures) continue;
    const diagnosis = diagnoseCells(builder.build(), { rig: rig.id, rigConfig: rig });
    const flags = flagged(diagnosis);
    if (flags.some((f) => namesCable(f, badCable))) {
      ours = badOutcomes.length;
      break;
    }
    if (flags.length > 0) falseFlagsBefore++;
    if (!withFollowUp) continue;
    const followUp = new FollowUp({ diagnosis, componentsTested: componentCount, componentsOf: componentsOfDut, tallies });
    const unit = followUp.units.find((u) => unitNamesCable(u, badCable));
    // Until the bad cable's unit decides (the other units' trials go on meanwhile, as on the bench).
    while (badOutcomes.length < CAP && unit?.decision !== 'flagged' && unit?.decision !== 'cleared') {
      const wanted = followUp.wanted();
      if (wanted.length === 0) break;
      for (const lane of lanes) {
        if (!wanted.includes(lane.dut.id)) continue;
        followUpTrials++;
        followUp.add(lane.dut.id, trial(lane) ? 'fail' : 'pass');
      }
    }
    if (unit?.decision === 'flagged') ours = badOutcomes.length;
    else if (unit?.decision === 'cleared') wronglyCleared++;
    const wrong = followUp.units.filter((u) => u !== unit && u.decision === 'flagged');
    if (wrong.length > 0) falseFlagsBefore++;
  }
  // The oracle sees the same outcomes, continued past our stop if it needs more.
  const laneRng = lanes.find((l) => l.dut.id === badDut.id)!.rng;
  while (badOutcomes.length < CAP) badOutcomes.push(laneRng.chance(BAD));
  const sprt = sprtTrialsToDetect(badOutcomes, { p0: BASELINE, p1: BAD, alpha: DEFAULT_THRESHOLDS.suspectP / componentCount, beta: DEFAULT_THRESHOLDS.missP });
  const run: DetectionRun = { badCable, falseFlagsBefore, followUpTrials, wronglyCleared };
  if (ours !== undefined) run.ours = ours;
  if (sprt !== undefined) run.sprt = sprt;
  return run;
}

/** The level at which the sequential test's false flags are counted: B6's own is too small to see in a few seconds. */
const NULL_ALPHA = 1e-3;

/**
 * The sequential test's false flags with nothing faulty: a part and a pool of ten DUTs fail alike (0.5 %), 50 planned
 * trials each, then follow-up trials until the test decides (at most 3 000), the pool growing ten trials a trial or
 * frozen at the planned ones. Its α is NULL_ALPHA: the share flagged says how well the test holds it.
 */
export function nullFlagRate(runs: number, poolGrows: boolean): number {
  const options = { ...sequentialOptions(1), alpha: NULL_ALPHA };
  const rng = new Rng(7);
  const poolDuts = 10;
  let flags = 0;
  for (let run = 0; run < runs; run++) {
    const part = { trials: 0, failures: 0 };
    const pool = { trials: 0, failures: 0 };
    const step = (withPool: boolean) => {
      part.trials++;
      if (rng.chance(BASELINE)) part.failures++;
      for (let i = 0; withPool && i < poolDuts; i++) {
        pool.trials++;
        if (rng.chance(BASELINE)) pool.failures++;
      }
    };
    for (let k = 0; k < 50; k++) step(true);
    while (part.trials < 3000) {
      const decision = sequentialDecision(part.failures, part.trials, pool.failures, pool.trials, options);
      if (decision === 'flagged') flags++;
      if (decision !== 'undecided') break;
      step(poolGrows);
    }
  }
  return flags / runs;
}

interface ModeFigures {
  ours: number[];
  sprt: number[];
  missed: number;
  ratio: number;
  paired: number;
  falseBefore: number;
  followUpTrials: number;
  wronglyCleared: number;
}

function figuresOf(runs: DetectionRun[]): ModeFigures {
  const ours = runs.flatMap((r) => (r.ours === undefined ? [] : [r.ours]));
  const sprt = runs.flatMap((r) => (r.sprt === undefined ? [] : [r.sprt]));
  const paired = runs.filter((r) => r.ours !== undefined && r.sprt !== undefined).map((r) => r.ours! / r.sprt!);
  return {
    ours,
    sprt,
    missed: runs.length - ours.length,
    ratio: median(ours) / median(sprt),
    paired: median(paired),
    falseBefore: runs.filter((r) => r.falseFlagsBefore > 0).length,
    followUpTrials: runs.reduce((n, r) => n + r.followUpTrials, 0),
    wronglyCleared: runs.reduce((n, r) => n + r.wronglyCleared, 0),
  };
}

export const b6: Benchmark = {
  id: 'B6',
  what: 'detection (bad cable 5 % vs 0.5 %)',
  target: `≤ ${TARGET_RATIO} × SPRT oracle with follow-up`,
  async run(ctx) {
    const seeds = ctx.quick ? 30 : 200;
    const bench = cleanSimBench();
    const rig = bench.rig;
    const components = new Map(rig.duts.map((d) => [d.id, componentsOf(bench, d, Object.values(d.pins).map((p) => p.channel))] as const));
    const componentCount = new Set([...components.values()].flatMap((c) => refsOf(c).map((r) => r.key))).size;
    const modes = [false, true].map((withFollowUp) => {
      const runs: DetectionRun[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        runs.push(detectOnce(seed, rig, components, componentCount, withFollowUp));
        if (seed % 50 === 0) ctx.log(`B6 ${withFollowUp ? 'with' : 'without'} follow-up: ${seed}/${seeds} seeds`);
      }
      return figuresOf(runs);
    });
    const [without, withFollowUp] = modes as [ModeFigures, ModeFigures];
    const nullRuns = ctx.quick ? 2000 : 40000;
    ctx.log(`B6: the sequential test with nothing faulty, ${nullRuns} runs`);
    const falseFlags = [true, false].map((grows) => `${(100 * nullFlagRate(nullRuns, grows)).toFixed(3)} %`);
    const line = (name: string, f: ModeFigures) =>
      `${name}: median ${median(f.ours)}, mean ${mean(f.ours).toFixed(1)} trials of the bad cable to the first correct flag (×${f.ratio.toFixed(2)} the SPRT's median; ` +
      `median of per-seed ratios ×${f.paired.toFixed(2)}); ${f.missed} seeds not flagged within ${CAP}; ${f.falseBefore} seeds with a flag on another component first`;
    return {
      figure: `with follow-up median ${median(withFollowUp.ours)} vs ${median(withFollowUp.sprt)} (×${withFollowUp.ratio.toFixed(2)}); without ${median(without.ours)} (×${without.ratio.toFixed(2)})`,
      verdict: withFollowUp.ratio <= TARGET_RATIO && withFollowUp.missed === 0 ? 'met' : 'missed',
      details: [
        `${seeds} seeds on the sim bench layout (${rig.duts.length} DUTs, ${componentCount} components); the bad cable picked at random each seed`,
        line('without follow-up (the diagnosis after every round)', without),
        line('with follow-up (the sequential test on the DUTs of parts at suspect or watch, the pool growing beside them)', withFollowUp),
        `the sequential test with nothing faulty (${nullRuns} runs, α = ${NULL_ALPHA}): ${falseFlags[0]} flagged with the pool growing, ${falseFlags[1]} with it frozen`,
        `follow-up trials spent: ${withFollowUp.followUpTrials} in all (${(withFollowUp.followUpTrials / seeds).toFixed(1)} a seed); the bad cable wrongly cleared ${withFollowUp.wronglyCleared} times`,
        `SPRT (p0 ${BASELINE}, p1 ${BAD}, α = ${DEFAULT_THRESHOLDS.suspectP} / ${componentCount} components, β = ${DEFAULT_THRESHOLDS.missP}): median ${median(without.sprt)}, mean ${mean(without.sprt).toFixed(1)}`,
      ],
    };
  },
};
