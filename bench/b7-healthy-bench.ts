/**
 * B7 — a healthy board never fails: the fault-free simulated bench (every shipped profile, `rigs/sim-bench.yaml`
 * without its planted faults) on the real clock, trial after trial, while a background process keeps one core
 * busy. Every failed trial here is the harness's own doing — its timing, not the boards'.
 */
import type { TrialRecord } from '../harness/core/record.js';
import { runBench } from '../harness/runner/run.js';
import { cleanSimBench } from '../test/runner/sim-bench-fixture.js';
import { startBackgroundLoad } from './lib/background-load.js';
import type { Benchmark } from './lib/types.js';

const TARGET_TRIALS = 2000;
/** Failed trials listed in the details, at most. */
const LISTED_FAILURES = 12;

export const b7: Benchmark = {
  id: 'B7',
  what: 'healthy bench under load (every profile)',
  target: `≥ ${TARGET_TRIALS} trials, 0 failed`,
  async run(ctx) {
    const bench = cleanSimBench();
    const duts = bench.rig.duts.length;
    const trialsPerDut = ctx.quick ? 10 : Math.ceil(TARGET_TRIALS / duts);
    const stopLoad = startBackgroundLoad(1);
    let records: TrialRecord[];
    try {
      let done = 0;
      const summary = await runBench(bench, {
        trialsPerDut,
        onTrial: () => {
          done++;
          if (done % 200 === 0) ctx.log(`B7 ${done}/${trialsPerDut * duts} trials`);
        },
      });
      records = summary.records;
    } finally {
      await stopLoad();
    }

    const failed = records.filter((r) => r.result === 'fail');
    const errors = records.filter((r) => r.result === 'error');
    const details = [`${records.length} trials (${trialsPerDut} per DUT, ${duts} DUTs, one lane each), one core kept busy by a background process`];
    for (const dut of bench.rig.duts) {
      const mine = records.filter((r) => r.dut === dut.id);
      const bad = mine.filter((r) => r.result !== 'pass');
      details.push(`${dut.id} (${dut.board}): ${mine.length - bad.length}/${mine.length} passed${bad.length ? ` — ${symptomCounts(bad)}` : ''}`);
    }
    details.push(`failed ${failed.length}, harness errors ${errors.length} (counted apart: not evidence against any board)`);
    for (const r of [...failed, ...errors].slice(0, LISTED_FAILURES)) {
      details.push(`  ${r.dut} #${r.seq} ${r.result} ${r.symptom}: ${r.detail}`);
    }
    const verdict = records.length >= trialsPerDut * duts && failed.length === 0 ? 'met' : 'missed';
    return {
      figure: `${failed.length} failed of ${records.length} (harness errors ${errors.length})`,
      verdict: ctx.quick || records.length >= TARGET_TRIALS ? verdict : 'missed',
      details,
    };
  },
};

function symptomCounts(records: TrialRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(`${r.result} ${r.symptom}`, (counts.get(`${r.result} ${r.symptom}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
