/**
 * What a diagnosis needs to know about the bench a run used: the rig as it was wired that night (relay wiring,
 * spares) and the profiles of its boards (family, pins, protocol). Kept with the run (its meta) so that a reader
 * without the YAML files — the lab page over a shared store — diagnoses the night with each family's physics, as
 * the rig's own report did, and not with rates alone.
 */
import type { BoardProfile, LoadedBench, Rig } from './types.js';

/** The run meta key the facts are kept under (absent in runs stored before they were kept). */
export const BENCH_FACTS_KEY = 'bench';

export interface BenchFacts {
  rig: Rig;
  /** The profiles the rig's DUTs use, by id. */
  profiles: Record<string, BoardProfile>;
}

export function benchFacts(bench: LoadedBench): BenchFacts {
  const used = new Set(bench.rig.duts.map((d) => d.board));
  return { rig: bench.rig, profiles: Object.fromEntries([...bench.profiles].filter(([id]) => used.has(id))) };
}

/** The facts a run kept, as a loaded bench; undefined when the run kept none. */
export function benchFactsOf(meta: Readonly<Record<string, unknown>>): LoadedBench | undefined {
  const facts = meta[BENCH_FACTS_KEY] as Partial<BenchFacts> | null | undefined;
  if (!facts || typeof facts !== 'object' || !facts.rig || !facts.profiles || typeof facts.profiles !== 'object') return undefined;
  return { rig: facts.rig, profiles: new Map(Object.entries(facts.profiles)) };
}
