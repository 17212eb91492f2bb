/**
 * B7 — a healthy board never fails: the fault-free simulated bench (every shipped profile, `rigs/sim-bench.yaml`
 * without its planted faults) on the real clock, trial after trial, while a background process keeps one core
 * busy; then the same bench behind slow USB links (16 ms on every hub + 4 ms on every port, and 50 ms each way).
 * Every failed trial here is the harness's own doing — its timing, not the boards'. Harness errors are counted
 * apart, and the link round trip each trial measured is reported.
 */
import type { LoadedBench } from '../harness/config/types.js';
import type { TrialRecord } from '../harness/core/record.js';
import { runBench } from '../harness/runner/run.js';
import { simulatedWorld } from '../harness/sim/world.js';
import { cleanSimBench } from '../test/runner/sim-bench-fixture.js';
import { startBackgroundLoad } from './lib/background-load.js';
import { slowLinkBench } from './lib/rigs.js';
import { median, ms, quantile } from './lib/stats.js';
import type { BenchContext, Benchmark } from './lib/types.js';

const TARGET_TRIALS = 2000;
/** Trials per DUT behind each slow link. */
const SLOW_TRIALS = 25;
/** Failed trials listed in the details, at most. */
const LISTED_FAILURES = 12;

interface Part {
  name: string;
  bench: LoadedBench;
  trialsPerDut: number;
}

async function runPart(part: Part, ctx: BenchContext): Promise<TrialRecord[]> {
  const total = part.trialsPerDut * part.bench.rig.duts.length;
  let done = 0;
  const summary = await runBench(part.bench, {
    world: simulatedWorld(part.bench),
    trialsPerDut: part.trialsPerDut,
    onTrial: () => {
      done++;
      if (done % 200 === 0 || done === total) ctx.log(`B7 ${part.name}: ${done}/${total} trials`);
    },
  });
  return summary.records;
}

export const b7: Benchmark = {
  id: 'B7',
  what: 'healthy bench under load (every profile)',
  target: `≥ ${TARGET_TRIALS} trials, 0 failed`,
  async run(ctx) {
    const clean = cleanSimBench();
    const duts = clean.rig.duts.length;
    const trialsPerDut = ctx.quick ? 10 : Math.ceil(TARGET_TRIALS / duts);
    const slowTrials = ctx.quick ? 3 : SLOW_TRIALS;
    const parts: Part[] = [
      { name: 'fault-free', bench: clean, trialsPerDut },
      { name: 'links 16 ms hub + 4 ms port', bench: slowLinkBench(16, 4), trialsPerDut: slowTrials },
      { name: 'links 50 ms each way', bench: slowLinkBench(50, 50), trialsPerDut: slowTrials },
    ];
    const stopLoad = startBackgroundLoad(1);
    const results: Array<{ part: Part; records: TrialRecord[] }> = [];
    try {
      for (const part of parts) results.push({ part, records: await runPart(part, ctx) });
    } finally {
      await stopLoad();
    }

    const details = ['one core kept busy by a background process throughout; every DUT in its own lane'];
    const allFailed: TrialRecord[] = [];
    let errors = 0;
    for (const { part, records } of results) {
      const failed = records.filter((r) => r.result === 'fail');
      const errored = records.filter((r) => r.result === 'error');
      allFailed.push(...failed, ...errored);
      errors += errored.length;
      details.push(`${part.name}: ${records.length} trials (${part.trialsPerDut} per DUT), failed ${failed.length}, harness errors ${errored.length}`);
      for (const dut of part.bench.rig.duts) {
        const mine = records.filter((r) => r.dut === dut.id);
        const bad = mine.filter((r) => r.result !== 'pass');
        const latency = mine.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
        details.push(
          `  ${dut.id} (${dut.board}): ${mine.length - bad.length}/${mine.length} passed${bad.length ? ` — ${symptomCounts(bad)}` : ''}; ` +
            `link round trip median ${ms(median(latency))} ms, p99 ${ms(quantile(latency, 0.99))} ms`,
        );
      }
    }
    const failed = allFailed.length - errors;
    details.push(`harness errors are counted apart: they are not evidence against any board`);
    for (const r of allFailed.slice(0, LISTED_FAILURES)) {
      details.push(`  ${r.rig} ${r.dut} #${r.seq} ${r.result} ${r.symptom ?? r.reason}: ${r.detail} (enter edges up to ${ms(edgeLateness(r))} ms late)`);
    }
    const trials = results.reduce((n, { records }) => n + records.length, 0);
    const cleanTrials = results[0]!.records.length;
    const enough = ctx.quick || cleanTrials >= TARGET_TRIALS;
    return {
      figure: `${failed} failed of ${trials} (harness errors ${errors})`,
      verdict: enough && failed === 0 ? 'met' : 'missed',
      details,
    };
  },
};

/** How late the enter sequence's edges came against their plan, at most, in ms: the harness's own timing. */
function edgeLateness(r: TrialRecord): number {
  const firstTx = r.transcript.find((e) => e.kind === 'tx')?.t ?? Number.POSITIVE_INFINITY;
  let late = 0;
  for (const e of r.transcript) {
    if (e.kind === 'edge' && e.planned !== undefined && e.t < firstTx) late = Math.max(late, (e.t - e.planned) / 1000);
  }
  return late;
}

function symptomCounts(records: TrialRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(`${r.result} ${r.symptom ?? r.reason}`, (counts.get(`${r.result} ${r.symptom ?? r.reason}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
