/**
 * B2 — timing accuracy: how late pin edges and the first send of a trial happen against when the sequence
 * scheduled them, with 16 lanes running at once (as a night does), while a background process keeps one core
 * busy (the load of B7); the same without the load for comparison.
 *
 * A wait counts from the moment the edge before it really left the host (harness/runner/sequence.ts), so every
 * edge is measured against its own plan — the real previous edge plus the wait — and a late edge does not make
 * the ones after it look late. The first send is due when the enter sequence's last wait ends: the real time of
 * its last edge plus the waits after it.
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import type { BoardProfile, Step } from '../harness/config/types.js';
import { stepGaps } from '../harness/core/step-gaps.js';
import type { TrialRecord } from '../harness/core/record.js';
import { runBench } from '../harness/runner/run.js';
import { simulatedWorld } from '../harness/sim/world.js';
import { startBackgroundLoad } from './lib/background-load.js';
import { raiseToRealtime } from './lib/realtime.js';
import type { Benchmark } from './lib/types.js';
import { stm32Fleet } from './lib/rigs.js';
import { median, ms, quantile } from './lib/stats.js';

const TARGET_EDGE_P99_MS = 1;
const TARGET_SEND_P99_MS = 2;
const LANES = 16;
/** Cores kept busy by the background load, as in B7. */
const LOADED_CORES = 1;
/** Trials per lane before the measurement. */
const WARM_UP_TRIALS = 3;
/** Time for the load's process to start before the measurement does. */
const LOAD_START_MS = 500;

/** Lateness in ms (negative: early) against the plan. */
export interface TimingErrors {
  /** Every pin edge. */
  edges: number[];
  /** The edges a timer released: those after a wait, a pulse's width or a power-off time (the rest follow at once). */
  timed: number[];
  /** The first send after the enter sequence. */
  send?: number;
}

export function timingErrors(record: TrialRecord, profile: BoardProfile): TimingErrors {
  const out: TimingErrors = { edges: [], timed: [] };
  const afterWait = [...edgesAfterWait(profile.enter), ...edgesAfterWait(profile.leave)];
  const edges = record.transcript.filter((e) => e.kind === 'edge' && e.planned !== undefined);
  // A trial that stopped mid-sequence recorded fewer edges: which of them a timer released is then unknown.
  const classified = edges.length === afterWait.length;
  let lastEnterEdgeAt: number | undefined;
  let index = 0;
  for (const e of record.transcript) {
    if (e.kind === 'edge' && e.planned !== undefined) {
      const late = (e.t - e.planned) / 1000;
      out.edges.push(late);
      if (classified && afterWait[index]) out.timed.push(late);
      index++;
      if (out.send === undefined) lastEnterEdgeAt = e.t;
    } else if (e.kind === 'tx' && out.send === undefined && lastEnterEdgeAt !== undefined) {
      out.send = (e.t - lastEnterEdgeAt) / 1000 - trailingWaitMs(profile.enter);
    }
  }
  return out;
}

/** The waits after the last step that moves a pin: the time from the last enter edge to the first send. */
export function trailingWaitMs(steps: readonly Step[]): number {
  let total = 0;
  for (let i = steps.length - 1; i >= 0 && steps[i]!.kind === 'wait'; i--) total += (steps[i] as { ms: number }).ms;
  return total;
}

/** For each edge a sequence records, in order: whether a wait came before it (so a timer released it). */
export function edgesAfterWait(steps: readonly Step[]): boolean[] {
  const out: boolean[] = [];
  let waited = false;
  for (const step of steps) {
    switch (step.kind) {
      case 'set':
        for (const _pin of Object.keys(step.pins)) out.push(waited);
        waited = false;
        break;
      case 'wait':
        waited ||= step.ms > 0;
        break;
      case 'pulse':
        out.push(waited, step.ms > 0);
        waited = false;
        break;
      case 'powerCycle':
        out.push(waited, step.offMs > 0);
        waited = false;
        break;
    }
  }
  return out;
}

interface Measured {
  lanes: number;
  trialsPerDut: number;
  edges: number[];
  timed: number[];
  sends: number[];
  results: Record<string, number>;
  loadBefore: number;
  loadAfter: number;
  /** Share of the run the main thread was ready to run but had no core (Linux only). */
  runQueueShare?: number;
  /** Garbage-collection pauses during the run (ms): each stops the main thread, and a wait falling due then ends late. */
  gcPauses: number[];
  /** Of them, the young-generation collections the harness started in gaps between timed steps (harness/core/step-gaps.ts). */
  inGaps: number;
}

/** Runs a fleet of `lanes` identical DUTs and collects the lateness of every edge and first send. */
async function measure(lanes: number, trialsPerDut: number): Promise<Measured> {
  const bench = stm32Fleet(lanes);
  const profile = [...bench.profiles.values()][0]!;
  const out: Measured = { lanes, trialsPerDut, edges: [], timed: [], sends: [], results: {}, loadBefore: loadavg()[0]!, loadAfter: 0, gcPauses: [], inGaps: 0 };
  const gc = new PerformanceObserver((list) => out.gcPauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  const inGapsBefore = stepGaps().collections;
  const waitedBefore = runQueueWaitMs();
  const started = performance.now();
  await runBench(bench, {
    world: simulatedWorld(bench),
    trialsPerDut,
    concurrency: lanes,
    onTrial: (r) => {
      const errors = timingErrors(r, profile);
      out.edges.push(...errors.edges);
      out.timed.push(...errors.timed);
      if (errors.send !== undefined) out.sends.push(errors.send);
      out.results[r.result] = (out.results[r.result] ?? 0) + 1;
    },
  });
  gc.disconnect();
  out.inGaps = stepGaps().collections - inGapsBefore;
  const waitedAfter = runQueueWaitMs();
  if (waitedBefore !== undefined && waitedAfter !== undefined) {
    out.runQueueShare = (waitedAfter - waitedBefore) / (performance.now() - started);
  }
  out.loadAfter = loadavg()[0]!;
  return out;
}

/** How long (ms) this thread has waited for a core since it started: Linux's schedstat, undefined elsewhere. */
function runQueueWaitMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

const describe = (label: string, values: number[]) =>
  `${values.length} ${label}: median ${ms(median(values))} ms, p99 ${ms(quantile(values, 0.99))} ms, max ${ms(Math.max(...values))} ms late` +
  `${values.some((v) => v < 0) ? `, ${values.filter((v) => v < 0).length} early (by up to ${ms(-Math.min(...values))} ms)` : ''}`;

function details(label: string, m: Measured): string[] {
  const results = Object.entries(m.results).map(([result, n]) => `${n} ${result}`).join(', ');
  const queued = m.runQueueShare === undefined ? '' : `; the OS kept the harness waiting for a core ${(m.runQueueShare * 100).toFixed(1)} % of the time`;
  return [
    `${label}: ${m.lanes} lanes × ${m.trialsPerDut} trials (${results}); load average ${m.loadBefore.toFixed(2)} → ${m.loadAfter.toFixed(2)}${queued}`,
    `  ${describe('edges', m.edges)}`,
    `  ${describe('of them after a wait', m.timed)}`,
    `  ${describe('first sends', m.sends)}`,
    `  ${m.gcPauses.length} garbage-collection pauses, ${ms(m.gcPauses.reduce((a, b) => a + b, 0))} ms in all` +
      (m.gcPauses.length > 0 ? `, median ${ms(median(m.gcPauses))} ms, max ${ms(Math.max(...m.gcPauses))} ms` : '') +
      `; ${m.inGaps} of them started by the harness between timed steps`,
  ];
}

export const b2: Benchmark = {
  id: 'B2',
  what: 'timing accuracy (edges, sends) under load',
  target: `p99 edges ≤ ${TARGET_EDGE_P99_MS} ms, sends ≤ ${TARGET_SEND_P99_MS} ms`,
  async run(ctx) {
    const edgesPerTrial = 7;
    const wantedEdges = ctx.quick ? 1_000 : 10_000;
    const trials = Math.ceil(wantedEdges / (edgesPerTrial * LANES));
    // Not measured: module loading and the compiler's first passes over every lane's code, which a night has behind
    // it after its first few trials.
    await measure(LANES, WARM_UP_TRIALS);
    const idle = await measure(LANES, trials);
    ctx.log(`B2 idle: edges p99 ${ms(quantile(idle.edges, 0.99))} ms; sends p99 ${ms(quantile(idle.sends, 0.99))} ms`);
    const stopLoad = startBackgroundLoad(LOADED_CORES);
    let loaded: Measured;
    // Raised after the load has started, so that the load itself stays an ordinary process.
    let priority = 'ordinary priority';
    let lower = () => {};
    try {
      await new Promise((resolve) => setTimeout(resolve, LOAD_START_MS));
      if (ctx.realtime) {
        const raised = raiseToRealtime();
        if ('lower' in raised) [priority, lower] = ['every thread of the harness at SCHED_RR priority 1 (--realtime)', raised.lower];
        else priority = `ordinary priority: --realtime could not raise it (${raised.why})`;
      }
      loaded = await measure(LANES, trials);
    } finally {
      lower();
      await stopLoad();
    }
    const edgeP99 = quantile(loaded.edges, 0.99);
    const sendP99 = quantile(loaded.sends, 0.99);
    ctx.log(`B2 one core busy: edges p99 ${ms(edgeP99)} ms; sends p99 ${ms(sendP99)} ms`);
    return {
      figure: `edges p99 ${ms(edgeP99)} ms, sends p99 ${ms(sendP99)} ms`,
      verdict: edgeP99 <= TARGET_EDGE_P99_MS && sendP99 <= TARGET_SEND_P99_MS ? 'met' : 'missed',
      details: [
        `${[...stm32Fleet(1).profiles.keys()][0]} on every lane`,
        ...details(`one core kept busy by a background process (the figure), ${priority}`, loaded),
        ...details('no background load (for comparison)', idle),
      ],
    };
  },
};
