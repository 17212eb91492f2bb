/**
 * The shipped simulated bench, loaded from rigs/sim-bench.yaml and then changed in memory: with every planted
 * fault removed, and with one fault injected where a test wants it.
 */
import { expect } from 'chai';
import { loadBench } from '../../harness/config/load.js';
import type { LoadedBench, Rig } from '../../harness/config/types.js';
import type { Symptom } from '../../harness/core/record.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';

export const SIM_BENCH = 'rigs/sim-bench.yaml';

/** The sim bench with no `sim:` fault blocks anywhere (the seed stays). */
export function cleanSimBench(): LoadedBench {
  const bench = loadBench(SIM_BENCH);
  const rig: Rig = structuredClone(bench.rig);
  for (const list of [rig.hubs, rig.ports, rig.cables, rig.supplies, rig.duts] as Array<Array<{ sim?: unknown }>>) {
    for (const item of list) delete item.sim;
  }
  for (const board of rig.relays) for (const channel of board.channels) delete channel.sim;
  return { rig, profiles: bench.profiles };
}

type Faultable = 'cables' | 'ports' | 'hubs' | 'supplies' | 'duts';

/** A clean sim bench with one `sim:` block set on one component. */
export function simBenchWithFault(list: Faultable | 'channels', id: string, sim: Record<string, unknown>): LoadedBench {
  const bench = cleanSimBench();
  if (list === 'channels') {
    const channel = bench.rig.relays.flatMap((b) => b.channels).find((c) => c.id === id);
    if (!channel) throw new Error(`no relay channel ${id}`);
    channel.sim = sim;
  } else {
    const item = (bench.rig[list] as Array<{ id: string; sim?: unknown }>).find((c) => c.id === id);
    if (!item) throw new Error(`no ${list} ${id}`);
    item.sim = sim;
  }
  return bench;
}

/** One fault injected on one component, and what the trials must show. */
export interface FaultCase {
  key: string;
  on: Parameters<typeof simBenchWithFault>;
  /** The touched DUT, and one neighbour that must not suffer. */
  duts: [string, string];
  /** At least one touched trial shows this symptom… */
  expected: Symptom;
  /** …and every failing touched trial shows one of these. */
  allowed: Symptom[];
  trials: number;
}

/** Runs the case on the real runner: the touched DUT shows the symptom, its neighbour passes every trial. */
export async function checkFaultCase(c: FaultCase): Promise<void> {
  const [touched, neighbour] = c.duts;
  const bench = simBenchWithFault(...c.on);
  const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: c.trials, duts: c.duts, portReturnMs: 3000 });
  const mine = summary.records.filter((r) => r.dut === touched);
  const others = summary.records.filter((r) => r.dut === neighbour);
  expect(mine).to.have.length(c.trials);
  expect(others).to.have.length(c.trials);
  // A machine too busy to switch a relay in time, or to read an answer in time, makes a trial a harness error
  // (edge-late, host-busy): evidence of nothing, so it is left out — and the only harness errors a healthy bench
  // may give.
  for (const r of [...mine, ...others].filter((r) => r.result === 'error')) expect(r.reason, `${r.trialId}: ${r.detail}`).to.be.oneOf(['edge-late', 'host-busy']);
  const judged = mine.filter((r) => r.result !== 'error');
  expect(judged.map((r) => r.symptom), `symptoms of the touched DUT: ${mine.map((r) => `${r.reason}: ${r.detail}`).join(' | ')}`).to.include(c.expected);
  for (const r of judged.filter((r) => r.result !== 'pass')) {
    expect(c.allowed, `${r.trialId}: ${r.detail}`).to.include(r.symptom);
    expect(r.detail, 'a failing trial says why').to.not.equal('');
  }
  for (const r of others.filter((r) => r.result !== 'error')) expect(r.result, `${r.trialId}: ${r.symptom} ${r.detail}`).to.equal('pass');
}
