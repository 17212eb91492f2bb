/**
 * B2 — timing accuracy: how late pin edges and the first send of a trial happen against when the sequence
 * scheduled them, with 16 lanes running at once (as a night does). Edges carry their planned time in the
 * transcript; the first send is due when the enter sequence's last wait ends (the planned time of its last edge
 * plus the waits after it).
 */
import type { BoardProfile, Step } from '../harness/config/types.js';
import type { TrialRecord } from '../harness/core/record.js';
import { runBench } from '../harness/runner/run.js';
import { simulatedWorld } from '../harness/sim/world.js';
import type { Benchmark } from './lib/types.js';
import { stm32Fleet } from './lib/rigs.js';
import { median, ms, quantile } from './lib/stats.js';

const TARGET_P99_MS = 1;
const LANES = 16;

/** Lateness in ms of every pin edge, and of the first send after the enter sequence. */
export function timingErrors(record: TrialRecord, profile: BoardProfile): { edges: number[]; send?: number } {
  const edges: number[] = [];
  let lastEnterEdge: number | undefined;
  let send: number | undefined;
  for (const e of record.transcript) {
    if (e.kind === 'edge' && e.planned !== undefined) {
      edges.push(Math.abs(e.t - e.planned) / 1000);
      if (send === undefined) lastEnterEdge = e.planned;
    } else if (e.kind === 'tx' && send === undefined && lastEnterEdge !== undefined) {
      send = Math.abs(e.t - (lastEnterEdge + trailingWaitMs(profile.enter) * 1000)) / 1000;
    }
  }
  return send === undefined ? { edges } : { edges, send };
}

/** The waits after the last step that moves a pin: the time from the last enter edge to the first send. */
export function trailingWaitMs(steps: readonly Step[]): number {
  let total = 0;
  for (let i = steps.length - 1; i >= 0 && steps[i]!.kind === 'wait'; i--) total += (steps[i] as { ms: number }).ms;
  return total;
}

interface Lateness {
  edges: number[];
  sends: number[];
}

/** Runs a fleet of `lanes` identical DUTs and collects the lateness of every edge and first send. */
async function measure(lanes: number, trialsPerDut: number): Promise<Lateness> {
  const bench = stm32Fleet(lanes);
  const profile = [...bench.profiles.values()][0]!;
  const out: Lateness = { edges: [], sends: [] };
  await runBench(bench, {
    world: simulatedWorld(bench),
    trialsPerDut,
    concurrency: lanes,
    onTrial: (r) => {
      const errors = timingErrors(r, profile);
      out.edges.push(...errors.edges);
      if (errors.send !== undefined) out.sends.push(errors.send);
    },
  });
  return out;
}

const describe = (label: string, values: number[]) =>
  `${values.length} ${label}: median ${ms(median(values))} ms, p99 ${ms(quantile(values, 0.99))} ms, max ${ms(Math.max(...values))} ms late`;

export const b2: Benchmark = {
  id: 'B2',
  what: 'timing accuracy (edges, sends)',
  target: `p99 error ≤ ${TARGET_P99_MS} ms`,
  async run(ctx) {
    const edgesPerTrial = 7;
    const wantedEdges = ctx.quick ? 1_000 : 10_000;
    const trials = Math.ceil(wantedEdges / (edgesPerTrial * LANES));
    await measure(2, 2); // module loading and JIT warm-up, not measured
    const many = await measure(LANES, trials);
    const edgeP99 = quantile(many.edges, 0.99);
    const sendP99 = quantile(many.sends, 0.99);
    ctx.log(`B2 ${LANES} lanes: ${many.edges.length} edges p99 ${ms(edgeP99)} ms; ${many.sends.length} sends p99 ${ms(sendP99)} ms`);
    // The same with one lane: what the scheduling costs without other lanes competing for the event loop.
    const one = await measure(1, ctx.quick ? 10 : 60);
    ctx.log(`B2 1 lane: edges p99 ${ms(quantile(one.edges, 0.99))} ms; sends p99 ${ms(quantile(one.sends, 0.99))} ms`);
    return {
      figure: `edges p99 ${ms(edgeP99)} ms, sends p99 ${ms(sendP99)} ms`,
      verdict: edgeP99 <= TARGET_P99_MS && sendP99 <= TARGET_P99_MS ? 'met' : 'missed',
      details: [
        `${LANES} lanes × ${trials} trials of ${[...stm32Fleet(1).profiles.keys()][0]}:`,
        `  ${describe('edges', many.edges)}`,
        `  ${describe('first sends', many.sends)}`,
        `1 lane × ${ctx.quick ? 10 : 60} trials (for comparison):`,
        `  ${describe('edges', one.edges)}`,
        `  ${describe('first sends', one.sends)}`,
      ],
    };
  },
};
