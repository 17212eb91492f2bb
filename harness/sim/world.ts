/**
 * The world of a run on a simulated rig: the simulated bench's clock, serial binding and relay boards, and its DUT
 * ports. The CLI asks for it when a rig says `kind: simulated`; tests and benchmarks build it the same way.
 */
import type { LoadedBench } from '../config/types.js';
import { realClock } from '../core/clock.js';
import type { World } from '../runner/world.js';
import { SimBench, type SimBenchOptions } from './bench.js';

export interface SimulatedWorld extends World {
  /** The bench behind it (tests look inside: contacts, emulators, faults drawn). */
  sim: SimBench;
}

/** A world on the simulated bench of `bench`'s rig; options: the clock (default real), the fault seed, the emulators. */
export function simulatedWorld(bench: LoadedBench, options: SimBenchOptions = {}): SimulatedWorld {
  const clock = options.clock ?? realClock;
  const sim = new SimBench(bench, { ...options, clock });
  const path = (dutId: string) => sim.portPath(dutId);
  return {
    clock,
    binding: sim.binding,
    relays: sim.relayBackends(),
    sim,
    portPathOf: async (dut) => path(dut.id),
    // A simulated adapter is listed while plugged in; opening it would count as a trial of its station.
    portPresent: async (dut) => (await sim.binding.list()).some((p) => p.path === path(dut.id)),
    dispose: () => sim.dispose(),
  };
}
