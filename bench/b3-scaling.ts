/**
 * B3 — parallel scaling: fleets of 1, 16 and 64 simulated STM32 DUTs, each lane doing the same trials at once.
 * Lanes spend most of a trial waiting (the sequences' waits, the line), so N lanes should take about as long as
 * one; the ratio to one DUT's wall time says how much the harness itself costs per extra lane.
 */
import { runBench } from '../harness/runner/run.js';
import { simulatedWorld } from '../harness/sim/world.js';
import type { Benchmark } from './lib/types.js';
import { stm32Fleet } from './lib/rigs.js';

const TARGET_RATIO = 1.15;

export interface FleetRun {
  duts: number;
  trials: number;
  wallMs: number;
  failed: number;
  cpuMs: number;
}

export async function runFleet(duts: number, trialsPerDut: number): Promise<FleetRun> {
  const bench = stm32Fleet(duts);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut, concurrency: duts });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    duts,
    trials: summary.trials,
    wallMs,
    failed: summary.records.filter((r) => r.result !== 'pass').length,
    cpuMs: (used.user + used.system) / 1000,
  };
}

export const b3: Benchmark = {
  id: 'B3',
  what: 'parallel scaling (1/16/64 DUTs)',
  target: `16 DUTs ≤ ${TARGET_RATIO} × 1 DUT`,
  async run(ctx) {
    const trials = ctx.quick ? 10 : 50;
    // A short run first, so that module loading and JIT warm-up do not land on the one-DUT baseline.
    await runFleet(2, 2);
    const runs: FleetRun[] = [];
    for (const n of [1, 16, 64]) {
      const run = await runFleet(n, trials);
      runs.push(run);
      ctx.log(`B3 ${n} DUTs × ${trials}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU, ${run.failed} failed`);
    }
    const base = runs[0]!.wallMs;
    const ratio = (n: number) => runs.find((r) => r.duts === n)!.wallMs / base;
    const failed = runs.reduce((a, r) => a + r.failed, 0);
    const details = runs.map(
      (r) =>
        `${r.duts} DUT${r.duts > 1 ? 's' : ''} × ${trials} trials: ${(r.wallMs / 1000).toFixed(2)} s wall (${(r.wallMs / base).toFixed(3)} × one DUT), ` +
        `${(r.cpuMs / 1000).toFixed(2)} s CPU (${((r.cpuMs / r.wallMs) * 100).toFixed(0)} % of one core), ${r.failed} of ${r.trials} trials failed`,
    );
    return {
      figure: `×${ratio(16).toFixed(3)} at 16, ×${ratio(64).toFixed(3)} at 64`,
      verdict: ratio(16) <= TARGET_RATIO && failed === 0 ? 'met' : 'missed',
      details,
    };
  },
};
