/**
 * Simulated rigs for the benchmarks, built in memory from the shipped sim bench with its planted faults removed:
 * one DUT alone, every DUT behind slow USB links, or a fleet of N identical STM32 boards wired like DUT d1 (its
 * own cable, hub port, shared supplies and 16-channel relay boards, as a real bench would be laid out).
 */
import type { Dut, Hub, LoadedBench, RelayBoard, Supply, UsbPort } from '../../harness/config/types.js';
import { cleanSimBench } from '../../test/runner/sim-bench-fixture.js';

/** The fault-free sim bench with only one DUT on it (idle boards would only add their own timers). */
export function soloBench(dutId: string): LoadedBench {
  const bench = cleanSimBench();
  const dut = bench.rig.duts.find((d) => d.id === dutId);
  if (!dut) throw new Error(`no DUT ${dutId} on the sim bench`);
  bench.rig.duts = [dut];
  return { rig: bench.rig, profiles: new Map([[dut.board, bench.profiles.get(dut.board)!]]) };
}

/**
 * The fault-free sim bench with every hub and every port slow (`latencyMs`), d8 moved from the PC's own socket
 * behind a hub like the others. The simulated adapter delays the device → host direction only: a link of L ms each
 * way is hubMs + portMs = 2L there, the same round trip.
 */
export function slowLinkBench(hubMs: number, portMs: number): LoadedBench {
  const bench = cleanSimBench();
  const { rig } = bench;
  rig.ports.push({ id: 'hub2.p4', hub: 'hub2' });
  rig.duts.find((d) => d.id === 'd8')!.port = 'hub2.p4';
  for (const hub of rig.hubs) hub.sim = { latencyMs: hubMs };
  for (const port of rig.ports) port.sim = { latencyMs: portMs };
  return bench;
}

/** The STM32 DUTs of the sim bench (the MediaTek engine polls through the BROM's boot, which has no fixed floor). */
export function stm32DutIds(): string[] {
  const bench = cleanSimBench();
  return bench.rig.duts.filter((d) => bench.profiles.get(d.board)?.chip?.family === 'stm32').map((d) => d.id);
}

const DUTS_PER_HUB = 4;
const DUTS_PER_SUPPLY = 2;
const CHANNELS_PER_BOARD = 16;

/** N clones of DUT d1 (STM32F103C8), every lane able to run at once. */
export function stm32Fleet(n: number, template = 'd1'): LoadedBench {
  const base = cleanSimBench();
  const model = base.rig.duts.find((d) => d.id === template);
  if (!model) throw new Error(`no DUT ${template} on the sim bench`);
  const modelBoard = base.rig.relays.find((b) => b.channels.some((c) => c.id === Object.values(model.pins)[0]?.channel));
  const pinNames = Object.keys(model.pins);
  const dutsPerBoard = Math.floor(CHANNELS_PER_BOARD / pinNames.length);

  const relays: RelayBoard[] = [];
  const hubs: Hub[] = [];
  const ports: UsbPort[] = [];
  const supplies: Supply[] = [];
  const duts: Dut[] = [];
  for (let i = 0; i < n; i++) {
    if (i % dutsPerBoard === 0) {
      const id = `rb${relays.length + 1}`;
      relays.push({
        id,
        driver: 'sim',
        polarity: modelBoard?.polarity ?? 'active-low',
        channels: Array.from({ length: CHANNELS_PER_BOARD }, (_, k) => ({ id: `${id}.${k + 1}`, board: id, channel: k + 1, safe: 'open' as const })),
      });
    }
    if (i % DUTS_PER_HUB === 0) hubs.push({ id: `hub${hubs.length + 1}` });
    if (i % DUTS_PER_SUPPLY === 0) supplies.push({ id: `psu${supplies.length + 1}` });
    const board = relays[relays.length - 1]!;
    const hub = hubs[hubs.length - 1]!;
    const port = `${hub.id}.p${(i % DUTS_PER_HUB) + 1}`;
    ports.push({ id: port, hub: hub.id });
    const slot = (i % dutsPerBoard) * pinNames.length;
    const pins: Dut['pins'] = {};
    pinNames.forEach((name, k) => {
      pins[name] = { channel: board.channels[slot + k]!.id, closed: model.pins[name]!.closed };
    });
    duts.push({ id: `d${i + 1}`, board: model.board, cable: `c${i + 1}`, port, supply: supplies[supplies.length - 1]!.id, pins });
  }
  const rig = {
    ...base.rig,
    id: `fleet-${n}`,
    title: `${n} × ${model.board} (simulated)`,
    nightly: { ...base.rig.nightly, concurrency: n },
    relays,
    hubs,
    ports,
    cables: duts.map((d) => ({ id: d.cable })),
    supplies,
    duts,
  };
  return { rig, profiles: new Map([[model.board, base.profiles.get(model.board)!]]) };
}
