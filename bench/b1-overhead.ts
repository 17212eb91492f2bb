/**
 * B1 — overhead per trial: on the simulated bench, each STM32 DUT alone, trial after trial; a trial's overhead is
 * its total time minus its floor (the profile's waits and pulses + the wire time of its bytes at the baud).
 * The split by phase says where the rest goes: the sequences, the engine's exchanges, or opening and closing.
 */
import type { BoardProfile, SerialSettings } from '../harness/config/types.js';
import type { TrialRecord } from '../harness/core/record.js';
import { sequenceFloorMs } from '../harness/config/steps.js';
import { runBench } from '../harness/runner/run.js';
import { simulatedWorld } from '../harness/sim/world.js';
import type { Benchmark } from './lib/types.js';
import { soloBench, stm32DutIds } from './lib/rigs.js';
import { mean, median, ms, quantile } from './lib/stats.js';
import { trialFloorMs, wireBytes, wireMs } from './lib/wire.js';

const TARGET_MEDIAN_MS = 2;
/** First trials of each DUT left out: module loading and JIT warm-up, not the steady state. */
const WARM_UP = 2;

interface Split {
  enter: number;
  engine: number;
  leave: number;
  openClose: number;
}

function splitOf(r: TrialRecord, profile: BoardProfile, serial: SerialSettings): Split {
  const p = r.phases;
  return {
    enter: p.enterMs - sequenceFloorMs(profile.enter),
    engine: p.handshakeMs + p.identifyMs - wireMs(wireBytes(r), serial),
    leave: p.leaveMs - sequenceFloorMs(profile.leave),
    openClose: p.totalMs - p.enterMs - p.handshakeMs - p.identifyMs - p.leaveMs,
  };
}

export const b1: Benchmark = {
  id: 'B1',
  what: 'overhead per trial (sim bench)',
  target: `median ≤ ${TARGET_MEDIAN_MS} ms`,
  async run(ctx) {
    const trials = ctx.quick ? 8 : 42;
    const overheads: number[] = [];
    const splits: Split[] = [];
    const details: string[] = [];
    let failed = 0;
    for (const dutId of stm32DutIds()) {
      const bench = soloBench(dutId);
      const dut = bench.rig.duts[0]!;
      const profile = bench.profiles.get(dut.board)!;
      const serial = { ...profile.protocol.serial, ...dut.serialOverrides };
      const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: trials, concurrency: 1 });
      const mine: number[] = [];
      for (const r of summary.records.slice(WARM_UP)) {
        if (r.result !== 'pass') {
          failed++;
          continue;
        }
        const overhead = r.phases.totalMs - trialFloorMs(r, profile, serial);
        mine.push(overhead);
        splits.push(splitOf(r, profile, serial));
      }
      overheads.push(...mine);
      const line = `${dutId} (${profile.id}, ${profile.protocol.engine}): median ${ms(median(mine))} ms, p99 ${ms(quantile(mine, 0.99))} ms over ${mine.length} trials`;
      details.push(line);
      ctx.log(`B1 ${line}`);
    }
    const m = median(overheads);
    const p99 = quantile(overheads, 0.99);
    const avg = (key: keyof Split) => ms(mean(splits.map((s) => s[key])));
    details.push(
      `mean split: enter ${avg('enter')} ms, engine exchanges ${avg('engine')} ms, leave ${avg('leave')} ms, open+close ${avg('openClose')} ms`,
      `${overheads.length} passing trials (first ${WARM_UP} of each DUT left out as warm-up)${failed ? `; ${failed} failed trials left out` : ''}`,
    );
    return {
      figure: `median ${ms(m)} ms, p99 ${ms(p99)} ms`,
      verdict: m <= TARGET_MEDIAN_MS && failed === 0 ? 'met' : 'missed',
      details,
    };
  },
};
