/**
 * The shipped simulated bench, loaded from rigs/sim-bench.yaml and then changed in memory: with every planted
 * fault removed, and with one fault injected where a test wants it.
 */
import { loadBench } from '../../harness/config/load.js';
import type { LoadedBench, Rig } from '../../harness/config/types.js';

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
